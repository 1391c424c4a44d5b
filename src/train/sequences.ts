/**
 * Training on spike-train data sets (`SpikeSequenceDataset`: rasters fed to the
 * network as they are, no encoder), with any gradient method: each step uploads
 * the batch's [T][B][N_in] spikes and labels and records forward + backward +
 * optimizer (or, for online methods, chunk + optimizer per chunk) in one command
 * encoder. Metrics are read back once per epoch.
 * The methods are bound without `inputWindow`: a queue upload lands before the
 * command buffer runs, so it cannot refill a window between the steps of one
 * recorded sequence, and the input stays the whole [T][B][N_in] spikes.
 */
import { readF32 } from '../gpu/buffers.js';
import type { WebspikeDevice } from '../gpu/device.js';
import { batchIndices, shuffledOrder } from '../data/batches.js';
import { sequenceBatch, type SpikeSequenceDataset } from '../data/spike-sequences.js';
import { createNetwork, type GpuNetwork } from '../layers/network.js';
import { bptt } from '../methods/bptt.js';
import type { GradientMethod, MethodRun } from '../methods/method.js';
import type { InitOptions, NetworkSpec, NetworkWeights } from '../model/network.js';
import { createOptimizer, type OptimizerSpec } from '../optim/optimizer.js';

export interface SequenceTrainOptions {
  method?: GradientMethod;
  optimizer: OptimizerSpec;
  batchSize: number;
  epochs: number;
  /** data order (default 1) */
  seed?: number;
  /** initial weights, or how to draw them (default: initWeights with `seed`) */
  init?: NetworkWeights | InitOptions;
  /** clip the global gradient norm (0 = off, default) */
  maxGradNorm?: number;
  onEpoch?: (m: SequenceEpochMetrics) => void | Promise<void>;
}

export interface SequenceEpochMetrics {
  epoch: number;
  loss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  /** wall time of the epoch's training steps (s) */
  seconds: number;
}

function checkSplit(ds: SpikeSequenceDataset, spec: NetworkSpec): void {
  if (ds.inputs !== spec.inputs) throw new RangeError(`${ds.name} has ${ds.inputs} input channels but the network expects ${spec.inputs}`);
  if (ds.classes > spec.outputs) throw new RangeError(`${ds.name} has ${ds.classes} classes but the network has ${spec.outputs} outputs`);
  if (ds.count === 0) throw new RangeError(`${ds.name} is empty`);
}

function upload(device: GPUDevice, run: MethodRun, ds: SpikeSequenceDataset, indices: ArrayLike<number>): void {
  const B = run.shape.batch;
  device.queue.writeBuffer(run.input, 0, sequenceBatch(ds, indices, B));
  const labels = new Uint32Array(B);
  for (let b = 0; b < indices.length; b++) labels[b] = ds.labels[indices[b]];
  device.queue.writeBuffer(run.labels, 0, labels);
  run.setValid(indices.length);
}

async function readMetrics(device: GPUDevice, run: MethodRun): Promise<{ loss: number; accuracy: number }> {
  const m = await readF32(device, run.metrics, 4);
  return { loss: m[0] / Math.max(1, m[2]), accuracy: m[1] / Math.max(1, m[2]) };
}

/** Loss and accuracy of the network bound to `run` on `ds` (forward passes only; overwrites run.metrics). */
export async function evaluateSequences(device: GPUDevice, run: MethodRun, ds: SpikeSequenceDataset): Promise<{ loss: number; accuracy: number }> {
  const order = Uint32Array.from({ length: ds.count }, (_, i) => i);
  batchIndices(order, run.shape.batch, false).forEach((batch, k) => {
    upload(device, run, ds, batch);
    const enc = device.createCommandEncoder({ label: 'eval-step' });
    if (k === 0) enc.clearBuffer(run.metrics);
    run.encodeForward(enc);
    device.queue.submit([enc.finish()]);
  });
  return readMetrics(device, run);
}

/**
 * Train a network of `spec` on `data.train` (T = data.train.steps), evaluating on
 * `data.test` after every epoch. Returns the metrics and the final weights.
 */
export async function trainSequences(
  gpu: WebspikeDevice,
  data: { train: SpikeSequenceDataset; test: SpikeSequenceDataset },
  spec: NetworkSpec,
  options: SequenceTrainOptions,
): Promise<{ metrics: SequenceEpochMetrics[]; weights: NetworkWeights }> {
  const { device } = gpu;
  checkSplit(data.train, spec);
  checkSplit(data.test, spec);
  if (data.test.steps !== data.train.steps) throw new RangeError(`train sequences have ${data.train.steps} steps but test sequences ${data.test.steps}`);
  const B = options.batchSize;
  if (!(Number.isInteger(B) && B > 0)) throw new RangeError(`batch size must be a positive integer, got ${B}`);
  const seed = options.seed ?? 1;
  const init = options.init ?? { seed };
  const net: GpuNetwork = createNetwork(device, spec, init);
  const run = (options.method ?? bptt()).bind(net, { batch: B, steps: data.train.steps });
  const optimizer = createOptimizer(net, options.optimizer, { maxGradNorm: options.maxGradNorm ?? 0 });
  const metrics: SequenceEpochMetrics[] = [];
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const started = performance.now();
      const batches = batchIndices(shuffledOrder(data.train.count, seed, epoch), B, data.train.count >= B);
      for (let k = 0; k < batches.length; k++) {
        upload(device, run, data.train, batches[k]);
        const enc = device.createCommandEncoder({ label: 'train-step' });
        if (k === 0) enc.clearBuffer(run.metrics);
        if (run.online) {
          for (let c = 0; c < run.online.chunks; c++) {
            run.online.encodeChunk(enc, c);
            optimizer.encode(enc);
          }
        } else {
          run.encodeForward(enc);
          run.encodeBackward(enc);
          optimizer.encode(enc);
        }
        device.queue.submit([enc.finish()]);
      }
      const tr = await readMetrics(device, run);
      const seconds = (performance.now() - started) / 1000;
      const st = await optimizer.status();
      if (st.firstBadCall !== null) throw new Error(`non-finite gradient at optimizer step ${st.firstBadCall} (epoch ${epoch + 1})`);
      const te = await evaluateSequences(device, run, data.test);
      const m = { epoch: epoch + 1, loss: tr.loss, trainAccuracy: tr.accuracy, testLoss: te.loss, testAccuracy: te.accuracy, seconds };
      metrics.push(m);
      await options.onEpoch?.(m);
    }
    return { metrics, weights: await net.readWeights() };
  } finally {
    optimizer.destroy();
    run.destroy();
    net.destroy();
  }
}
