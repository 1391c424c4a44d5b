/**
 * Training with exact event-based gradients (EventProp, papers/003): the
 * continuous-time LIF network of Table 1, simulated by the hybrid
 * scan-and-correct kernels, with gradients from the GPU adjoint
 * (`eventPropGradients`, src/methods/eventprop-gpu.ts).
 *
 * It shares with the surrogate trainer (`./trainer.ts`) the data sets and their
 * order (`shuffledOrder` per seed and epoch), the GPU network and optimizers
 * (Adam / SGD with the same global-norm clipping and non-finite check), the
 * checkpoint format and the per-epoch metrics. What differs is the step: the
 * event methods work on variable-length spike lists, so a step reads the
 * current weights, runs `eventPropGradients` (which reads back each layer's
 * spikes to sort them by time, and the readout maxima or first output spikes
 * for the loss), writes the batch gradient into the network's gradient buffers
 * and records the optimizer. Data and labels are encoded on the host.
 *
 * Checkpoints: `spec` is the network's architecture with the discrete neuron
 * parameters of the grid step (α = e^{−Δt/τ_syn}, β = e^{−Δt/τ_mem}, zero
 * reset), but the weights are those of the continuous-time network
 * (`training.model = 'continuous'`); `src/model/discretize.ts` gives the
 * mapping to the discrete network (every weight × c). `training` holds this
 * configuration, so `--resume` and `webspike grad --method eventprop` rebuild
 * the same continuous model.
 */
import type { WebspikeDevice } from '../gpu/device.js';
import { shuffledOrder, batchIndices } from '../data/batches.js';
import { createNetwork, type GpuNetwork } from '../layers/network.js';
import { eventPropEvaluate, eventPropGradients, type EventPropEvaluation, type EventPropGpuResult, type FirstSpikeLossOptions } from '../methods/eventprop-gpu.js';
import type { NetworkSpec, NetworkWeights } from '../model/network.js';
import { lifParams } from '../neurons/lif.js';
import { createOptimizer, type GpuOptimizer, type OptimizerSpec } from '../optim/optimizer.js';
import type { EventLifSpec, InputSpike } from '../model/event-network.js';
import { createRng } from '../random.js';
import { surrogateByName } from '../surrogates.js';
import { assertSameArchitecture, saveCheckpoint, type Checkpoint } from './checkpoint.js';
import type { EventDataset } from './event-data.js';
import { CollapseWatch } from './collapse-watch.js';
import { DiagnosticsAccumulator, stepDiagnostics, type EpochDiagnostics } from './event-diagnostics.js';
import { NonFiniteGradientError, type EpochMetrics, type Progress } from './trainer.js';
import { LEARNING_RATE_SCHEDULES, scheduledLearningRate, type LearningRateSchedule } from './lr-schedule.js';
import { EVENT_METHOD } from '../methods/registry.js';
import { DivergenceError, lossDivergence, validateDivergenceLimits, weightDivergence, type DivergenceLimits } from './divergence.js';

/** The first-spike loss of eq. (3), as the GPU method takes it (one definition for both). */
export type FirstSpikeLoss = FirstSpikeLossOptions;

export interface EventTrainConfig {
  hidden: number[];
  recurrent: boolean;
  /** 'readout': non-spiking readout, max-over-time voltage loss (eq. 4); 'spiking': first-spike loss (eq. 3) */
  output: 'readout' | 'spiking';
  /** eq. 3's constants (output 'spiking' only) */
  firstSpike?: FirstSpikeLoss;
  tauMemMs: number;
  tauSynMs: number;
  threshold: number;
  /** simulation end T (ms) */
  durationMs: number;
  /** time grid of the crossing scan (ms); spike times do not depend on it */
  gridStepMs: number;
  /** initial weights ~ N(mean, std) (Table 3): [mean, std] per kind */
  init: { hidden: [number, number]; readout: [number, number]; recurrent?: [number, number] };
  batchSize: number;
  epochs: number;
  optimizer: OptimizerSpec;
  /** global gradient-norm clip, 0 = off (papers/003 trains without clipping) */
  maxGradNorm: number;
  seed: number;
  /** 'exponential': lr·lrDecay^epoch (Table 3: 0.95 per epoch); 'cosine' over all steps; 'constant' */
  schedule: LearningRateSchedule;
  lrDecay: number;
  /** spike records per sample and layer to start with (grows when a batch needs more) */
  capacity: number;
  /** lower bound on I − ϑ in the spike jump, 0 = exact (see eventPropGradients) */
  minSlope: number;
}

/** Table 3 of papers/003, MNIST column (latency code t_max 20 ms, p_drop 0.2 set on the data). */
export const EVENTPROP_MNIST_CONFIG: EventTrainConfig = {
  hidden: [350],
  recurrent: false,
  output: 'readout',
  tauMemMs: 20,
  tauSynMs: 5,
  threshold: 1,
  durationMs: 30,
  gridStepMs: 0.5,
  init: { hidden: [0.078, 0.045], readout: [0.2, 0.37] },
  batchSize: 5,
  epochs: 10,
  optimizer: { kind: 'adam', lr: 5e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
  maxGradNorm: 0,
  seed: 1,
  schedule: 'exponential',
  lrDecay: 0.95,
  capacity: 512,
  minSlope: 0,
};

/**
 * Table 3 of papers/003, Yin-Yang column: 5-200-3, spiking outputs with the
 * first-spike loss (eq. 3), t_max 30 ms and t_bias 0 set on the data. T = 60 ms
 * (2·t_max; the table gives none), 60 epochs (the table gives none).
 */
export const EVENTPROP_YINYANG_CONFIG: EventTrainConfig = {
  ...EVENTPROP_MNIST_CONFIG,
  hidden: [200],
  output: 'spiking',
  firstSpike: { tau0Ms: 0.5, tau1Ms: 6.4, alpha: 3e-3 },
  durationMs: 60,
  init: { hidden: [1.5, 0.78], readout: [0.93, 0.1] },
  batchSize: 32,
  // Table 3 gives no epoch count. At 0.95 per epoch the rate falls to 5 % of its
  // start by epoch 60; at epoch 10 or 30 it is still 60 % or 21 % and the test
  // accuracy swings by about a point between epochs (docs/eventprop.md).
  epochs: 60,
  capacity: 256,
};

export interface EventEpochMetrics extends EpochMetrics {
  /** hidden-layer spikes per training sample, per hidden layer */
  spikesPerSample: number[];
  /** hidden-layer spikes per test sample (the epoch's evaluation), per hidden layer */
  testSpikesPerSample?: number[];
  /** spike jumps clipped by minSlope in the epoch */
  clipped: number;
  lr: number;
  /** loss terms, silent outputs, slope factors, gradient norms and capacity growths of the epoch */
  diagnostics?: EpochDiagnostics;
  /** set when the epoch's loss rose far above its best or its test accuracy fell far below (`CollapseWatch`) */
  warning?: string;
}

export interface EventTrainOptions {
  /** the latest epoch's checkpoint, written after every epoch (for --resume) */
  checkpointPath?: string;
  /** the checkpoint of the epoch with the best test accuracy, rewritten when it improves */
  bestCheckpointPath?: string;
  resume?: Checkpoint;
  /** progress every this many steps (default 10) */
  progressEvery?: number;
  onProgress?: (p: Progress) => void;
  /** after every epoch; `state.weights()` reads the weights reached */
  onEpoch?: (m: EventEpochMetrics, state: { weights: () => Promise<NetworkWeights> }) => void | Promise<void>;
  maxEpochs?: number;
  signal?: AbortSignal;
  /** evaluation batch size (default 4 × batchSize) */
  evalBatch?: number;
  /**
   * With `resume`: the learning rate of the next epoch, replacing the
   * checkpoint's; an exponential schedule goes on decaying from it
   * (lr·lrDecay^(epoch − resumed epoch)). Without `resume`, use config.optimizer.
   */
  resumeLearningRate?: number;
  /** when a finite run counts as diverged (src/train/divergence.ts; defaults: loss 100× its first reading, |w| > 1e4) */
  divergence?: DivergenceLimits;
}

export interface EventTrainResult {
  spec: NetworkSpec;
  eventSpec: EventLifSpec;
  metrics: EventEpochMetrics[];
  weights: NetworkWeights;
  /** the epoch with the best test accuracy of this run and its weights */
  best?: { epoch: number; testAccuracy: number; weights: NetworkWeights };
  /** set when the run ended clearly below its best test accuracy */
  endWarning?: string;
  stopped?: boolean;
}

/** The continuous-time network of a configuration. */
export function eventSpecFromConfig(c: EventTrainConfig, inputs: number, outputs: number): EventLifSpec {
  return {
    inputs, outputs, output: c.output,
    hidden: c.hidden.map((size) => ({ size, recurrent: c.recurrent })),
    tauMemMs: c.tauMemMs, tauSynMs: c.tauSynMs, threshold: c.threshold, durationMs: c.durationMs,
  };
}

/** The architecture as a NetworkSpec (for parameters, optimizer and checkpoints); neuron = its discretisation on the grid. */
export function networkSpecFromEvent(e: EventLifSpec, gridStepMs: number): NetworkSpec {
  return {
    inputs: e.inputs,
    hidden: e.hidden.map((h) => ({ size: h.size, recurrent: h.recurrent })),
    outputs: e.outputs,
    neuron: lifParams({ dtMs: gridStepMs, tauMemMs: e.tauMemMs, tauSynMs: e.tauSynMs, threshold: e.threshold, reset: 'zero' }),
    surrogate: surrogateByName('fast-sigmoid', 10),
    readoutReduce: 'max',
  };
}

/** Seeded Gaussian weights N(mean, std) (Table 3); recurrent weights N(0, 0.1) unless given, no self-connections. */
export function gaussianEventWeights(spec: NetworkSpec, init: EventTrainConfig['init'], seed: number): NetworkWeights {
  const rng = createRng(seed);
  const gauss = ([mean, std]: [number, number]) => mean + std * Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  let prev = spec.inputs;
  const hidden = spec.hidden.map((h) => {
    const w = Float32Array.from({ length: h.size * prev }, () => gauss(init.hidden));
    prev = h.size;
    if (!h.recurrent) return { w };
    const v = Float32Array.from({ length: h.size * h.size }, (_, k) => (Math.floor(k / h.size) === k % h.size ? 0 : gauss(init.recurrent ?? [0, 0.1])));
    return { w, v };
  });
  return { hidden, readout: Float32Array.from({ length: spec.outputs * prev }, () => gauss(init.readout)) };
}

export function validateEventConfig(c: EventTrainConfig): void {
  const pos = (v: number, what: string) => {
    if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`${what} must be a positive number, got ${v}`);
  };
  const posInt = (v: number, what: string) => {
    if (!(Number.isInteger(v) && v > 0)) throw new RangeError(`${what} must be a positive integer, got ${v}`);
  };
  pos(c.tauMemMs, 'tau-mem');
  pos(c.tauSynMs, 'tau-syn');
  pos(c.threshold, 'threshold');
  pos(c.durationMs, 'duration');
  pos(c.gridStepMs, 'grid step');
  posInt(c.batchSize, 'batch size');
  posInt(c.capacity, 'spike capacity');
  if (!(Number.isInteger(c.epochs) && c.epochs >= 0)) throw new RangeError(`epochs must be a non-negative integer, got ${c.epochs}`);
  if (c.output !== 'readout' && c.output !== 'spiking') throw new RangeError(`output must be 'readout' or 'spiking', got '${String(c.output)}'`);
  if (c.output === 'spiking' && !c.firstSpike) throw new RangeError("output 'spiking' trains on the first-spike loss (eq. 3): give firstSpike { tau0Ms, tau1Ms, alpha }");
  if (!LEARNING_RATE_SCHEDULES.includes(c.schedule)) throw new RangeError(`schedule must be constant, cosine or exponential, got '${c.schedule}'`);
  if (!(c.lrDecay > 0 && c.lrDecay <= 1)) throw new RangeError(`lr decay must lie in (0, 1], got ${c.lrDecay}`);
  for (const [k, p] of Object.entries(c.init)) {
    if (!(Array.isArray(p) && p.length === 2 && p.every(Number.isFinite) && p[1] >= 0)) throw new RangeError(`init.${k} must be [mean, std ≥ 0], got ${JSON.stringify(p)}`);
  }
}

function checkEventData(train: EventDataset, test: EventDataset): void {
  if (train.inputs !== test.inputs) throw new Error(`train samples have ${train.inputs} inputs but test samples have ${test.inputs}`);
  if (train.count === 0 || test.count === 0) throw new Error('empty train or test set');
}

/** Spike records per sample and layer the kernels allocate; `growths` counts the batches that needed more. */
interface SpikeCapacity {
  value: number;
  growths?: number;
}

const countSpikes = (layers: EventPropGpuResult['layers']) => layers.map((l) => l.reduce((a, s) => a + s.length, 0));

/** One batch through `eventPropGradients` with the network's current weights, which `checkWeights` may refuse first. */
async function batchRun<R extends EventPropEvaluation>(
  run: typeof eventPropEvaluate | typeof eventPropGradients,
  gpu: WebspikeDevice, net: GpuNetwork, espec: EventLifSpec, c: EventTrainConfig, ds: EventDataset,
  indices: ArrayLike<number>, epoch: number | undefined, capacity: SpikeCapacity, checkWeights?: (w: NetworkWeights) => void,
): Promise<R> {
  const spikes: InputSpike[][] = [];
  const labels: number[] = [];
  for (let k = 0; k < indices.length; k++) {
    spikes.push(ds.spikes(indices[k], epoch));
    labels.push(ds.labels[indices[k]]);
  }
  const weights = await net.readWeights();
  checkWeights?.(weights);
  const res = (await run(gpu.device, espec, weights, spikes, labels, {
    gridStepMs: c.gridStepMs, capacity: capacity.value, onOverflow: 'grow', minSlope: c.minSlope,
    ...(c.output === 'spiking' && { firstSpike: c.firstSpike }),
  })) as R;
  // keep a capacity that held this batch, so later batches do not rerun layers
  const held = capacity.value;
  for (const layer of res.layers) for (const s of layer) while (s.length > capacity.value) capacity.value *= 2;
  if (capacity.value > held) capacity.growths = (capacity.growths ?? 0) + 1;
  return res;
}

const batchGradients = (
  gpu: WebspikeDevice, net: GpuNetwork, espec: EventLifSpec, c: EventTrainConfig, ds: EventDataset,
  indices: ArrayLike<number>, epoch: number | undefined, capacity: SpikeCapacity, checkWeights?: (w: NetworkWeights) => void,
) => batchRun<EventPropGpuResult>(eventPropGradients, gpu, net, espec, c, ds, indices, epoch, capacity, checkWeights);

const batchEvaluation = (
  gpu: WebspikeDevice, net: GpuNetwork, espec: EventLifSpec, c: EventTrainConfig, ds: EventDataset,
  indices: ArrayLike<number>, capacity: SpikeCapacity,
) => batchRun<EventPropEvaluation>(eventPropEvaluate, gpu, net, espec, c, ds, indices, undefined, capacity);

/** Loss, accuracy and spikes of a whole split (forward pass and loss only). */
export async function evaluateEvents(gpu: WebspikeDevice, net: GpuNetwork, espec: EventLifSpec, c: EventTrainConfig, ds: EventDataset, batch: number, capacity: SpikeCapacity = { value: c.capacity }): Promise<{ loss: number; accuracy: number; spikesPerSample: number[] }> {
  let loss = 0;
  let correct = 0;
  const spikes = espec.hidden.map(() => 0);
  const order = Uint32Array.from({ length: ds.count }, (_, i) => i);
  for (const idx of batchIndices(order, batch, false)) {
    const res = await batchEvaluation(gpu, net, espec, c, ds, idx, capacity);
    for (let k = 0; k < idx.length; k++) {
      loss += res.losses[k];
      if (res.predicted[k] === ds.labels[idx[k]]) correct++;
    }
    countSpikes(res.layers).slice(0, spikes.length).forEach((n, l) => (spikes[l] += n));
  }
  return { loss: loss / ds.count, accuracy: correct / ds.count, spikesPerSample: spikes.map((n) => n / ds.count) };
}

export async function trainEvents(
  gpu: WebspikeDevice, data: { train: EventDataset; test: EventDataset }, config: EventTrainConfig, options: EventTrainOptions = {},
): Promise<EventTrainResult> {
  validateEventConfig(config);
  checkEventData(data.train, data.test);
  const { device } = gpu;
  const espec = eventSpecFromConfig(config, data.train.inputs, Math.max(data.train.classes, data.test.classes));
  const spec = networkSpecFromEvent(espec, config.gridStepMs);
  const resume = options.resume;
  if (resume) {
    assertSameArchitecture(spec, resume.spec);
    if (resume.training?.model !== 'continuous') throw new Error('--resume: this checkpoint holds a discrete-time (surrogate) model, not an EventProp one; train it with its own method or start a new EventProp run');
  }
  const limits = validateDivergenceLimits(options.divergence ?? {});
  const B = config.batchSize;
  const net = createNetwork(device, spec, resume ? resume.weights : gaussianEventWeights(spec, config.init, config.seed));
  let optimizer: GpuOptimizer | undefined;
  const capacity: SpikeCapacity = { value: config.capacity };
  try {
    const lrOverride = resume ? options.resumeLearningRate : undefined;
    if (lrOverride !== undefined && !(lrOverride > 0 && Number.isFinite(lrOverride))) throw new RangeError(`learning rate must be a positive number, got ${lrOverride}`);
    const optSpec = resume?.optimizer?.spec ?? config.optimizer;
    const baseLr = lrOverride ?? optSpec.lr;
    optimizer = createOptimizer(net, { ...optSpec, lr: baseLr }, { maxGradNorm: config.maxGradNorm });
    if (resume?.optimizer) optimizer.importState(resume.optimizer);
    const metrics: EventEpochMetrics[] = (resume?.metrics as unknown as EventEpochMetrics[] | undefined)?.slice() ?? [];
    const startEpoch = Number(resume?.training?.epoch ?? 0);
    const lastEpoch = Math.min(config.epochs, startEpoch + (options.maxEpochs ?? Infinity));
    const decayFrom = lrOverride !== undefined ? startEpoch : Number(resume?.training?.lrDecayFrom ?? 0);
    const progressEvery = options.progressEvery ?? 10;
    let lastCheckpoint = resume?.training?.checkpointPath as string | undefined;
    let stopped = false;
    const watch = new CollapseWatch();
    for (const m of metrics) watch.add(m);
    let best: EventTrainResult['best'];
    let firstLoss: number | undefined;
    for (let epoch = startEpoch; epoch < lastEpoch && !stopped; epoch++) {
      const batches = batchIndices(shuffledOrder(data.train.count, config.seed, epoch), B, false);
      const started = performance.now();
      let seen = 0;
      let lossSum = 0;
      let correct = 0;
      let clipped = 0;
      const spikes = espec.hidden.map(() => 0);
      const diagnostics = new DiagnosticsAccumulator(config.output === 'spiking');
      const growthsBefore = capacity.growths ?? 0;
      let lr = baseLr;
      for (let k = 0; k < batches.length; k++) {
        if (options.signal?.aborted) {
          stopped = true;
          break;
        }
        lr = scheduledLearningRate(baseLr, config.schedule, { epoch, batch: k, batchesPerEpoch: batches.length, epochs: config.epochs, decay: config.lrDecay, decayFromEpoch: decayFrom });
        optimizer.setLearningRate(lr);
        const idx = batches[k];
        // the weights are read for the forward pass anyway: weights beyond the limit stop the run before it spends a step on them
        const res = await batchGradients(gpu, net, espec, config, data.train, idx, epoch, capacity, (w) => {
          const diverged = weightDivergence(spec, w, limits.maxWeight);
          if (diverged) throw new DivergenceError(diverged, epoch + 1, k + 1, lr, lastCheckpoint);
        });
        net.writeGradients(res.gradients);
        const enc = device.createCommandEncoder({ label: 'eventprop/optimizer' });
        optimizer.encode(enc);
        device.queue.submit([enc.finish()]);
        for (let i = 0; i < idx.length; i++) {
          lossSum += res.losses[i];
          if (res.predicted[i] === data.train.labels[idx[i]]) correct++;
        }
        countSpikes(res.layers).slice(0, spikes.length).forEach((n, l) => (spikes[l] += n));
        clipped += res.clipped;
        diagnostics.add(stepDiagnostics(res, Array.from(idx, (i) => data.train.labels[i]), config.threshold, config.firstSpike, config.durationMs));
        seen += idx.length;
        if ((k + 1) % progressEvery === 0 || k === batches.length - 1) {
          const st = await optimizer.status();
          if (st.firstBadCall !== null) {
            const inRun = st.firstBadCall - 1 - (resume?.optimizer?.updates ?? 0);
            throw new NonFiniteGradientError(st.firstBadCall, startEpoch + Math.floor(inRun / batches.length) + 1, (inRun % batches.length) + 1, lastCheckpoint);
          }
          firstLoss ??= lossSum / seen;
          const diverged = lossDivergence(lossSum / seen, firstLoss, limits.maxLossRatio);
          if (diverged) throw new DivergenceError(diverged, epoch + 1, k + 1, lr, lastCheckpoint);
          const elapsed = (performance.now() - started) / 1000;
          options.onProgress?.({ epoch: epoch + 1, batch: k + 1, batches: batches.length, samples: seen, samplesPerSecond: seen / elapsed, loss: lossSum / seen, accuracy: correct / seen, seconds: elapsed });
        }
      }
      if (stopped) break;
      const seconds = (performance.now() - started) / 1000;
      diagnostics.capacityGrowths = (capacity.growths ?? 0) - growthsBefore;
      const evalStart = performance.now();
      const testM = await evaluateEvents(gpu, net, espec, config, data.test, options.evalBatch ?? 4 * B, capacity);
      const st = await optimizer.status();
      const em: EventEpochMetrics = {
        epoch: epoch + 1, loss: lossSum / Math.max(1, seen), trainAccuracy: correct / Math.max(1, seen), testLoss: testM.loss, testAccuracy: testM.accuracy,
        seconds, evalSeconds: (performance.now() - evalStart) / 1000, samplesPerSecond: seen / seconds, skippedSteps: st.skipped,
        spikesPerSample: spikes.map((n) => n / Math.max(1, seen)), testSpikesPerSample: testM.spikesPerSample, clipped, lr,
        diagnostics: diagnostics.result(),
      };
      // a diverged state is neither recorded nor saved over the last good checkpoint
      const weightsNow = await net.readWeights();
      const diverged = weightDivergence(spec, weightsNow, limits.maxWeight) ?? lossDivergence(em.loss, firstLoss ?? em.loss, limits.maxLossRatio);
      if (diverged) throw new DivergenceError(diverged, epoch + 1, undefined, lr, lastCheckpoint);
      metrics.push(em);
      const improved = watch.add(em);
      em.warning = watch.warning();
      if (improved) best = { epoch: em.epoch, testAccuracy: em.testAccuracy, weights: weightsNow };
      const checkpointOf = async (): Promise<Checkpoint> => {
        const opt = await optimizer!.exportState();
        return {
          spec, weights: weightsNow,
          optimizer: { spec: { ...config.optimizer, lr: baseLr }, updates: opt.status.updates, slots: opt.slots },
          training: { ...config, method: { name: EVENT_METHOD }, model: 'continuous', epoch: epoch + 1, lrDecayFrom: decayFrom, checkpointPath: options.checkpointPath },
          metrics: metrics.slice() as unknown as Record<string, unknown>[],
        };
      };
      if (options.checkpointPath) {
        await saveCheckpoint(options.checkpointPath, await checkpointOf());
        lastCheckpoint = options.checkpointPath;
      }
      if (improved && options.bestCheckpointPath) await saveCheckpoint(options.bestCheckpointPath, await checkpointOf());
      await options.onEpoch?.(em, { weights: () => net.readWeights() });
    }
    const endWarning = watch.endWarning(options.bestCheckpointPath);
    return { spec, eventSpec: espec, metrics, weights: await net.readWeights(), ...(best && { best }), ...(endWarning && { endWarning }), ...(stopped && { stopped }) };
  } finally {
    optimizer?.destroy();
    net.destroy();
  }
}
