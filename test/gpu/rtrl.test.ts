/**
 * Exact forward mode (rtrl) on the GPU equals surrogate BPTT: the float64
 * reference BPTT and the GPU bptt method, feed-forward and recurrent, attached
 * and detached reset, every readout reduction.
 */
import { afterAll, describe, expect } from 'vitest';
import { gpuTest, releaseSharedDevice, runStep } from './fixture.js';
import { createNetwork } from '../../src/layers/network.js';
import { bptt } from '../../src/methods/bptt.js';
import { rtrl } from '../../src/methods/rtrl.js';
import { lifParams, type ResetMode } from '../../src/neurons/lif.js';
import { surrogateByName } from '../../src/surrogates.js';
import { weightList, type NetworkSpec, type ReadoutReduce } from '../../src/model/network.js';
import { referenceBackward, referenceForward } from '../../src/reference/lif-network.js';
import { randomNetwork, randomSpikes } from '../../src/reference/random.js';
import { readF32 } from '../../src/gpu/buffers.js';
import type { GradientMethod } from '../../src/methods/method.js';
import { relativeError as relErr } from '../../src/compare/metrics.js';

afterAll(releaseSharedDevice);

interface Case { hidden: { size: number; recurrent: boolean }[]; reset: ResetMode; detachReset: boolean; reduce: ReadoutReduce }
const cases: Case[] = [
  { hidden: [{ size: 7, recurrent: false }], reset: 'subtract', detachReset: false, reduce: 'mean' },
  { hidden: [{ size: 6, recurrent: false }, { size: 5, recurrent: false }], reset: 'subtract', detachReset: false, reduce: 'sum' },
  { hidden: [{ size: 6, recurrent: false }, { size: 5, recurrent: false }], reset: 'zero', detachReset: true, reduce: 'max' },
  { hidden: [{ size: 7, recurrent: true }], reset: 'subtract', detachReset: true, reduce: 'mean' },
  { hidden: [{ size: 7, recurrent: true }], reset: 'zero', detachReset: false, reduce: 'max' },
  { hidden: [{ size: 6, recurrent: true }, { size: 5, recurrent: false }], reset: 'subtract', detachReset: false, reduce: 'sum' },
];

async function gradientsOf(device: GPUDevice, spec: NetworkSpec, weights: ReturnType<typeof randomNetwork>, method: GradientMethod, input: Float64Array, labels: Uint32Array<ArrayBuffer>, T: number, B: number) {
  const net = createNetwork(device, spec, weights);
  const run = method.bind(net, { batch: B, steps: T });
  runStep(device, run, input, labels);
  const stats = await readF32(device, run.sampleStats, 2 * B);
  const grads = weightList(spec, await net.readGradients());
  run.destroy();
  net.destroy();
  return { loss: Array.from({ length: B }, (_, b) => stats[2 * b]).reduce((s, x) => s + x, 0) / B, grads };
}

describe('rtrl on the GPU equals surrogate BPTT', () => {
  for (const c of cases) {
    const name = `${c.hidden.map((h) => `${h.size}${h.recurrent ? 'r' : ''}`).join('-')} ${c.reset}${c.detachReset ? '/detached' : ''} ${c.reduce}`;
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
      const refGrads = weightList(spec, referenceBackward(spec, weights, ref, input, T, B, labels) as never) as unknown as Float64Array[];

      const forward = await gradientsOf(device, spec, weights, rtrl(), input, labels, T, B);
      const backward = await gradientsOf(device, spec, weights, bptt(), input, labels, T, B);
      expect(forward.loss).toBeCloseTo(ref.loss, 4);
      forward.grads.forEach((g, k) => {
        const eRef = relErr(g, refGrads[k]);
        const eGpu = relErr(g, backward.grads[k]);
        expect(eRef).toBeLessThanOrEqual(1e-4);
        expect(eGpu).toBeLessThanOrEqual(1e-4);
        console.log(`rtrl ${name} tensor ${k}: rel err vs reference ${eRef.toExponential(2)}, vs GPU bptt ${eGpu.toExponential(2)}`);
      });
    });
  }
});
