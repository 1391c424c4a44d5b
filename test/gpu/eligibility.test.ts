/**
 * Factorized eligibility traces on the GPU: equal to their float64 reference for
 * every learning signal, sequence and online mode; equal to surrogate BPTT where
 * the dropped terms vanish (one feed-forward layer, detached subtractive reset,
 * symmetric signal); elsewhere their cosine similarity to the BPTT gradient on the
 * batch is reported and must be clearly positive.
 */
import { afterAll, describe, expect } from 'vitest';
import { gpuTest, releaseSharedDevice, runStep } from './fixture.js';
import { createNetwork } from '../../src/layers/network.js';
import { bptt } from '../../src/methods/bptt.js';
import { eligibility, type EligibilityRun } from '../../src/methods/eligibility.js';
import { lifParams, type ResetMode } from '../../src/neurons/lif.js';
import { surrogateByName } from '../../src/surrogates.js';
import { weightList, type NetworkSpec, type NetworkWeights, type ReadoutReduce } from '../../src/model/network.js';
import { referenceBackward, referenceForward } from '../../src/reference/lif-network.js';
import { referenceEligibility, type LearningSignal } from '../../src/reference/forward-mode.js';
import { createRng, randomNetwork, randomSpikes } from '../../src/reference/random.js';
import { packBytes, readF32, uploadBuffer } from '../../src/gpu/buffers.js';
import { bindEncoder, poisson } from '../../src/encode/encoders.js';
import type { MethodRun } from '../../src/methods/method.js';
import { relativeError as relErr, cosineSimilarity as cosine } from '../../src/compare/metrics.js';

afterAll(releaseSharedDevice);

const flat = (list: ArrayLike<number>[]) => list.flatMap((a) => Array.from(a));
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
        runStep(device, brun, input, labels);
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

describe('eligibility traces with the input encoded in windows', () => {
  for (const updateEvery of [undefined, 4]) {
    const mode = updateEvery ? `online k=${updateEvery}` : 'sequence';
    gpuTest(`${mode}: windows of 5 steps give the gradients of the whole input`, async ({ device }) => {
      const spec: NetworkSpec = {
        inputs: 9, hidden: [{ size: 6, recurrent: true }, { size: 5, recurrent: false }], outputs: 4,
        neuron: lifParams({ reset: 'subtract', detachReset: false }), surrogate: surrogateByName('fast-sigmoid'), readoutReduce: 'mean',
      };
      const T = 12;
      const B = 3;
      const k = 5; // windows [0,5), [5,10), [10,12); online chunks [0,4), [4,8), [8,12) start inside windows
      const weights = randomNetwork(spec, 3, { gain: 3 });
      const rng = createRng(9);
      const pixels = uploadBuffer(device, 'pixels', packBytes(Uint8Array.from({ length: 5 * spec.inputs }, () => Math.floor(rng.uniform(0, 256)))));
      const sampleIndex = uploadBuffer(device, 'index', Uint32Array.from([1, 4, 2]));
      const labels = Uint32Array.from([0, 3, 1]);
      const encoder = poisson(0.5);

      const gradients = async (window?: number) => {
        const net = createNetwork(device, spec, weights);
        const run: MethodRun = eligibility({ updateEvery }).bind(net, { batch: B, steps: T, ...(window && { inputWindow: window }) });
        const w = run.inputWindows;
        const enc0 = bindEncoder(device, encoder, { pixels, sampleIndex, spikes: run.input, steps: w?.steps ?? T, totalSteps: T, clock: w?.clock, batch: B, inputs: spec.inputs, seed: 5 });
        device.queue.writeBuffer(run.labels, 0, labels);
        const written: number[] = [];
        const encodeInput = (enc: GPUCommandEncoder, window = -1) => {
          written.push(window);
          const pass = enc.beginComputePass();
          enc0.encode(pass);
          pass.end();
        };
        const got: number[][] = [];
        if (w) w.setWriter(encodeInput);
        if (run.online) {
          for (let c = 0; c < run.online.chunks; c++) {
            const enc = device.createCommandEncoder();
            if (c === 0 && !w) encodeInput(enc);
            run.online.encodeChunk(enc, c);
            device.queue.submit([enc.finish()]);
            got.push(flat(weightList(spec, await net.readGradients())));
          }
        } else {
          const enc = device.createCommandEncoder();
          if (!w) encodeInput(enc);
          run.encodeForward(enc);
          run.encodeBackward(enc);
          device.queue.submit([enc.finish()]);
          got.push(flat(weightList(spec, await net.readGradients())));
        }
        const stats = Array.from(await readF32(device, run.sampleStats, 2 * B));
        enc0.destroy();
        run.destroy();
        net.destroy();
        return { got, stats, written, input: run.input.size, inputWindows: w && { steps: w.steps, count: w.count } };
      };

      const whole = await gradients();
      const windowed = await gradients(k);
      expect(whole.input).toBe(T * B * spec.inputs * 4);
      expect(windowed.input).toBe(k * B * spec.inputs * 4);
      expect(windowed.inputWindows).toEqual({ steps: k, count: 3 });
      // each window written before its first step: forward and replay (sequence), once (online)
      expect(windowed.written).toEqual(updateEvery ? [0, 1, 2] : [0, 1, 2, 0, 1, 2]);
      expect(whole.got.flat().some((x) => x !== 0)).toBe(true);
      expect(windowed.got).toEqual(whole.got);
      expect(windowed.stats).toEqual(whole.stats);
    });
  }

  gpuTest('a run bound with input windows refuses to record without a window writer', async ({ device }) => {
    const spec: NetworkSpec = {
      inputs: 4, hidden: [{ size: 3, recurrent: false }], outputs: 2,
      neuron: lifParams(), surrogate: surrogateByName('fast-sigmoid'), readoutReduce: 'mean',
    };
    const net = createNetwork(device, spec, { seed: 1 });
    const run = eligibility().bind(net, { batch: 2, steps: 10, inputWindow: 4 });
    expect(() => run.encodeForward(device.createCommandEncoder())).toThrow(/no window writer was set/);
    run.destroy();
    net.destroy();
  });
});
