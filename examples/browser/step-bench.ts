/**
 * Training-step throughput, the same code in the browser (bench.html) and in Node
 * (bench/browser-vs-node.ts): 784 Poisson inputs → H LIF → 10 readout, T steps,
 * surrogate BPTT (library default propagation), Adam, with the data set's pixels
 * on the GPU and the GPU encoder, as in the trainer. One step = upload B indices
 * and labels, record encoder + forward + backward + optimizer, submit. Timed from
 * the first timed submit to `onSubmittedWorkDone` after the last; GPU errors
 * (validation, out of memory, internal) are captured in error scopes and make the
 * run fail, as does a non-finite loss or gradient.
 */
import { adamOptimizer, bptt, createNetwork, createOptimizer, fastSigmoid, lifParams, readF32, type ImageDataset, type WebspikeDevice } from 'webspike';
import { bindEncoder } from '../../src/encode/encoders.js';
import { packBytes, storageBuffer, uploadBuffer } from '../../src/gpu/buffers.js';

export interface StepBenchOptions {
  batch: number;
  steps: number;
  hidden: number;
  /** Poisson spike probability per step of a white pixel */
  rate: number;
  warmup: number;
  iters: number;
  seed?: number;
}

export interface StepBenchResult extends StepBenchOptions {
  ok: boolean;
  error?: string;
  seconds?: number;
  msPerStep?: number;
  samplesPerSecond?: number;
  /** mean cross-entropy over the timed steps */
  loss?: number;
}

export async function benchTrainSteps(gpu: WebspikeDevice, ds: ImageDataset, o: StepBenchOptions): Promise<StepBenchResult> {
  const { device } = gpu;
  const inputs = ds.rows * ds.cols;
  const B = o.batch;
  const owned: { destroy(): void }[] = [];
  device.pushErrorScope('internal');
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let result: StepBenchResult;
  try {
    const net = createNetwork(device, {
      inputs, hidden: [{ size: o.hidden, recurrent: false }], outputs: 10,
      neuron: lifParams({ dtMs: 1, tauSynMs: 5, tauMemMs: 10 }), surrogate: fastSigmoid({ slope: 10 }), readoutReduce: 'mean',
    }, { seed: o.seed ?? 1 });
    owned.push(net);
    const run = bptt().bind(net, { batch: B, steps: o.steps, observe: false, inputFormat: 'bits' });
    owned.push(run);
    const opt = createOptimizer(net, adamOptimizer({ lr: 2e-3 }), { maxGradNorm: 5 });
    owned.push(opt);
    const sampleIndex = storageBuffer(device, 'bench/sample-index', B * 4);
    const pixels = uploadBuffer(device, 'bench/pixels', packBytes(ds.images));
    owned.push(sampleIndex, pixels);
    const encode = bindEncoder(device, { kind: 'poisson', rate: o.rate }, { pixels, sampleIndex, spikes: run.input, bits: true, steps: o.steps, batch: B, inputs, seed: o.seed ?? 1 });
    owned.push(encode);
    const idx = new Uint32Array(B);
    const labels = new Uint32Array(B);
    let next = 0;
    const step = (clear: boolean) => {
      for (let b = 0; b < B; b++) {
        idx[b] = next;
        labels[b] = ds.labels[next];
        next = (next + 1) % ds.count;
      }
      device.queue.writeBuffer(sampleIndex, 0, idx);
      device.queue.writeBuffer(run.labels, 0, labels);
      run.setValid(B);
      const enc = device.createCommandEncoder({ label: 'bench-step' });
      if (clear) enc.clearBuffer(run.metrics);
      const pass = enc.beginComputePass({ label: 'encode' });
      encode.encode(pass);
      pass.end();
      run.encodeForward(enc);
      run.encodeBackward(enc);
      opt.encode(enc);
      device.queue.submit([enc.finish()]);
    };
    for (let k = 0; k < o.warmup; k++) step(false);
    await device.queue.onSubmittedWorkDone();
    const t0 = performance.now();
    for (let k = 0; k < o.iters; k++) step(k === 0);
    await device.queue.onSubmittedWorkDone();
    const seconds = (performance.now() - t0) / 1000;
    const [m, st] = await Promise.all([readF32(device, run.metrics, 4), opt.status()]);
    const loss = m[0] / Math.max(1, m[2]);
    const finite = Number.isFinite(loss) && st.firstBadCall === null;
    result = {
      ...o, ok: finite, seconds, msPerStep: (1000 * seconds) / o.iters, samplesPerSecond: (B * o.iters) / seconds, loss,
      ...(!finite && { error: `non-finite loss or gradient (loss ${loss}, first bad optimizer call ${st.firstBadCall})` }),
    };
  } catch (e) {
    result = { ...o, ok: false, error: (e as Error).message };
  } finally {
    for (const x of owned.reverse()) x.destroy();
  }
  const errors = [await device.popErrorScope(), await device.popErrorScope(), await device.popErrorScope()].filter(Boolean);
  if (errors.length) result = { ...result, ok: false, error: [result.error, ...errors.map((e) => `${e!.constructor.name}: ${e!.message}`)].filter(Boolean).join('; ') };
  return result;
}
