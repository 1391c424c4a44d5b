/**
 * The training loop: data stays on the GPU (pixels packed once per split), each
 * step uploads only B sample indices and labels, records encoder → forward →
 * backward → optimizer in one command encoder, and submits. A method that reads
 * its input in windows (MethodRun.inputWindows: eligibility traces) gets the
 * encoder dispatched before each window of `inputWindow` steps instead of once
 * for all T steps, so no buffer of the step grows with T. Metrics and the
 * optimizer's non-finite flag are read back every `progressEvery` steps and at
 * the end of each epoch, never inside the time loop.
 */
import { bindEncoder, type EncoderSpec } from '../encode/encoders.js';
import { encoderSeed } from '../encode/rng.js';
import { packBytes, readF32, storageBuffer, uploadBuffer } from '../gpu/buffers.js';
import type { WebspikeDevice } from '../gpu/device.js';
import { createProfiler, type Profiler } from '../gpu/profiler.js';
import { batchIndices, shuffledOrder } from '../data/batches.js';
import type { DatasetSplits, ImageDataset } from '../data/dataset.js';
import { createNetwork, type GpuNetwork } from '../layers/network.js';
import { bptt } from '../methods/bptt.js';
import { requireSupport, type GradientMethod, type MethodRun } from '../methods/method.js';
import type { NetworkSpec, ReadoutReduce } from '../model/network.js';
import { lifParams } from '../neurons/lif.js';
import type { NeuronOptions } from '../neurons/model.js';
import { layerNeuron, type NeuronKind } from '../neurons/registry.js';
import { createOptimizer, type GpuOptimizer, type OptimizerSpec } from '../optim/optimizer.js';
import { surrogateByName, type Surrogate } from '../surrogates.js';
import { assertSameModel, saveCheckpoint, type Checkpoint } from './checkpoint.js';
import { DivergenceError, lossDivergence, validateDivergenceLimits, weightDivergence, type DivergenceLimits } from './divergence.js';
import { scheduledLearningRate } from './lr-schedule.js';

export interface TrainConfig {
  hidden: number[];
  recurrent: boolean;
  /** time steps per sample */
  steps: number;
  /** the hidden layers' neuron model (src/neurons/registry.ts); default 'lif' */
  neuronKind?: NeuronKind;
  /** the model's options; the LIF ones also set the readout's α, β */
  neuron: NeuronOptions;
  /** a built-in surrogate by name, or a Surrogate object (custom surrogates) */
  surrogate: { name: string; slope?: number } | Surrogate;
  encoder: EncoderSpec;
  readoutReduce: ReadoutReduce;
  batchSize: number;
  epochs: number;
  optimizer: OptimizerSpec;
  /** 0: no clipping */
  maxGradNorm: number;
  seed: number;
  /** std × sqrt(fan_in) of the initial input weights of hidden layers */
  initGain: number;
  /** std × sqrt(fan_in) of the initial readout weights */
  readoutGain: number;
  /** learning-rate schedule over the run: constant, or cosine decay to 0 */
  schedule: 'constant' | 'cosine';
}

export interface EpochMetrics {
  epoch: number;
  loss: number;
  trainAccuracy: number;
  testLoss: number;
  testAccuracy: number;
  /** wall time of the epoch's training steps (s) */
  seconds: number;
  evalSeconds: number;
  samplesPerSecond: number;
  skippedSteps: number;
}

export interface Progress {
  epoch: number;
  batch: number;
  batches: number;
  samples: number;
  samplesPerSecond: number;
  loss: number;
  accuracy: number;
  /** seconds of training in this epoch so far (time spent paused excluded) */
  seconds: number;
}

export interface TrainOptions {
  method?: GradientMethod;
  /** save after every epoch (atomically) */
  checkpointPath?: string;
  /** continue from this checkpoint (its weights, optimizer state and epoch) */
  resume?: Checkpoint;
  /** read back progress every this many steps (default 10) */
  progressEvery?: number;
  onProgress?: (p: Progress) => void;
  onEpoch?: (m: EpochMetrics) => void | Promise<void>;
  /**
   * Steps of input encoded at a time for methods that read their input in windows
   * (eligibility traces; default 16, at most T): the input buffer holds this many
   * steps instead of T. Other methods encode all T steps at once.
   */
  inputWindow?: number;
  /** stop after this many epochs of this call (for tests); default all */
  maxEpochs?: number;
  /** with `resume`: the (base) learning rate from here on, replacing the checkpoint's; the schedule applies to it */
  resumeLearningRate?: number;
  /**
   * Checked before every step: once aborted, training stops after the step in
   * flight and `train` resolves with the epochs completed so far (`stopped: true`).
   */
  signal?: AbortSignal;
  /** awaited before every step: return a promise that resolves on "resume" to pause training */
  pause?: () => void | Promise<void>;
  /** called after every epoch with the checkpoint `checkpointPath` would hold (browsers: keep it for a download) */
  onCheckpoint?: (c: Checkpoint) => void | Promise<void>;
  /**
   * With `onProfile`: every this many training steps (default 20), one step runs each kernel in its own
   * timestamped pass (src/gpu/profiler.ts) where the device has 'timestamp-query'.
   */
  profileEvery?: number;
  /** per-kernel GPU milliseconds of a profiled training step ('encode', 'forward/…', 'backward/…', 'optimizer') */
  onProfile?: (ms: Map<string, number>, at: { epoch: number; batch: number }) => void;
  /** when a finite run counts as diverged (src/train/divergence.ts; defaults: loss 100× its first reading, |w| > 1e4) */
  divergence?: DivergenceLimits;
}

export interface TrainResult {
  spec: NetworkSpec;
  metrics: EpochMetrics[];
  weights: Checkpoint['weights'];
  /** true when `signal` stopped the run before its last epoch */
  stopped?: boolean;
}

export class NonFiniteGradientError extends Error {
  constructor(readonly step: number, readonly epoch: number, readonly batch: number, readonly checkpoint?: string) {
    super(
      `non-finite gradient at training step ${step} (epoch ${epoch}, batch ${batch}); training stopped, the step was not applied` +
        (checkpoint ? `; the last good checkpoint is ${checkpoint}` : ''),
    );
    this.name = 'NonFiniteGradientError';
  }
}

export const DEFAULT_TRAIN_CONFIG: TrainConfig = {
  hidden: [512],
  recurrent: false,
  steps: 25,
  neuron: { dtMs: 1, tauSynMs: 5, tauMemMs: 10 },
  surrogate: { name: 'fast-sigmoid', slope: 10 },
  encoder: { kind: 'poisson', rate: 0.3 },
  readoutReduce: 'mean',
  batchSize: 64,
  epochs: 8,
  optimizer: { kind: 'adam', lr: 2e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
  maxGradNorm: 5,
  seed: 1,
  initGain: 1,
  readoutGain: 1,
  schedule: 'cosine',
};

export function specFromConfig(c: TrainConfig, inputs: number, outputs: number): NetworkSpec {
  return {
    inputs,
    hidden: c.hidden.map((size) => {
      const kind = c.neuronKind ?? 'lif';
      return kind === 'lif' ? { size, recurrent: c.recurrent } : { size, recurrent: c.recurrent, neuron: layerNeuron(kind, c.neuron) };
    }),
    outputs,
    neuron: lifParams({ ...c.neuron, reset: c.neuronKind && c.neuronKind !== 'lif' ? undefined : c.neuron.reset }),
    surrogate: 'wgsl' in c.surrogate ? c.surrogate : surrogateByName(c.surrogate.name, c.surrogate.slope),
    readoutReduce: c.readoutReduce,
  };
}

function checkData(data: DatasetSplits): void {
  const { train, test } = data;
  if (train.rows * train.cols !== test.rows * test.cols) {
    throw new Error(`train images are ${train.rows}×${train.cols} but test images are ${test.rows}×${test.cols}`);
  }
  if (train.count === 0 || test.count === 0) throw new Error('empty train or test set');
}

/** A data split on the GPU with its own encoder dispatch writing `run.input`. */
interface SplitOnGpu {
  ds: ImageDataset;
  pixels: GPUBuffer;
  encode: ReturnType<typeof bindEncoder>;
}

export interface Session {
  net: GpuNetwork;
  run: MethodRun;
  optimizer: GpuOptimizer;
  sampleIndex: GPUBuffer;
  destroy(): void;
}

/** Load a batch's indices and labels and record encoder + forward (+ backward + optimizer when training). */
function recordStep(device: GPUDevice, s: Session, split: SplitOnGpu, indices: ArrayLike<number>, train: boolean, clearMetrics: boolean, profiler?: Profiler): void {
  const B = s.run.shape.batch;
  const idx = new Uint32Array(B);
  const labels = new Uint32Array(B);
  for (let b = 0; b < indices.length; b++) {
    idx[b] = indices[b];
    labels[b] = split.ds.labels[indices[b]];
  }
  device.queue.writeBuffer(s.sampleIndex, 0, idx);
  device.queue.writeBuffer(s.run.labels, 0, labels);
  s.run.setValid(indices.length);
  split.encode.uniforms.write({ valid: indices.length });
  const enc = device.createCommandEncoder({ label: train ? 'train-step' : 'eval-step' });
  if (clearMetrics) enc.clearBuffer(s.run.metrics);
  const encodeInput = (e: GPUCommandEncoder) => {
    const pass = e.beginComputePass({ label: 'encode', timestampWrites: profiler?.pass('encode') });
    split.encode.encode(pass);
    pass.end();
  };
  // windows: the method records the encoder before each window's steps (the step offset is read from its clock)
  if (s.run.inputWindows) s.run.inputWindows.setWriter(encodeInput);
  else encodeInput(enc);
  if (train && s.run.online) {
    // online learning: an optimizer step after every chunk of the sequence (the last chunk computes the loss)
    for (let c = 0; c < s.run.online.chunks; c++) {
      s.run.online.encodeChunk(enc, c, profiler);
      s.optimizer.encode(enc, profiler);
    }
  } else {
    s.run.encodeForward(enc, profiler);
    if (train) {
      s.run.encodeBackward(enc, profiler);
      s.optimizer.encode(enc, profiler);
    }
  }
  profiler?.resolve(enc);
  device.queue.submit([enc.finish()]);
}

async function readMetrics(device: GPUDevice, run: MethodRun): Promise<{ loss: number; accuracy: number; samples: number }> {
  const m = await readF32(device, run.metrics, 4);
  return { loss: m[0] / Math.max(1, m[2]), accuracy: m[1] / Math.max(1, m[2]), samples: m[2] };
}

/** Loss and accuracy of the network on a whole data split (forward passes only). */
async function evaluateSplit(device: GPUDevice, s: Session, split: SplitOnGpu): Promise<{ loss: number; accuracy: number }> {
  const B = s.run.shape.batch;
  const order = Uint32Array.from({ length: split.ds.count }, (_, i) => i);
  batchIndices(order, B, false).forEach((batch, k) => recordStep(device, s, split, batch, false, k === 0));
  return readMetrics(device, s.run);
}

export async function train(gpu: WebspikeDevice, data: DatasetSplits, config: TrainConfig, options: TrainOptions = {}): Promise<TrainResult> {
  checkData(data);
  const { device } = gpu;
  const inputs = data.train.rows * data.train.cols;
  const spec = specFromConfig(config, inputs, Math.max(data.train.classes, data.test.classes));
  const resume = options.resume;
  if (resume) assertSameModel(spec, resume.spec);
  const B = config.batchSize;
  if (!(Number.isInteger(B) && B > 0)) throw new RangeError(`batch size must be a positive integer, got ${B}`);
  if (!(Number.isInteger(config.steps) && config.steps > 0)) throw new RangeError(`steps must be a positive integer, got ${config.steps}`);
  const inputWindow = Math.min(options.inputWindow ?? 16, config.steps);
  if (!(Number.isInteger(inputWindow) && inputWindow > 0)) throw new RangeError(`inputWindow must be a positive integer number of steps, got ${options.inputWindow}`);

  const method = options.method ?? bptt();
  requireSupport(method, spec);
  const owned: GPUBuffer[] = [];
  const net = createNetwork(device, spec, resume ? resume.weights : { seed: config.seed, hiddenGain: config.initGain, readoutGain: config.readoutGain });
  let run: MethodRun | undefined;
  let optimizer: GpuOptimizer | undefined;
  const splits: SplitOnGpu[] = [];
  const profiler = options.onProfile && device.features.has('timestamp-query') ? createProfiler(device) : undefined;
  try {
    // the pixel encoders write binary spikes: as bits where the method reads them (32 inputs per word)
    const inputFormat = method.inputFormats?.includes('bits') ? 'bits' : 'f32';
    run = method.bind(net, { batch: B, steps: config.steps, inputWindow, observe: false, inputFormat });
    const lrOverride = resume ? options.resumeLearningRate : undefined;
    if (lrOverride !== undefined && !(lrOverride > 0 && Number.isFinite(lrOverride))) throw new RangeError(`learning rate must be a positive number, got ${lrOverride}`);
    const optSpec = { ...(resume?.optimizer?.spec ?? config.optimizer), ...(lrOverride !== undefined && { lr: lrOverride }) };
    optimizer = createOptimizer(net, optSpec, { maxGradNorm: config.maxGradNorm });
    if (resume?.optimizer) optimizer.importState(resume.optimizer);
    const sampleIndex = storageBuffer(device, 'train/sample-index', B * 4);
    owned.push(sampleIndex);
    const session: Session = { net, run, optimizer, sampleIndex, destroy: () => {} };
    for (const [name, ds] of [['train', data.train], ['test', data.test]] as const) {
      const pixels = uploadBuffer(device, `data/${name}/pixels`, packBytes(ds.images));
      owned.push(pixels);
      const windows = run.inputWindows;
      const encode = bindEncoder(device, config.encoder, {
        pixels, sampleIndex, spikes: run.input, bits: run.shape.inputFormat === 'bits', steps: windows?.steps ?? config.steps, totalSteps: config.steps, clock: windows?.clock, batch: B, inputs, seed: config.seed,
      });
      splits.push({ ds, pixels, encode });
    }
    const [trainSplit, testSplit] = splits;
    const evalSeed = encoderSeed(config.seed, 0xffff);
    const metrics: EpochMetrics[] = (resume?.metrics as unknown as EpochMetrics[] | undefined)?.slice() ?? [];
    const startEpoch = Number(resume?.training?.epoch ?? 0);
    const lastEpoch = Math.min(config.epochs, startEpoch + (options.maxEpochs ?? Infinity));
    const batchesPerEpoch = Math.max(1, Math.floor(data.train.count / B));
    const baseLr = optSpec.lr;
    const progressEvery = options.progressEvery ?? 10;
    let lastCheckpoint: string | undefined = resume ? (resume.training?.checkpointPath as string | undefined) : undefined;
    const limits = validateDivergenceLimits(options.divergence ?? {});
    let currentLr = baseLr;
    let firstLoss: number | undefined;

    let stopped = false;
    for (let epoch = startEpoch; epoch < lastEpoch && !stopped; epoch++) {
      const order = shuffledOrder(data.train.count, config.seed, epoch);
      const batches = batchIndices(order, B, data.train.count >= B);
      if (config.encoder.kind === 'poisson') trainSplit.encode.uniforms.write({ seed: encoderSeed(config.seed, epoch) });
      let started = performance.now();
      let seen = 0;
      for (let k = 0; k < batches.length; k++) {
        if (options.pause) {
          const pausedAt = performance.now();
          await options.pause();
          started += performance.now() - pausedAt;
        }
        if (options.signal?.aborted) {
          stopped = true;
          break;
        }
        if (config.schedule === 'cosine') {
          currentLr = scheduledLearningRate(baseLr, config.schedule, { epoch, batch: k, batchesPerEpoch, epochs: config.epochs });
          optimizer.setLearningRate(currentLr);
        }
        const profile = profiler && (k + 1) % (options.profileEvery ?? 20) === 0 ? profiler : undefined;
        recordStep(device, session, trainSplit, batches[k], true, k === 0, profile);
        if (profile) options.onProfile!(await profile.read(), { epoch: epoch + 1, batch: k + 1 });
        seen += batches[k].length;
        if ((k + 1) % progressEvery === 0 || k === batches.length - 1) {
          const [m, st] = await Promise.all([readMetrics(device, run), optimizer.status()]);
          if (st.firstBadCall !== null) {
            // optimizer calls per batch: one, or one per chunk with online updates
            const inRun = Math.floor((st.firstBadCall - 1 - (resume?.optimizer?.updates ?? 0)) / (run.online?.chunks ?? 1));
            const badEpoch = startEpoch + Math.floor(inRun / batches.length) + 1;
            throw new NonFiniteGradientError(st.firstBadCall, badEpoch, (inRun % batches.length) + 1, lastCheckpoint);
          }
          firstLoss ??= m.loss;
          const diverged = lossDivergence(m.loss, firstLoss, limits.maxLossRatio);
          if (diverged) throw new DivergenceError(diverged, epoch + 1, k + 1, currentLr, lastCheckpoint);
          const elapsed = (performance.now() - started) / 1000;
          options.onProgress?.({ epoch: epoch + 1, batch: k + 1, batches: batches.length, samples: seen, samplesPerSecond: seen / elapsed, loss: m.loss, accuracy: m.accuracy, seconds: elapsed });
        }
      }
      if (stopped) break;
      const trainM = await readMetrics(device, run);
      const seconds = (performance.now() - started) / 1000;
      const evalStart = performance.now();
      if (config.encoder.kind === 'poisson') testSplit.encode.uniforms.write({ seed: evalSeed });
      const testM = await evaluateSplit(device, session, testSplit);
      const st = await optimizer.status();
      const em: EpochMetrics = {
        epoch: epoch + 1, loss: trainM.loss, trainAccuracy: trainM.accuracy, testLoss: testM.loss, testAccuracy: testM.accuracy,
        seconds, evalSeconds: (performance.now() - evalStart) / 1000, samplesPerSecond: seen / seconds, skippedSteps: st.skipped,
      };
      const weightsNow = await net.readWeights();
      const diverged = weightDivergence(spec, weightsNow, limits.maxWeight) ?? lossDivergence(trainM.loss, firstLoss ?? trainM.loss, limits.maxLossRatio);
      if (diverged) throw new DivergenceError(diverged, epoch + 1, undefined, currentLr, lastCheckpoint);
      metrics.push(em);
      if (options.checkpointPath || options.onCheckpoint) {
        const opt = await optimizer.exportState();
        const checkpoint: Checkpoint = {
          spec, weights: weightsNow,
          optimizer: { spec: { ...config.optimizer, lr: baseLr }, updates: opt.status.updates, slots: opt.slots },
          training: { ...config, surrogate: { name: spec.surrogate.name, slope: spec.surrogate.slope }, epoch: epoch + 1, ...(options.checkpointPath && { checkpointPath: options.checkpointPath }) },
          // a snapshot: the run goes on appending to `metrics`, and a kept checkpoint must not change
          metrics: metrics.slice() as unknown as Record<string, unknown>[],
        };
        if (options.checkpointPath) {
          await saveCheckpoint(options.checkpointPath, checkpoint);
          lastCheckpoint = options.checkpointPath;
        }
        await options.onCheckpoint?.(checkpoint);
      }
      await options.onEpoch?.(em);
    }
    return { spec, metrics, weights: await net.readWeights(), ...(stopped && { stopped }) };
  } finally {
    for (const s of splits) s.encode.destroy();
    profiler?.destroy();
    optimizer?.destroy();
    run?.destroy();
    net.destroy();
    for (const b of owned) b.destroy();
  }
}
