/**
 * Forward-mode references: exact RTRL equals the reference surrogate BPTT for
 * every architecture, reset and readout; the factorized eligibility traces
 * equal it where the dropped terms vanish (one feed-forward layer, detached
 * subtractive reset, symmetric signal, mean/sum readout) and stay aligned with it
 * elsewhere.
 */
import { describe, expect, it } from 'vitest';
import type { ReadoutReduce } from '../../src/model/network.js';
import type { ResetMode } from '../../src/neurons/lif.js';
import { surrogateByName } from '../../src/surrogates.js';
import { randomSpikes, referenceBackward, referenceForward } from '../../src/reference/lif-network.js';
import { createRng } from '../../src/reference/random.js';
import { readoutResponse, referenceEligibility, referenceRtrl, type FeedbackMatrices, type ForwardModeGradients } from '../../src/reference/forward-mode.js';
import { ARCHS, firingWeights, tinySpec } from './helpers.js';
import { relativeError as relErr, cosineSimilarity as cosine } from '../../src/compare/metrics.js';

const T = 12;
const B = 3;
const LABELS = [0, 2, 1];

function flat(g: { hidden: readonly { w: ArrayLike<number>; v?: ArrayLike<number> }[]; readout: ArrayLike<number> }): number[] {
  return [...g.hidden.flatMap((h) => [...Array.from(h.w), ...(h.v ? Array.from(h.v) : [])]), ...Array.from(g.readout)];
}
function sum(list: ForwardModeGradients[]): number[] {
  const out = flat(list[0]).map(() => 0);
  for (const g of list) flat(g).forEach((x, i) => (out[i] += x));
  return out;
}

describe('referenceRtrl equals referenceBackward', () => {
  for (const arch of ARCHS) {
    for (const reset of ['subtract', 'zero'] as ResetMode[]) {
      for (const detach of [false, true]) {
        for (const reduce of ['max', 'mean', 'sum'] as ReadoutReduce[]) {
          it(`${arch.label} ${reset}${detach ? '/detached' : ''} ${reduce}`, () => {
            const spec = tinySpec(arch, surrogateByName('fast-sigmoid'), reset, reduce, detach);
            const w = firingWeights(spec, 5);
            const input = randomSpikes(T, B, spec.inputs, 0.5, 9);
            const { forward, gradients } = referenceRtrl(spec, w, input, T, B, LABELS);
            expect(forward.layers[0].S.reduce((s, x) => s + x, 0)).toBeGreaterThan(3);
            const bptt = referenceBackward(spec, w, forward, input, T, B, LABELS);
            expect(relErr(flat(gradients), flat(bptt))).toBeLessThan(1e-12);
          });
        }
      }
    }
  }
});

describe('readoutResponse', () => {
  it('is the summed readout response to one spike', () => {
    const spec = tinySpec(ARCHS[0], surrogateByName('fast-sigmoid'), 'subtract', 'sum');
    const { alpha, beta } = spec.neuron;
    for (const n of [0, 3, 9, 10, 11]) {
      // simulate Io[m+1] = α·Io[m] + [m = n], Uo[m+1] = β·Uo[m] + Io[m]; sum Uo[n+1…T−1]
      let io = 0, uo = 0, total = 0;
      for (let m = 0; m < T; m++) {
        if (m > n) total += uo;
        uo = beta * uo + io;
        io = alpha * io + (m === n ? 1 : 0);
      }
      expect(readoutResponse(alpha, beta, T, n)).toBeCloseTo(total, 12);
    }
  });
});

function randomFeedback(spec: ReturnType<typeof tinySpec>, seed: number): FeedbackMatrices {
  const rng = createRng(seed);
  const m = (rows: number, cols: number) => Float32Array.from({ length: rows * cols }, () => rng.uniform(-1, 1) / Math.sqrt(rows));
  const sizes = [spec.inputs, ...spec.hidden.map((h) => h.size)];
  const L = spec.hidden.length;
  return {
    alignment: spec.hidden.map((_, l) => (l === L - 1 ? m(spec.outputs, sizes[l + 1]) : m(sizes[l + 2], sizes[l + 1]))),
    direct: spec.hidden.map((h) => m(spec.outputs, h.size)),
    local: spec.hidden.map((h) => m(spec.outputs, h.size)),
  };
}

describe('referenceEligibility', () => {
  for (const reduce of ['mean', 'sum'] as ReadoutReduce[]) {
    it(`equals BPTT for one feed-forward layer, detached subtractive reset, ${reduce}`, () => {
      const spec = tinySpec(ARCHS[0], surrogateByName('fast-sigmoid'), 'subtract', reduce, true);
      const w = firingWeights(spec, 5);
      const input = randomSpikes(T, B, spec.inputs, 0.5, 9);
      const { forward, gradients } = referenceEligibility(spec, w, input, T, B, LABELS, { signal: 'symmetric' });
      expect(gradients).toHaveLength(1);
      const bptt = referenceBackward(spec, w, forward, input, T, B, LABELS);
      expect(relErr(flat(gradients[0]), flat(bptt))).toBeLessThan(1e-12);
    });
  }

  it('differs from BPTT by the dropped reset term when the reset is attached', () => {
    const spec = tinySpec(ARCHS[0], surrogateByName('fast-sigmoid'), 'subtract', 'mean', false);
    const w = firingWeights(spec, 5);
    const input = randomSpikes(T, B, spec.inputs, 0.5, 9);
    const { forward, gradients } = referenceEligibility(spec, w, input, T, B, LABELS, { signal: 'symmetric' });
    const bptt = flat(referenceBackward(spec, w, forward, input, T, B, LABELS));
    expect(relErr(flat(gradients[0]), bptt)).toBeGreaterThan(1e-6);
    expect(cosine(flat(gradients[0]), bptt)).toBeGreaterThan(0.5);
  });

  for (const arch of ARCHS) {
    it(`symmetric traces point along BPTT: ${arch.label}`, () => {
      const spec = tinySpec(arch, surrogateByName('fast-sigmoid'), 'subtract', 'mean', true);
      const w = firingWeights(spec, 5);
      const input = randomSpikes(T, B, spec.inputs, 0.5, 9);
      const { forward, gradients } = referenceEligibility(spec, w, input, T, B, LABELS, { signal: 'symmetric' });
      const bptt = flat(referenceBackward(spec, w, forward, input, T, B, LABELS));
      expect(cosine(flat(gradients[0]), bptt)).toBeGreaterThan(0.5);
    });
  }

  it('every signal gives the exact readout gradient; online chunks sum to a full-length gradient', () => {
    const arch = ARCHS[2];
    const spec = tinySpec(arch, surrogateByName('fast-sigmoid'), 'subtract', 'mean', true);
    const w = firingWeights(spec, 5);
    const input = randomSpikes(T, B, spec.inputs, 0.5, 9);
    const feedback = randomFeedback(spec, 3);
    const exact = referenceBackward(spec, w, referenceForward(spec, w, input, T, B, LABELS), input, T, B, LABELS);
    for (const signal of ['symmetric', 'feedback-alignment', 'direct', 'local'] as const) {
      const seq = referenceEligibility(spec, w, input, T, B, LABELS, { signal, feedback });
      expect(relErr(Array.from(seq.gradients[0].readout), Array.from(exact.readout))).toBeLessThan(1e-12);
      const online = referenceEligibility(spec, w, input, T, B, LABELS, { signal, feedback, updateEvery: 5 });
      expect(online.gradients).toHaveLength(3);
      const perStep = referenceEligibility(spec, w, input, T, B, LABELS, { signal, feedback, updateEvery: 1 });
      expect(relErr(sum(online.gradients), sum(perStep.gradients))).toBeLessThan(1e-12);
    }
  });
});
