import { describe, expect, it } from 'vitest';
import { lifParams, type ResetMode } from '../../src/neurons/lif.js';
import type { NetworkSpec, ReadoutReduce } from '../../src/model/network.js';
import { fastSigmoid, triangle } from '../../src/surrogates.js';
import {
  randomNetwork,
  randomSpikes,
  referenceForward,
  type WeightsLike,
} from '../../src/reference/lif-network.js';

/** 1 input → 1 LIF neuron → 2 readouts, α = 0.5, β = 0.8, ϑ = 1. */
function oneNeuron(reset: ResetMode, readoutReduce: ReadoutReduce = 'max', threshold = 1): NetworkSpec {
  return {
    inputs: 1,
    hidden: [{ size: 1, recurrent: false }],
    outputs: 2,
    neuron: lifParams({ alpha: 0.5, beta: 0.8, threshold, reset }),
    surrogate: fastSigmoid(),
    readoutReduce,
  };
}

const close = (actual: ArrayLike<number>, expected: number[]) => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(actual[i], `index ${i}`).toBeCloseTo(e, 12));
};

describe('referenceForward, Heaviside, hand-computed single neuron', () => {
  // input spikes at n = 0, 1; w = 1.2 (exact in float64 arrays)
  const input = [1, 1, 0, 0, 0, 0, 0];
  const T = 7;
  const weights: WeightsLike = { hidden: [{ w: [1.2] }], readout: [1, 0.5] };
  // I[n+1] = 0.5·I[n] + 1.2·S_in[n]:
  //   I = 0, 1.2, 0.6 + 1.2 = 1.8, 0.9, 0.45, 0.225, 0.1125
  const I = [0, 1.2, 1.8, 0.9, 0.45, 0.225, 0.1125];

  it("reset 'subtract': U[n+1] = 0.8·U[n] + I[n] − S[n]", () => {
    const r = referenceForward(oneNeuron('subtract'), weights, input, T, 1, [0]);
    // U[1] = 0 + I[0] = 0;         U[2] = 0 + 1.2 = 1.2 > 1 → S[2] = 1
    // U[3] = 0.96 + 1.8 − 1 = 1.76 → S = 1
    // U[4] = 1.408 + 0.9 − 1 = 1.308 → S = 1
    // U[5] = 1.0464 + 0.45 − 1 = 0.4964 → S = 0
    // U[6] = 0.39712 + 0.225 = 0.62212 → S = 0
    close(r.layers[0].I, I);
    close(r.layers[0].U, [0, 0, 1.2, 1.76, 1.308, 0.4964, 0.62212]);
    close(r.layers[0].S, [0, 0, 1, 1, 1, 0, 0]);
    // readout, same α, β: Io[n+1] = 0.5·Io[n] + wo·S[n], Uo[n+1] = 0.8·Uo[n] + Io[n]
    //   for wo = 1: Io = 0, 0, 0, 1, 1.5, 1.75, 0.875;  Uo = 0, 0, 0, 0, 1, 2.3, 3.59
    const Uo0 = [0, 0, 0, 0, 1, 2.3, 3.59];
    close(r.readout.I.filter((_, k) => k % 2 === 0), [0, 0, 0, 1, 1.5, 1.75, 0.875]);
    close(r.readout.U.filter((_, k) => k % 2 === 0), Uo0);
    close(r.readout.U.filter((_, k) => k % 2 === 1), Uo0.map((u) => 0.5 * u));
    // 'max' logits = [3.59, 1.795]; CE(label 0) = log(1 + e^{1.795 − 3.59})
    close(r.logits, [3.59, 1.795]);
    expect(r.loss).toBeCloseTo(Math.log1p(Math.exp(-1.795)), 12);
    expect(r.correct).toBe(1);
  });

  it("reset 'zero': U[n+1] = 0.8·U[n]·(1 − S[n]) + I[n]", () => {
    const r = referenceForward(oneNeuron('zero'), weights, input, T, 1, [1]);
    // U[2] = 1.2 → S[2] = 1;  U[3] = 0 + 1.8 → S = 1;  U[4] = 0 + 0.9 → S = 0
    // U[5] = 0.72 + 0.45 = 1.17 → S = 1;  U[6] = 0 + 0.225 → S = 0
    close(r.layers[0].I, I);
    close(r.layers[0].U, [0, 0, 1.2, 1.8, 0.9, 1.17, 0.225]);
    close(r.layers[0].S, [0, 0, 1, 1, 0, 1, 0]);
    // Io = 0, 0, 0, 1, 1.5, 0.75, 1.375;  Uo = 0, 0, 0, 0, 1, 2.3, 2.59
    close(r.readout.U.filter((_, k) => k % 2 === 0), [0, 0, 0, 0, 1, 2.3, 2.59]);
    expect(r.loss).toBeCloseTo(Math.log1p(Math.exp(2.59 - 1.295)), 12);
    expect(r.correct).toBe(0);
  });

  it("readoutReduce 'mean' and 'sum' reduce y[n] = Uo[n] over n = 0…T−1", () => {
    const sum = 1 + 2.3 + 3.59;
    const rSum = referenceForward(oneNeuron('subtract', 'sum'), weights, input, T, 1, [0]);
    close(rSum.logits, [sum, sum / 2]);
    const rMean = referenceForward(oneNeuron('subtract', 'mean'), weights, input, T, 1, [0]);
    close(rMean.logits, [sum / T, sum / (2 * T)]);
  });

  it('spikes only when U > ϑ strictly (U = ϑ gives no spike)', () => {
    // α = β = 0, w = 1: U[2] = I[1] = 1 = ϑ exactly
    const spec: NetworkSpec = { ...oneNeuron('subtract'), neuron: lifParams({ alpha: 0, beta: 0, threshold: 1 }) };
    const atThreshold = referenceForward(spec, { hidden: [{ w: [1] }], readout: [1, 1] }, [1, 0, 0, 0], 4, 1, [0]);
    close(atThreshold.layers[0].U, [0, 0, 1, 0]);
    close(atThreshold.layers[0].S, [0, 0, 0, 0]);
    const above = referenceForward(spec, { hidden: [{ w: [1 + 2 ** -40] }], readout: [1, 1] }, [1, 0, 0, 0], 4, 1, [0]);
    close(above.layers[0].S, [0, 0, 1, 0]);
    // threshold 0.5 with the subtract reset removes ϑ = 0.5
    const spec2: NetworkSpec = { ...spec, neuron: lifParams({ alpha: 0, beta: 1, threshold: 0.5 }) };
    const half = referenceForward(spec2, { hidden: [{ w: [0.75] }], readout: [1, 1] }, [1, 0, 0, 0, 0], 5, 1, [0]);
    // U[2] = 0.75 → S; U[3] = 0.75 − 0.5 = 0.25; U[4] = 0.25
    close(half.layers[0].U, [0, 0, 0.75, 0.25, 0.25]);
    close(half.layers[0].S, [0, 0, 1, 0, 0]);
  });

  it('a recurrent weight feeds S[n] into I[n+1]', () => {
    const spec: NetworkSpec = {
      ...oneNeuron('subtract'),
      hidden: [{ size: 1, recurrent: true }],
      neuron: lifParams({ alpha: 0, beta: 0, threshold: 1 }),
    };
    // w = 2 at n = 0 → U[2] = 2 → S[2] = 1 → I[3] = v = 1.5 → U[4] = 1.5 → S[4] = 1 → ...
    const r = referenceForward(spec, { hidden: [{ w: [2], v: [1.5] }], readout: [1, 1] }, [1, 0, 0, 0, 0, 0], 6, 1, [0]);
    close(r.layers[0].I, [0, 2, 0, 1.5, 0, 1.5]);
    // U[n+1] = I[n] − S[n]: U[3] = 0 − 1 = −1, U[5] = 0 − 1 = −1
    close(r.layers[0].U, [0, 0, 2, -1, 1.5, -1]);
    close(r.layers[0].S, [0, 0, 1, 0, 1, 0]);
  });

  it("'smooth' spikes use surrogate.fn(U − ϑ) everywhere", () => {
    const spec: NetworkSpec = { ...oneNeuron('zero'), surrogate: triangle({ slope: 1 }) };
    const r = referenceForward(spec, weights, input, T, 1, [0], { spike: 'smooth' });
    const { U, S, I: cur } = r.layers[0];
    for (let n = 0; n < T; n++) expect(S[n]).toBe(spec.surrogate.fn(U[n] - 1));
    for (let n = 0; n + 1 < T; n++) expect(U[n + 1]).toBeCloseTo(0.8 * U[n] * (1 - S[n]) + cur[n], 14);
    expect(S[0]).toBe(0); // F(−1) = 0 for the triangle with k = 1
  });
});

describe('referenceForward, layout and validation', () => {
  const spec: NetworkSpec = {
    inputs: 3,
    hidden: [{ size: 4, recurrent: true }, { size: 2, recurrent: false }],
    outputs: 3,
    neuron: lifParams(),
    surrogate: fastSigmoid(),
    readoutReduce: 'mean',
  };
  const weights = randomNetwork(spec, 11, { gain: 4 });

  it('is time-major and batch samples are independent', () => {
    const T = 6;
    const x = randomSpikes(T, 2, 3, 0.5, 5);
    const both = referenceForward(spec, weights, x, T, 2, [0, 1]);
    const losses: number[] = [];
    for (const b of [0, 1]) {
      const xb = new Float64Array(T * 3);
      for (let n = 0; n < T; n++) for (let j = 0; j < 3; j++) xb[n * 3 + j] = x[(n * 2 + b) * 3 + j];
      const one = referenceForward(spec, weights, xb, T, 1, [b]);
      for (let l = 0; l < 2; l++) {
        const N = spec.hidden[l].size;
        for (let n = 0; n < T; n++) {
          for (let i = 0; i < N; i++) {
            expect(both.layers[l].U[(n * 2 + b) * N + i]).toBe(one.layers[l].U[n * N + i]);
          }
        }
      }
      for (let o = 0; o < 3; o++) expect(both.logits[b * 3 + o]).toBe(one.logits[o]);
      losses.push(one.loss);
    }
    // loss = mean over the batch
    expect(both.loss).toBeCloseTo((losses[0] + losses[1]) / 2, 14);
  });

  it('accepts Float32Array input and gives the same result as Float64Array', () => {
    const x = randomSpikes(5, 1, 3, 0.5, 2);
    const a = referenceForward(spec, weights, x, 5, 1, [2]);
    const b = referenceForward(spec, weights, Float32Array.from(x), 5, 1, [2]);
    expect(b.loss).toBe(a.loss);
  });

  it('rejects bad shapes and labels with clear errors', () => {
    const x = randomSpikes(5, 1, 3, 0.5, 2);
    expect(() => referenceForward(spec, weights, x, 4, 1, [0])).toThrow(/input has 15 entries/);
    expect(() => referenceForward(spec, weights, x, 5, 1, [3])).toThrow(/labels\[0\]/);
    expect(() => referenceForward(spec, weights, x, 5, 1, [0, 1])).toThrow(/labels has 2/);
    const noV = { hidden: [{ w: weights.hidden[0].w }, weights.hidden[1]], readout: weights.readout };
    expect(() => referenceForward(spec, noV, x, 5, 1, [0])).toThrow(/hidden\[0\]\.v/);
    const badReadout = { ...weights, readout: new Float32Array(5) };
    expect(() => referenceForward(spec, badReadout, x, 5, 1, [0])).toThrow(/readout has 5 entries/);
  });
});
