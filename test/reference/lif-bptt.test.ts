/**
 * The reference BPTT is the exact gradient of the smooth model: with
 * S[n] = surrogate.fn(U[n] − ϑ) in the forward and the reset attached,
 * referenceBackward must equal central finite differences of the forward loss.
 */
import { describe, expect, it } from 'vitest';
import type { ReadoutReduce } from '../../src/model/network.js';
import type { ResetMode } from '../../src/neurons/lif.js';
import { SURROGATE_NAMES, surrogateByName } from '../../src/surrogates.js';
import {
  finiteDifferenceGradient,
  paramTensor,
  parameterRefs,
  randomSpikes,
  referenceBackward,
  referenceForward,
  referenceLoss,
  type ReferenceForwardResult,
} from '../../src/reference/lif-network.js';
import { ARCHS, firingWeights, maxAbs, tinySpec } from './helpers.js';

const T = 12;
const B = 2;
const H = 1e-6;
const RTOL = 1e-6;
const LABELS = [0, 2];
const RESETS: ResetMode[] = ['subtract', 'zero'];
const REDUCES: ReadoutReduce[] = ['max', 'mean', 'sum'];

/** |analytic − fd| ≤ rtol·max(|a|, |fd|) + atol, atol ≈ the round-off of the difference quotient, 10·ε·|L|/h. */
function agree(analytic: number, fd: number, loss: number): boolean {
  const atol = (10 * Number.EPSILON * Math.max(1, Math.abs(loss))) / H;
  return Math.abs(analytic - fd) <= RTOL * Math.max(Math.abs(analytic), Math.abs(fd)) + atol;
}

/** 'max' is differentiable when each trace's maximum is unique (or sits at constant zeros). */
function maxIsUnique(f: ReferenceForwardResult, outputs: number): boolean {
  const y = f.readout.U;
  for (let b = 0; b < B; b++) {
    for (let o = 0; o < outputs; o++) {
      const trace = Array.from({ length: T }, (_, n) => y[(n * B + b) * outputs + o]);
      const top = Math.max(...trace);
      const near = trace.flatMap((v, n) => (top - v < 1e-4 ? [n] : []));
      // ties are harmless only among exact zeros that do not depend on the weights (y[0] = y[1] = 0,
      // or S ≡ 0 where F has compact support)
      if (near.length > 1 && !near.every((n) => trace[n] === 0)) return false;
    }
  }
  return true;
}

describe('referenceBackward equals finite differences of the smooth model', () => {
  for (const name of SURROGATE_NAMES) {
    for (const arch of ARCHS) {
      for (const reset of RESETS) {
        for (const reduce of REDUCES) {
          it(`${name}, ${arch.label}, reset ${reset}, readout ${reduce}`, () => {
            const spec = tinySpec(arch, surrogateByName(name), reset, reduce);
            const weights = firingWeights(spec, 7);
            const input = randomSpikes(T, B, spec.inputs, 0.5, 3);

            // the network really fires: every layer crosses threshold
            const smooth = referenceForward(spec, weights, input, T, B, LABELS, { spike: 'smooth' });
            const binary = referenceForward(spec, weights, input, T, B, LABELS);
            for (let l = 0; l < spec.hidden.length; l++) {
              expect(smooth.layers[l].U.some((u) => u > spec.neuron.threshold), `layer ${l} crosses ϑ`).toBe(true);
              expect(binary.layers[l].S.some((s) => s > 0.5), `layer ${l} spikes`).toBe(true);
            }
            if (reduce === 'max') expect(maxIsUnique(smooth, spec.outputs)).toBe(true);

            const grads = referenceBackward(spec, weights, smooth, input, T, B, LABELS);
            const fd = finiteDifferenceGradient(spec, weights, input, T, B, LABELS, { h: H });
            expect(fd.length).toBe(parameterRefs(spec).reduce((n, p) => n + paramTensor(weights, p).length, 0));
            for (const e of fd) {
              const a = paramTensor(grads, e.param)[e.index];
              expect(agree(a, e.value, smooth.loss), `${JSON.stringify(e.param)}[${e.index}]: bptt ${a} vs fd ${e.value}`).toBe(true);
            }
            // the check is not vacuous: every tensor has a gradient far above the FD noise floor (~1e-9)
            for (const p of parameterRefs(spec)) {
              expect(maxAbs(paramTensor(grads, p)), JSON.stringify(p)).toBeGreaterThan(1e-5);
            }

            // dL/dS_in by finite differences on the (real-valued) input
            const x = Float64Array.from(input);
            for (let k = 0; k < x.length; k++) {
              const saved = x[k];
              x[k] = saved + H;
              const plus = referenceLoss(spec, weights, x, T, B, LABELS, { spike: 'smooth' });
              x[k] = saved - H;
              const minus = referenceLoss(spec, weights, x, T, B, LABELS, { spike: 'smooth' });
              x[k] = saved;
              const fdIn = (plus - minus) / (2 * H);
              expect(agree(grads.inputGrad[k], fdIn, smooth.loss), `inputGrad[${k}]: ${grads.inputGrad[k]} vs ${fdIn}`).toBe(true);
            }
            // the last step's input never reaches U or y (U[T] is unused)
            for (let k = (T - 1) * B * spec.inputs; k < x.length; k++) expect(grads.inputGrad[k]).toBe(0);
          });
        }
      }
    }
  }

  it('also at a non-default slope (fast-sigmoid k = 2, exponential k = 1)', () => {
    for (const [name, slope] of [['fast-sigmoid', 2], ['exponential', 1]] as const) {
      const spec = tinySpec(ARCHS[3], surrogateByName(name, slope), 'subtract', 'sum');
      const weights = firingWeights(spec, 9);
      const input = randomSpikes(T, B, spec.inputs, 0.5, 4);
      const smooth = referenceForward(spec, weights, input, T, B, LABELS, { spike: 'smooth' });
      const grads = referenceBackward(spec, weights, smooth, input, T, B, LABELS);
      for (const e of finiteDifferenceGradient(spec, weights, input, T, B, LABELS, { h: H })) {
        expect(agree(paramTensor(grads, e.param)[e.index], e.value, smooth.loss)).toBe(true);
      }
    }
  });
});

describe('finiteDifferenceGradient', () => {
  it('takes a seeded random subset per tensor', () => {
    const spec = tinySpec(ARCHS[3], surrogateByName('gaussian'), 'subtract', 'mean');
    const weights = firingWeights(spec, 7);
    const input = randomSpikes(T, B, spec.inputs, 0.5, 3);
    const a = finiteDifferenceGradient(spec, weights, input, T, B, LABELS, { maxPerTensor: 3, seed: 5 });
    const b = finiteDifferenceGradient(spec, weights, input, T, B, LABELS, { maxPerTensor: 3, seed: 5 });
    expect(a.length).toBe(3 * parameterRefs(spec).length);
    expect(a).toEqual(b);
    for (const p of parameterRefs(spec)) {
      const idx = a.filter((e) => JSON.stringify(e.param) === JSON.stringify(p)).map((e) => e.index);
      expect(new Set(idx).size).toBe(3);
    }
    // the weights passed in are left untouched
    expect(weights).toEqual(firingWeights(spec, 7));
  });
});
