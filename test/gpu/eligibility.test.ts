/**
 * Factorized eligibility traces on the GPU: equal to their float64 reference for
 * every learning signal, sequence and online mode; equal to surrogate BPTT where
 * the dropped terms vanish (one feed-forward layer, detached subtractive reset,
 * symmetric signal); elsewhere their cosine similarity to the BPTT gradient on the
 * batch is reported and must be clearly positive.
 */
import { afterAll, describe, expect } from 'vitest';
import { gpuTest, releaseSharedDevice } from './fixture.js';
import { createNetwork } from '../../src/layers/network.js';
import { bptt } from '../../src/methods/bptt.js';
import { eligibility, type EligibilityRun } from '../../src/methods/eligibility.js';
import { lifParams, type ResetMode } from '../../src/neurons/lif.js';
import { surrogateByName } from '../../src/surrogates.js';
import { weightList, type NetworkSpec, type NetworkWeights, type ReadoutReduce } from '../../src/model/network.js';
import { referenceBackward, referenceForward } from '../../src/reference/lif-network.js';
import { referenceEligibility, type LearningSignal } from '../../src/reference/forward-mode.js';
import { randomNetwork, randomSpikes } from '../../src/reference/random.js';
import { readF32 } from '../../src/gpu/buffers.js';

afterAll(releaseSharedDevice);

const flat = (list: ArrayLike<number>[]) => list.flatMap((a) => Array.from(a));
function relErr(a: number[], b: number[]): number {
  let num = 0, den = 0;
  a.forEach((x, i) => { num += (x - b[i]) ** 2; den += b[i] ** 2; });
  return Math.sqrt(num) / Math.max(Math.sqrt(den), 1e-12);
}
function cosine(a: number[], b: number[]): number {
  let ab = 0, aa = 0, bb = 0;
  a.forEach((x, i) => { ab += x * b[i]; aa += x * x; bb += b[i] * b[i]; });
  return ab / Math.sqrt(aa * bb);
}
const asList = (spec: NetworkSpec, g: { hidden: { w: ArrayLike<number>; v?: ArrayLike<number> }[]; readout: ArrayLike<number> }) =>
  weightList(spec, g as unknown as NetworkWeights) as ArrayLike<number>[];

interface Case { hidden: { size: number; recurrent: boolean }[]; reset: ResetMode; detachReset: boolean; reduce: ReadoutReduce; signal: LearningSignal; updateEvery?: number; exact?: boolean }
const cases: Case[] = [
  { hidden: [{ size: 7, recurrent: false }], reset: 'subtract', detachReset: true, reduce: 'mean', signal: 'symmetric', exact: true },
  { hidden: [{ size: 7, recurrent: false }], reset: 'subtract', detachReset: true, reduce: 'sum', signal: 'symmetric', exact: true },
  { hidden: [{ size: 7, recurrent: false }], reset: 'subtract', detachReset: false, reduce: 'mean', signal: 'symmetric' },
  { hidden: [{ size: 7, recurrent: false }], reset: 'zero', detachReset: false, reduce: 'mean', signal: 'symmetric' },
  { hidden: [{ size: 6, recurrent: false }, { size: 5, recurrent: false }], reset: 'subtract', detachReset: true, reduce: 'sum', signal: 'symmetric' },
  { hidden: [{ size: 7, recurrent: true }], reset: 'subtract', detachReset: true, reduce: 'mean', signal: 'symmetric' },
  { hidden: [{ size: 6, recurrent: true }, { size: 5, recurrent: false }], reset: 'subtract', detachReset: true, reduce: 'mean', signal: 'feedback-alignment' },
  { hidden: [{ size: 6, recurrent: false }, { size: 5, recurrent: false }], reset: 'subtract', detachReset: true, reduce: 'mean', signal: 'direct' },
  { hidden: [{ size: 6, recurrent: false }, { size: 5, recurrent: true }], reset: 'subtract', detachReset: false, reduce: 'sum', signal: 'local' },
  { hidden: [{ size: 6, recurrent: false }, { size: 5, recurrent: false }], reset: 'subtract', detachReset: true, reduce: 'mean', signal: 'symmetric', updateEvery: 4 },
];

describe('eligibility traces on the GPU', () => {
  for (const c of cases) {
    const name = `${c.hidden.map((h) => `${h.size}${h.recurrent ? 'r' : ''}`).join('-')} ${c.reset}${c.detachReset ? '/detached' : ''} ${c.reduce} ${c.signal}${c.updateEvery ? ` online k=${c.updateEvery}` : ''}`;
    gpuTest(name, async ({ device }) => {
      const spec: NetworkSpec = {
        inputs: 9, hidden: c.hidden, outputs: 4,
        neuron: lifParams({ reset: c.reset, detachReset: c.detachReset }),
        surrogate: surrogateByName('fast-sigmoid'), readoutReduce: c.reduce,
      };
      const T = 12;
      const B = 3;
      const weights = randomNetwork(spec, 3, { gain: 3 });
      const input = randomSpikes(T, B, spec.inputs, 0.4, 5);
      const labels = Uint32Array.from({ length: B }, (_, b) => (b * 3) % spec.outputs);
      const ref = referenceForward(spec, weights, input, T, B, labels);
      expect(ref.layers[0].S.reduce((s, x) => s + x, 0)).toBeGreaterThan(5);
      const bpttRef = flat(asList(spec, referenceBackward(spec, weights, ref, input, T, B, labels)));

      const net = createNetwork(device, spec, weights);
      const run = eligibility({ signal: c.signal, updateEvery: c.updateEvery }).bind(net, { batch: B, steps: T }) as EligibilityRun;
      device.queue.writeBuffer(run.input, 0, Float32Array.from(input));
      device.queue.writeBuffer(run.labels, 0, labels);
      const expected = referenceEligibility(spec, weights, input, T, B, labels, { signal: c.signal, feedback: run.feedback, updateEvery: c.updateEvery });
      const got: number[][] = [];
      if (c.updateEvery) {
        expect(run.online!.chunks).toBe(Math.ceil(T / c.updateEvery));
        for (let k = 0; k < run.online!.chunks; k++) {
          const enc = device.createCommandEncoder();
          run.online!.encodeChunk(enc, k);
          device.queue.submit([enc.finish()]);
          got.push(flat(weightList(spec, await net.readGradients())));
        }
      } else {
        const enc = device.createCommandEncoder();
        run.encodeForward(enc);
        run.encodeBackward(enc);
        device.queue.submit([enc.finish()]);
        got.push(flat(weightList(spec, await net.readGradients())));
      }
      const stats = await readF32(device, run.sampleStats, 2 * B);
      expect(Array.from({ length: B }, (_, b) => stats[2 * b]).reduce((s, x) => s + x, 0) / B).toBeCloseTo(ref.loss, 4);
      expect(got).toHaveLength(expected.gradients.length);
      got.forEach((g, k) => {
        const e = relErr(g, flat(asList(spec, expected.gradients[k])));
        console.log(`eligibility ${name} chunk ${k}: rel err vs reference ${e.toExponential(2)}`);
        expect(e).toBeLessThanOrEqual(1e-4);
      });
      const total = got[0].map((_, i) => got.reduce((s, g) => s + g[i], 0));
      const cos = cosine(total, bpttRef);
      const err = relErr(total, bpttRef);
      console.log(`eligibility ${name}: cosine to BPTT ${cos.toFixed(4)}, rel err to BPTT ${err.toExponential(2)}`);
      if (c.exact) {
        expect(err).toBeLessThanOrEqual(1e-4);
        const gpuBptt = net; // compare with the GPU bptt method too
        const brun = bptt().bind(gpuBptt, { batch: B, steps: T });
        device.queue.writeBuffer(brun.input, 0, Float32Array.from(input));
        device.queue.writeBuffer(brun.labels, 0, labels);
        const enc = device.createCommandEncoder();
        brun.encodeForward(enc);
        brun.encodeBackward(enc);
        device.queue.submit([enc.finish()]);
        const bg = flat(weightList(spec, await net.readGradients()));
        expect(relErr(total, bg)).toBeLessThanOrEqual(1e-4);
        brun.destroy();
      } else {
        expect(cos).toBeGreaterThan(0.3);
      }
      run.destroy();
      net.destroy();
    });
  }
});
