/**
 * Hand-computed surrogate gradients and the detachReset option.
 */
import { describe, expect, it } from 'vitest';
import { lifParams, type ResetMode } from '../../src/neurons/lif.js';
import type { NetworkSpec } from '../../src/model/network.js';
import { exponential, fastSigmoid, triangle, type Surrogate } from '../../src/surrogates.js';
import {
  randomSpikes,
  referenceBackward,
  referenceForward,
  toFloat64Weights,
  type WeightsLike,
} from '../../src/reference/lif-network.js';
import { ARCHS, firingWeights, maxAbs, tinySpec } from './helpers.js';

/**
 * 1 input → 1 neuron → 2 readouts (wo = [1, −1]), α = 0, β = 0.5, ϑ = 1, w = 0.8,
 * one input spike at n = 1, T = 8, 'sum' readout, label 0. The membrane is
 * U = 0, 0, 0, 0.8, 0.4, 0.2, 0.1, 0.05: no spike ever, y ≡ 0.
 */
function subthreshold(surrogate: Surrogate, reset: ResetMode, detachReset: boolean) {
  const spec: NetworkSpec = {
    inputs: 1,
    hidden: [{ size: 1, recurrent: false }],
    outputs: 2,
    neuron: lifParams({ alpha: 0, beta: 0.5, threshold: 1, reset, detachReset }),
    surrogate,
    readoutReduce: 'sum',
  };
  const weights: WeightsLike = { hidden: [{ w: [0.8] }], readout: [1, -1] };
  const input = [0, 1, 0, 0, 0, 0, 0, 0];
  const forward = referenceForward(spec, weights, input, 8, 1, [0]);
  return { forward, grads: referenceBackward(spec, weights, forward, input, 8, 1, [0]) };
}

describe('referenceBackward, hand-computed', () => {
  // triangle with k = 2: σ′(x) = max(0, 1 − 2|x|) is non-zero only at n = 3 (x = −0.2 → 0.6).
  // logits = [0, 0] → dL/dlogits = [−0.5, 0.5] =: d; 'sum' → gy[n] = d for all n.
  // readout (α = 0, β = 0.5): gUo[7] = d, gUo[6] = 1.5d, gUo[5] = 1.75d; gIo[4] = gUo[5] = 1.75d
  // gS[3] = woᵀ·gIo[4] = 1.75·(1·(−0.5) − 1·0.5) = −1.75
  // gU[n] = 0 for n ≥ 4 (σ′ = 0 there), so the reset term −ϑ·gU[4] (or −β·U[3]·gU[4]) is 0
  // gU[3] = 0.6·(−1.75) = −1.05;  gU[2] = σ′(−1)·gS[2] + β·gU[3] = −0.525;  gU[1] = −0.2625
  // gI[n] = gU[n+1] (α = 0): gI[2] = −1.05, gI[1] = −0.525, gI[3] = 0
  // dL/dW = Σ gI[n+1]·S_in[n] = gI[2] = −1.05;  dL/dWo = 0 (no spikes)
  // dL/dS_in[n] = W·gI[n+1]: [0.8·(−0.525), 0.8·(−1.05), 0, …] = [−0.42, −0.84, 0, …]
  for (const reset of ['subtract', 'zero'] as const) {
    for (const detach of [false, true]) {
      it(`isolated sub-threshold excursion, reset ${reset}, detachReset ${detach}`, () => {
        const { forward, grads } = subthreshold(triangle({ slope: 2 }), reset, detach);
        const U = forward.layers[0].U;
        [0, 0, 0, 0.8, 0.4, 0.2, 0.1, 0.05].forEach((u, n) => expect(U[n]).toBeCloseTo(u, 14));
        expect(maxAbs(forward.layers[0].S)).toBe(0);
        expect(grads.hidden[0].w[0]).toBeCloseTo(-1.05, 14);
        expect(Array.from(grads.readout)).toEqual([0, 0]);
        const expectedIn = [-0.42, -0.84, 0, 0, 0, 0, 0, 0];
        expectedIn.forEach((g, n) => expect(grads.inputGrad[n]).toBeCloseTo(g, 14));
      });
    }
  }
});

describe('detachReset', () => {
  it('gives the same gradient when the reset term is absent (σ′ = 0 wherever it would act)', () => {
    for (const reset of ['subtract', 'zero'] as const) {
      const a = subthreshold(triangle({ slope: 2 }), reset, false).grads;
      const b = subthreshold(triangle({ slope: 2 }), reset, true).grads;
      expect(b).toEqual(a);
    }
  });

  it('still matters without spikes when σ′ has unbounded support (∂U[n+1]/∂S[n] = −ϑ regardless of S)', () => {
    for (const surrogate of [fastSigmoid(), exponential()]) {
      const a = subthreshold(surrogate, 'subtract', false);
      const b = subthreshold(surrogate, 'subtract', true);
      expect(maxAbs(a.forward.layers[0].S)).toBe(0);
      expect(Math.abs(a.grads.hidden[0].w[0] - b.grads.hidden[0].w[0])).toBeGreaterThan(1e-4);
    }
  });

  for (const reset of ['subtract', 'zero'] as const) {
    it(`differs from the attached reset when spikes occur (reset ${reset}); forward and readout gradient unchanged`, () => {
      const T = 12;
      const labels = [1, 0];
      const attachedSpec = tinySpec(ARCHS[3], fastSigmoid(), reset, 'mean', false);
      const detachedSpec = tinySpec(ARCHS[3], fastSigmoid(), reset, 'mean', true);
      const weights = firingWeights(attachedSpec, 7);
      const input = randomSpikes(T, 2, 5, 0.5, 3);
      const fa = referenceForward(attachedSpec, weights, input, T, 2, labels);
      const fd = referenceForward(detachedSpec, weights, input, T, 2, labels);
      expect(fd.layers[0].U).toEqual(fa.layers[0].U);
      expect(maxAbs(fa.layers[0].S)).toBe(1);
      expect(maxAbs(fa.layers[1].S)).toBe(1);
      const ga = referenceBackward(attachedSpec, weights, fa, input, T, 2, labels);
      const gd = referenceBackward(detachedSpec, weights, fd, input, T, 2, labels);
      // the readout gradient does not see the hidden reset
      expect(gd.readout).toEqual(ga.readout);
      // the hidden gradients do
      for (let l = 0; l < 2; l++) {
        const diff = ga.hidden[l].w.map((g, k) => g - gd.hidden[l].w[k]);
        expect(maxAbs(diff), `layer ${l}`).toBeGreaterThan(1e-2 * maxAbs(ga.hidden[l].w));
      }
    });
  }

  /**
   * detachReset is the exact gradient of the smooth model in which the reset's
   * S[n] is a constant: a test-local forward (one recurrent layer + readout,
   * 'sum') that takes the reset spikes from a frozen trace, differenced.
   */
  for (const reset of ['subtract', 'zero'] as const) {
    for (const surrogate of [fastSigmoid({ slope: 2 }), triangle(), exponential({ slope: 2 })]) {
      it(`equals finite differences with the reset's S frozen (${surrogate.name}, reset ${reset})`, () => {
        const T = 10;
        const B = 2;
        const labels = [0, 2];
        const arch = ARCHS[1]; // 5 → 4 recurrent → 3
        const spec = tinySpec(arch, surrogate, reset, 'sum', true);
        const w64 = toFloat64Weights(firingWeights(spec, 3));
        const input = randomSpikes(T, B, 5, 0.5, 8);
        const smooth = referenceForward(spec, w64, input, T, B, labels, { spike: 'smooth' });
        const frozen = smooth.layers[0].S; // the reset's S[n], held constant
        const grads = referenceBackward(spec, w64, smooth, input, T, B, labels);
        expect(frozenResetLoss(spec, w64, input, T, B, labels, frozen)).toBeCloseTo(smooth.loss, 14);
        const h = 1e-6;
        for (const [tensor, g] of [
          [w64.hidden[0].w, grads.hidden[0].w],
          [w64.hidden[0].v!, grads.hidden[0].v!],
          [w64.readout, grads.readout],
        ] as const) {
          for (let k = 0; k < tensor.length; k++) {
            const saved = tensor[k];
            tensor[k] = saved + h;
            const plus = frozenResetLoss(spec, w64, input, T, B, labels, frozen);
            tensor[k] = saved - h;
            const minus = frozenResetLoss(spec, w64, input, T, B, labels, frozen);
            tensor[k] = saved;
            const fdv = (plus - minus) / (2 * h);
            const atol = (10 * Number.EPSILON * Math.max(1, smooth.loss)) / h;
            expect(Math.abs(g[k] - fdv), `${k}: ${g[k]} vs ${fdv}`).toBeLessThanOrEqual(1e-6 * Math.abs(fdv) + atol);
          }
        }
        expect(maxAbs(grads.hidden[0].w)).toBeGreaterThan(1e-4);
        expect(maxAbs(grads.hidden[0].v!)).toBeGreaterThan(1e-6);
      });
    }
  }
});

/**
 * Smooth forward of one recurrent LIF layer + readout ('sum'), written out
 * independently, where the reset uses `frozen` S values instead of the live
 * ones (propagation uses the live S = F(U − ϑ)).
 */
function frozenResetLoss(
  spec: NetworkSpec,
  weights: WeightsLike,
  input: ArrayLike<number>,
  T: number,
  B: number,
  labels: number[],
  frozen: ArrayLike<number>,
): number {
  const { alpha, beta, threshold, reset } = spec.neuron;
  const N = spec.hidden[0].size;
  const Nin = spec.inputs;
  const O = spec.outputs;
  const { w, v } = weights.hidden[0];
  let loss = 0;
  for (let b = 0; b < B; b++) {
    let U = new Array<number>(N).fill(0);
    let I = new Array<number>(N).fill(0);
    let Uo = new Array<number>(O).fill(0);
    let Io = new Array<number>(O).fill(0);
    const logits = new Array<number>(O).fill(0);
    for (let n = 0; n < T; n++) {
      for (let o = 0; o < O; o++) logits[o] += Uo[o];
      const S = U.map((u) => spec.surrogate.fn(u - threshold));
      const Sr = U.map((_, i) => frozen[(n * B + b) * N + i]);
      const xin = Array.from({ length: Nin }, (_, j) => input[(n * B + b) * Nin + j]);
      const I1 = I.map((c, i) => {
        let s = alpha * c;
        for (let j = 0; j < Nin; j++) s += w[i * Nin + j] * xin[j];
        for (let j = 0; j < N; j++) s += v![i * N + j] * S[j];
        return s;
      });
      const U1 = U.map((u, i) => (reset === 'subtract' ? beta * u + I[i] - threshold * Sr[i] : beta * u * (1 - Sr[i]) + I[i]));
      const Io1 = Io.map((c, o) => {
        let s = alpha * c;
        for (let j = 0; j < N; j++) s += weights.readout[o * N + j] * S[j];
        return s;
      });
      const Uo1 = Uo.map((u, o) => beta * u + Io[o]);
      [U, I, Uo, Io] = [U1, I1, Uo1, Io1];
    }
    const m = Math.max(...logits);
    loss += m + Math.log(logits.reduce((z, l) => z + Math.exp(l - m), 0)) - logits[labels[b]];
  }
  return loss / B;
}
