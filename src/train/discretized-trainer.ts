/**
 * Surrogate-gradient training of the discretisation of a continuous-time LIF
 * network (`src/model/discretize.ts`) on spike-time data (`EventDataset`), set
 * up as the same optimisation problem that `trainEvents` (./event-trainer.ts)
 * solves with EventProp, so the two can be compared step for step:
 *
 * - Model: the continuous network of an `EventTrainConfig` (output 'readout',
 *   the max-over-time voltage loss of eq. 4 of papers/003) discretised on a grid
 *   Δt: α = e^{−Δt/τ_syn}, β = e^{−Δt/τ_mem}, reset to zero, T = ⌊D/Δt⌋ + 1
 *   steps, every weight W̃ = c·W with c = driveFactor(Δt, τ_mem, τ_syn), discrete
 *   readout reduced by 'max' with softmax cross entropy (eq. 4 on the grid).
 * - Data: the same samples in the same order (`shuffledOrder(count, seed,
 *   epoch)`, batches of `batchSize`, the last one short), the same input spike
 *   times (training-time dropout drawn per epoch by the data set as for
 *   EventProp), each spike at t put on step max(0, ⌈t/Δt⌉ − 1) batch by batch
 *   (`discreteBatchInput`), so no raster of the whole set is stored.
 * - Parameters: the optimizer updates W̃ = c·W on the GPU with hyperparameters
 *   mapped so that the update of W = W̃/c is the one the configured optimizer
 *   would make on W with the gradient dL/dW = c·dL/dW̃ (`discreteOptimizer`):
 *     Adam (decoupled weight decay): lr·c, ε/c, weight decay /c;
 *     SGD (L2 weight decay, momentum):  lr·c², weight decay /c²;
 *     global-norm clipping: max norm /c (‖dL/dW̃‖ = ‖dL/dW‖/c).
 *   The learning-rate schedule (constant, cosine per step, exponential per
 *   epoch) is the one of `trainEvents`. Weights handed out (`onEpoch`, result)
 *   are the continuous ones, W̃/c.
 *
 * Feed-forward hidden layers only: a recurrent discrete layer would also train
 * self-connections, which the continuous model does not have.
 */
import { readF32 } from '../gpu/buffers.js';
import type { WebspikeDevice } from '../gpu/device.js';
import { batchIndices, shuffledOrder } from '../data/batches.js';
import { createNetwork } from '../layers/network.js';
import { bptt } from '../methods/bptt.js';
import type { GradientMethod, MethodRun } from '../methods/method.js';
import { discretize, driveFactor, inputStep, type DiscreteModel } from '../model/discretize.js';
import type { NetworkWeights } from '../model/network.js';
import { createOptimizer, type OptimizerSpec } from '../optim/optimizer.js';
import type { EventLifSpec } from '../model/event-network.js';
import { surrogateByName, type Surrogate } from '../surrogates.js';
import type { EventDataset } from './event-data.js';
import { eventSpecFromConfig, gaussianEventWeights, networkSpecFromEvent, validateEventConfig, type EventEpochMetrics, type EventTrainConfig } from './event-trainer.js';
import { scheduledLearningRate } from './lr-schedule.js';
import { NonFiniteGradientError } from './trainer.js';

export interface DiscretizedTrainOptions {
  /** grid step Δt of the discrete network (ms) */
  dtMs: number;
  /** surrogate of the backward pass (default fast-sigmoid, slope 10) */
  surrogate?: Surrogate;
  /** discrete gradient method (default surrogate BPTT) */
  method?: GradientMethod;
  /** continuous initial weights (default gaussianEventWeights(config.init, config.seed), as trainEvents) */
  initial?: NetworkWeights;
  /** after every epoch; `state.weights()` reads the continuous weights reached (W̃/c) */
  onEpoch?: (m: EventEpochMetrics, state: { weights: () => Promise<NetworkWeights> }) => void | Promise<void>;
  signal?: AbortSignal;
}

export interface DiscretizedTrainResult {
  model: DiscreteModel;
  eventSpec: EventLifSpec;
  metrics: EventEpochMetrics[];
  /** continuous weights W̃/c */
  weights: NetworkWeights;
  stopped?: boolean;
}

/** The discretisation of `espec` with continuous weights `w` on the grid Δt (readout reduced by 'max'). */
export function discretizeNetwork(espec: EventLifSpec, w: NetworkWeights, dtMs: number, surrogate: Surrogate): { model: DiscreteModel; weights: NetworkWeights } {
  if (espec.output !== 'readout') throw new RangeError("the discretised network needs output 'readout' (the max-over-time voltage loss, eq. 4)");
  if (espec.hidden.some((h) => h.recurrent)) throw new RangeError('the discretised comparison supports feed-forward hidden layers only (a discrete recurrent layer would also train self-connections, which the continuous model lacks)');
  const model = discretize(espec, w, dtMs, { surrogate, readoutReduce: 'max' });
  const f32 = (a: ArrayLike<number>) => Float32Array.from(a);
  return { model, weights: { hidden: model.weights.hidden.map((h) => ({ w: f32(h.w) })), readout: f32(model.weights.readout) } };
}

/** Scale every weight (and gradient) tensor by `k`. */
export function scaleWeights(w: NetworkWeights, k: number): NetworkWeights {
  const s = (a: Float32Array) => Float32Array.from(a, (x) => x * k);
  return { hidden: w.hidden.map((h) => (h.v ? { w: s(h.w), v: s(h.v) } : { w: s(h.w) })), readout: s(w.readout) };
}

/**
 * The optimizer on W̃ = c·W whose updates are those of `spec` on W (module
 * comment): its spec, the factor `lrScale` every learning rate of the schedule
 * is multiplied by, and the clipping norm.
 */
export function discreteOptimizer(spec: OptimizerSpec, c: number, maxGradNorm: number): { spec: OptimizerSpec; lrScale: number; maxGradNorm: number } {
  if (!(c > 0 && Number.isFinite(c))) throw new RangeError(`drive factor must be positive, got ${c}`);
  if (spec.kind === 'adam') {
    return { spec: { ...spec, lr: spec.lr * c, eps: spec.eps / c, weightDecay: spec.weightDecay / c }, lrScale: c, maxGradNorm: maxGradNorm / c };
  }
  return { spec: { ...spec, lr: spec.lr * c * c, weightDecay: spec.weightDecay / (c * c) }, lrScale: c * c, maxGradNorm: maxGradNorm / c };
}

/**
 * Input spikes of samples `indices` as the discrete input [steps][batch][inputs]
 * (spike counts): a spike at t ≤ D goes to step max(0, ⌈t/Δt⌉ − 1); rows of
 * padding samples stay zero. `epoch` selects the data set's training-time noise
 * (undefined: the clean encoding).
 */
export function discreteBatchInput(ds: EventDataset, indices: ArrayLike<number>, epoch: number | undefined, batch: number, dtMs: number, steps: number, durationMs: number): Float32Array<ArrayBuffer> {
  if (indices.length > batch) throw new RangeError(`${indices.length} samples do not fit a batch of ${batch}`);
  const N = ds.inputs;
  const out = new Float32Array(steps * batch * N);
  for (let b = 0; b < indices.length; b++) {
    for (const sp of ds.spikes(indices[b], epoch)) {
      if (!(sp.time <= durationMs)) continue;
      const n = inputStep(sp.time, dtMs);
      if (n < steps) out[(n * batch + b) * N + sp.neuron] += 1;
    }
  }
  return out;
}

function upload(device: GPUDevice, run: MethodRun, ds: EventDataset, indices: ArrayLike<number>, epoch: number | undefined, model: DiscreteModel): void {
  const B = run.shape.batch;
  device.queue.writeBuffer(run.input, 0, discreteBatchInput(ds, indices, epoch, B, model.dtMs, model.steps, model.source.durationMs));
  const labels = new Uint32Array(B);
  for (let b = 0; b < indices.length; b++) labels[b] = ds.labels[indices[b]];
  device.queue.writeBuffer(run.labels, 0, labels);
  run.setValid(indices.length);
}

/**
 * Loss, accuracy and hidden spikes per sample of the network bound to `run` on
 * `ds` (clean encoding; forward passes only; overwrites run.metrics). Spikes
 * are read from the run's `hidden.<l>.spikes` observables.
 */
export async function evaluateDiscretized(device: GPUDevice, run: MethodRun, model: DiscreteModel, ds: EventDataset): Promise<{ loss: number; accuracy: number; spikesPerSample: number[] }> {
  const order = Uint32Array.from({ length: ds.count }, (_, i) => i);
  const spikes = model.spec.hidden.map(() => 0);
  const B = run.shape.batch;
  for (const [k, idx] of batchIndices(order, B, false).entries()) {
    upload(device, run, ds, idx, undefined, model);
    const enc = device.createCommandEncoder({ label: 'discretized/eval-step' });
    if (k === 0) enc.clearBuffer(run.metrics);
    run.encodeForward(enc);
    device.queue.submit([enc.finish()]);
    for (let l = 0; l < spikes.length; l++) {
      const o = run.observables.get(`hidden.${l}.spikes`);
      if (!o) continue;
      const N = model.spec.hidden[l].size;
      const s = await readF32(device, o.buffer, model.steps * B * N);
      // [T][B][N]: only the rows of real samples count
      for (let n = 0; n < model.steps; n++) {
        const row = n * B * N;
        for (let i = 0; i < idx.length * N; i++) spikes[l] += s[row + i];
      }
    }
  }
  const m = await readF32(device, run.metrics, 4);
  return { loss: m[0] / Math.max(1, m[2]), accuracy: m[1] / Math.max(1, m[2]), spikesPerSample: spikes.map((n) => n / ds.count) };
}

/**
 * Train the discretisation (grid `options.dtMs`) of `config`'s continuous
 * network with a discrete method. Per epoch: the loss and accuracy of the
 * training batches as they were trained, the test set's (clean encoding), and
 * hidden spikes per test sample (`testSpikesPerSample`; training-time spikes are
 * not read back, so `spikesPerSample` is empty).
 */
export async function trainDiscretized(
  gpu: WebspikeDevice, data: { train: EventDataset; test: EventDataset }, config: EventTrainConfig, options: DiscretizedTrainOptions,
): Promise<DiscretizedTrainResult> {
  validateEventConfig(config);
  if (data.train.inputs !== data.test.inputs) throw new Error(`train samples have ${data.train.inputs} inputs but test samples have ${data.test.inputs}`);
  if (data.train.count === 0 || data.test.count === 0) throw new Error('empty train or test set');
  const { device } = gpu;
  const espec = eventSpecFromConfig(config, data.train.inputs, Math.max(data.train.classes, data.test.classes));
  const initial = options.initial ?? gaussianEventWeights(networkSpecFromEvent(espec, config.gridStepMs), config.init, config.seed);
  const surrogate = options.surrogate ?? surrogateByName('fast-sigmoid', 10);
  const { model, weights } = discretizeNetwork(espec, initial, options.dtMs, surrogate);
  const c = driveFactor(options.dtMs, espec.tauMemMs, espec.tauSynMs);
  const opt = discreteOptimizer(config.optimizer, c, config.maxGradNorm);
  const B = config.batchSize;
  const net = createNetwork(device, model.spec, weights);
  const run = (options.method ?? bptt()).bind(net, { batch: B, steps: model.steps });
  const optimizer = createOptimizer(net, opt.spec, { maxGradNorm: opt.maxGradNorm });
  const continuous = async () => scaleWeights(await net.readWeights(), 1 / c);
  try {
    const metrics: EventEpochMetrics[] = [];
    const baseLr = config.optimizer.lr;
    let stopped = false;
    for (let epoch = 0; epoch < config.epochs && !stopped; epoch++) {
      const batches = batchIndices(shuffledOrder(data.train.count, config.seed, epoch), B, false);
      const started = performance.now();
      let lr = baseLr;
      let seen = 0;
      for (let k = 0; k < batches.length; k++) {
        if (options.signal?.aborted) {
          stopped = true;
          break;
        }
        lr = scheduledLearningRate(baseLr, config.schedule, { epoch, batch: k, batchesPerEpoch: batches.length, epochs: config.epochs, decay: config.lrDecay });
        optimizer.setLearningRate(lr * opt.lrScale);
        upload(device, run, data.train, batches[k], epoch, model);
        const enc = device.createCommandEncoder({ label: 'discretized/train-step' });
        if (k === 0) enc.clearBuffer(run.metrics);
        if (run.online) {
          for (let ch = 0; ch < run.online.chunks; ch++) {
            run.online.encodeChunk(enc, ch);
            optimizer.encode(enc);
          }
        } else {
          run.encodeForward(enc);
          run.encodeBackward(enc);
          optimizer.encode(enc);
        }
        device.queue.submit([enc.finish()]);
        seen += batches[k].length;
      }
      if (stopped) break;
      const tr = await readF32(device, run.metrics, 4);
      const st = await optimizer.status();
      const seconds = (performance.now() - started) / 1000;
      if (st.firstBadCall !== null) {
        const inRun = st.firstBadCall - 1;
        throw new NonFiniteGradientError(st.firstBadCall, Math.floor(inRun / batches.length) + 1, (inRun % batches.length) + 1);
      }
      const evalStart = performance.now();
      const te = await evaluateDiscretized(device, run, model, data.test);
      const em: EventEpochMetrics = {
        epoch: epoch + 1, loss: tr[0] / Math.max(1, tr[2]), trainAccuracy: tr[1] / Math.max(1, tr[2]), testLoss: te.loss, testAccuracy: te.accuracy,
        seconds, evalSeconds: (performance.now() - evalStart) / 1000, samplesPerSecond: seen / seconds, skippedSteps: st.skipped,
        spikesPerSample: [], testSpikesPerSample: te.spikesPerSample, clipped: 0, lr,
      };
      metrics.push(em);
      await options.onEpoch?.(em, { weights: continuous });
    }
    return { model, eventSpec: espec, metrics, weights: await continuous(), ...(stopped && { stopped }) };
  } finally {
    optimizer.destroy();
    run.destroy();
    net.destroy();
  }
}
