import { describe, expect, it } from 'vitest';
import type { NetworkSpec } from '../../src/model/network.js';
import { lifParams } from '../../src/neurons/lif.js';
import { layerNeuron, type LayerNeuron } from '../../src/neurons/registry.js';
import { surrogateByName } from '../../src/surrogates.js';
import { referenceEligibility } from '../../src/reference/forward-mode.js';
import { finiteDifferenceGradient, paramTensor, randomNetwork, randomSpikes, referenceBackward, referenceForward } from '../../src/reference/lif-network.js';

const T = 12;
const B = 2;
const H = 1e-6;
const LABELS = [0, 2];

function spec(neuron: LayerNeuron, recurrent: boolean): NetworkSpec {
  return {
    inputs: 6, hidden: [{ size: 5, recurrent, neuron }, { size: 4, recurrent: false, neuron }], outputs: 3,
    neuron: lifParams(), surrogate: surrogateByName('sigmoid-derivative', 4), readoutReduce: 'mean',
  };
}

const MODELS: [string, LayerNeuron][] = [
  ['qif', layerNeuron('qif', { tauMemMs: 5 })],
  ['qif, detached reset', layerNeuron('qif', { tauMemMs: 5, detachReset: true })],
  ['alif', layerNeuron('alif', { adaptation: 0.5, tauAdaptMs: 20 })],
  ['alif, detached reset', layerNeuron('alif', { adaptation: 0.5, tauAdaptMs: 20, detachReset: true })],
];

describe('QIF and ALIF: the reference BPTT equals finite differences of the smooth model', () => {
  for (const [name, neuron] of MODELS) {
    for (const recurrent of [false, true]) {
      it(`${name}${recurrent ? ', recurrent' : ''}`, () => {
        // the detached reset is not the smooth model's gradient: difference the attached one, then compare
        const s = spec(neuron, recurrent);
        const attached = spec({ ...neuron, detachReset: false } as LayerNeuron, recurrent);
        const weights = randomNetwork(s, 5, { gain: 3 });
        const input = randomSpikes(T, B, s.inputs, 0.5, 3);
        const binary = referenceForward(s, weights, input, T, B, LABELS);
        for (let l = 0; l < 2; l++) expect(binary.layers[l].S.some((x) => x > 0.5), `layer ${l} spikes`).toBe(true);
        const smooth = referenceForward(attached, weights, input, T, B, LABELS, { spike: 'smooth' });
        const grads = referenceBackward(attached, weights, smooth, input, T, B, LABELS);
        const fd = finiteDifferenceGradient(attached, weights, input, T, B, LABELS, { h: H });
        // |bptt − fd| ≤ 1e-6·max(|bptt|, |fd|) + the difference quotient's round-off, 10·ε·max(1, L)/h
        const atol = (10 * Number.EPSILON * Math.max(1, smooth.loss)) / H;
        for (const e of fd) {
          const a = paramTensor(grads, e.param)[e.index];
          expect(Math.abs(a - e.value), `${JSON.stringify(e.param)}[${e.index}]: bptt ${a} vs fd ${e.value}`).toBeLessThanOrEqual(1e-6 * Math.max(Math.abs(a), Math.abs(e.value)) + atol);
        }
        if (neuron.detachReset) {
          // detaching changes the gradient (the reset path is real)
          const det = referenceBackward(s, weights, referenceForward(s, weights, input, T, B, LABELS, { spike: 'smooth' }), input, T, B, LABELS);
          expect(Math.max(...det.hidden[0].w.map((x, i) => Math.abs(x - grads.hidden[0].w[i])))).toBeGreaterThan(1e-6);
        }
      });
    }
  }

  it('ALIF with b = 0 is LIF with reset subtract; its adaptation raises the threshold', () => {
    const lif = spec(layerNeuron('lif', {}), true);
    const alif0 = spec(layerNeuron('alif', { adaptation: 0 }), true);
    const alif = spec(layerNeuron('alif', { adaptation: 2, tauAdaptMs: 50 }), true);
    const weights = randomNetwork(lif, 5, { gain: 3 });
    const input = randomSpikes(T, B, lif.inputs, 0.5, 3);
    const a = referenceForward(lif, weights, input, T, B, LABELS);
    const b = referenceForward(alif0, weights, input, T, B, LABELS);
    expect(Array.from(b.layers[0].U)).toEqual(Array.from(a.layers[0].U));
    const c = referenceForward(alif, weights, input, T, B, LABELS);
    const count = (x: Float64Array) => x.reduce((s, v) => s + v, 0);
    expect(count(c.layers[0].S)).toBeLessThan(count(a.layers[0].S));
    expect(c.layers[0].states.A.some((v) => v > 0)).toBe(true);
  });

  it('QIF relaxes to U_rest below U_c and fires above it', () => {
    const q = layerNeuron('qif', { uRest: -0.2 });
    const s: NetworkSpec = { inputs: 1, hidden: [{ size: 1, recurrent: false, neuron: q }], outputs: 1, neuron: lifParams(), surrogate: surrogateByName('fast-sigmoid'), readoutReduce: 'mean' };
    const run = (w: number) => referenceForward(s, { hidden: [{ w: [w] }], readout: [1] }, [1, ...new Array(39).fill(0)], 40, 1, [0]);
    const weak = run(0.05);
    expect(weak.layers[0].U[0]).toBeCloseTo(-0.2, 12);
    expect(weak.layers[0].S.every((x) => x === 0)).toBe(true);
    expect(Math.abs(weak.layers[0].U[39] + 0.2)).toBeLessThan(0.02);
    expect(run(3).layers[0].S.some((x) => x === 1)).toBe(true);
  });

  it('model parameters are validated with messages naming them', () => {
    expect(() => layerNeuron('qif', { uCrit: 2 })).toThrow(/uRest < uCrit < uPeak/);
    expect(() => layerNeuron('alif', { adaptation: -1 })).toThrow(/adaptation/);
    expect(() => layerNeuron('alif', { reset: 'zero' })).toThrow(/subtract/);
    expect(() => layerNeuron('izhikevich', {})).toThrow(/unknown neuron model 'izhikevich' \(known: lif, qif, alif\)/);
  });
});

describe('QIF and ALIF: per-synapse eligibility traces are exact where e-prop drops nothing', () => {
  // one feed-forward hidden layer and the symmetric signal: every neuron's weights
  // act on the loss through its own state and spikes only, which the traces follow
  for (const [name, neuron] of MODELS) {
    for (const readoutReduce of ['mean', 'sum'] as const) {
      it(`${name}, readout ${readoutReduce}`, () => {
        const s: NetworkSpec = { ...spec(neuron, false), hidden: [{ size: 5, recurrent: false, neuron }], readoutReduce };
        const weights = randomNetwork(s, 9, { gain: 3 });
        // 'sum' logits are T times larger: scale the readout so that the softmax does not saturate
        if (readoutReduce === 'sum') weights.readout.forEach((w, k) => (weights.readout[k] = w / T));
        const input = randomSpikes(T, B, s.inputs, 0.5, 4);
        const { forward, gradients } = referenceEligibility(s, weights, input, T, B, LABELS, { signal: 'symmetric' });
        expect(forward.layers[0].S.some((x) => x > 0.5)).toBe(true);
        const exact = referenceBackward(s, weights, forward, input, T, B, LABELS);
        const [g] = gradients;
        expect(maxRel(g.hidden[0].w, exact.hidden[0].w)).toBeLessThan(1e-9);
        expect(maxRel(g.readout, exact.readout)).toBeLessThan(1e-9);
        expect(Math.max(...exact.hidden[0].w.map(Math.abs))).toBeGreaterThan(1e-3);
      });
    }
  }

  it('with a second layer the traces drop the terms e-prop drops, and differ from BPTT', () => {
    const s = spec(layerNeuron('alif', { adaptation: 0.5, tauAdaptMs: 20 }), false);
    const weights = randomNetwork(s, 9, { gain: 3 });
    const input = randomSpikes(T, B, s.inputs, 0.5, 4);
    const { forward, gradients } = referenceEligibility(s, weights, input, T, B, LABELS, { signal: 'symmetric' });
    const exact = referenceBackward(s, weights, forward, input, T, B, LABELS);
    // the top hidden layer is exact (its weights reach the loss only through it); the lower one is not
    expect(maxRel(gradients[0].hidden[1].w, exact.hidden[1].w)).toBeLessThan(1e-9);
    expect(maxRel(gradients[0].hidden[0].w, exact.hidden[0].w)).toBeGreaterThan(1e-3);
  });
});

function maxRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let k = 0; k < a.length; k++) {
    num += (a[k] - b[k]) ** 2;
    den += b[k] ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-300));
}
