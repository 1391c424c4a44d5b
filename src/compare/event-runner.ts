/**
 * The event comparison: surrogate BPTT on the discretised network against
 * EventProp on the continuous-time network, trained on the same spike-time data
 * under matched settings, written as the same report as `runComparison`
 * (./runner.ts) with `kind: 'event'` and EventProp as the reference.
 *
 * One continuous network (papers/003, Table 1; output 'readout', loss eq. 4:
 * cross entropy of softmax(max_t V_k)), one `EventTrainConfig`:
 * - 'eventprop' trains it with `trainEvents` (GPU EventProp gradients);
 * - 'bptt' trains its discretisation on the grid Δt0 with `trainDiscretized`
 *   (../train/discretized-trainer.ts): the same continuous initial weights
 *   (the discrete run starts from W̃ = c·W), the same data order and input spike
 *   times (each spike at t on step max(0, ⌈t/Δt0⌉ − 1)), the same optimizer
 *   and schedule applied to W = W̃/c (hyperparameters mapped to W̃), readout
 *   'max' + cross entropy (eq. 4 on the grid).
 *
 * Recorded per method:
 * - every epoch: training loss / accuracy, test loss / accuracy, training wall
 *   time (and cumulative), hidden spikes per test sample (the epoch's evaluation);
 * - at the initial weights and after every epoch, on a fixed probe batch (the
 *   first `probe.batch` test samples, clean encoding), with the weights the
 *   method reached (continuous, W):
 *     · vsExact: the method's gradient with respect to W (BPTT: dL/dW =
 *       c·dL/dW̃) against the GPU EventProp gradient at the same W, per tensor;
 *     · vsFiniteDiff: on the first `fd.batch` probe samples, against central
 *       finite differences of the float64 continuous loss (`eventForward` +
 *       `eventLoss`, batch mean) on a seeded choice of `fd.perTensor` entries
 *       per tensor among those where the float64 EventProp gradient is not
 *       zero, passing over entries where W ± h changes any neuron's spike count
 *       (a spike appears or vanishes: the loss jumps there); the float64
 *       EventProp gradient (`eventProp`) against the same differences checks them;
 *     · spikes per probe sample per hidden layer, of the method's own model;
 * - time per step (ms, minimum over repetitions on one training-size batch):
 *   input preparation on the host, forward, backward, optimizer (see MEANING_EVENT.timing);
 * - peak bytes of GPU buffers live at once during the training run, and what
 *   one gradient computation keeps (BPTT: MethodRun.stored(); EventProp: the
 *   buffers one `eventPropGradients` call of a training batch creates).
 *
 * Sweeps, on the probe batch at the final EventProp weights (or the first
 * method's): the BPTT gradient with each surrogate kind and slope (grid Δt0),
 * and with each grid step Δt (configured surrogate), against EventProp's.
 * Δt convergence (float64, CPU): the continuous network at the same weights on
 * the first probe samples against its discretisation at each Δt
 * (`eventNetworkConvergence`).
 */
import type { WebspikeDevice } from '../gpu/device.js';
import { shuffledOrder, batchIndices } from '../data/batches.js';
import { createNetwork } from '../layers/network.js';
import { eventLifForward } from '../layers/event-lif-forward.js';
import { bptt } from '../methods/bptt.js';
import { eventPropGradients } from '../methods/eventprop-gpu.js';
import { driveFactor } from '../model/discretize.js';
import type { NetworkSpec, NetworkWeights } from '../model/network.js';
import { createOptimizer } from '../optim/optimizer.js';
import { eventForward } from '../reference/event-lif.js';
import { type EventLifSpec, type InputSpike } from '../model/event-network.js';
import { eventLoss, eventProp } from '../reference/eventprop.js';
import { paramTensor, toFloat64Weights } from '../reference/lif-network.js';
import { type WeightsLike } from '../model/weights.js';
import { surrogateByName, type Surrogate } from '../surrogates.js';
import type { EventDataset } from '../train/event-data.js';
import { eventSpecFromConfig, gaussianEventWeights, networkSpecFromEvent, trainEvents, validateEventConfig, type EventEpochMetrics, type EventTrainConfig } from '../train/event-trainer.js';
import { discreteBatchInput, discreteOptimizer, discretizeNetwork, scaleWeights, trainDiscretized } from '../train/discretized-trainer.js';
import { eventNetworkConvergence, type ConvergenceSection } from './convergence.js';
import { gradientFidelity, selectEntries, type NamedGradient } from './metrics.js';
import { candidateEntries, entryRandom, epochRecorder, paramRef, parameterBytes, plusMinus, probeForwardBackward, probeSection, reportHead, SWEEP_SLOPES, SWEEP_SURROGATES, timeSubmission } from './common.js';
import { MEANING, trackAllocations, type CompareReport, type MethodResult, type ProbeRecord, type StepTiming, type SweepPoint } from './runner.js';
import { DEFAULT_METHOD, EVENT_METHOD, isEventMethod } from '../methods/registry.js';

/** the arms of the event comparison: the discretised network trained by surrogate BPTT, and EventProp on the continuous one */
export const EVENT_METHODS = [DEFAULT_METHOD, EVENT_METHOD] as const;
export type EventMethodName = (typeof EVENT_METHODS)[number];

export interface EventCompareOptions {
  /** default EVENT_METHODS */
  methods?: EventMethodName[];
  /** the continuous network and the training settings (output 'readout', feed-forward) */
  config: EventTrainConfig;
  data: { train: EventDataset; test: EventDataset };
  dataName?: string;
  /** how the data became spike times (shown in the report) */
  encoding?: Record<string, number | string>;
  /** grid step Δt0 of the discretised network (ms) */
  dtMs: number;
  /** surrogate of BPTT (default fast-sigmoid, slope 10) */
  surrogate?: { name: string; slope?: number };
  /** fixed probe batch: the first `batch` test samples (default 16) */
  probe?: { batch?: number };
  /** finite differences of the float64 continuous loss; false to skip (default batch 2, 6 entries per tensor, h 1e-4) */
  fd?: { batch?: number; perTensor?: number; h?: number } | false;
  /** sweeps of the BPTT gradient's cosine to EventProp; false to skip */
  sweep?: { surrogates?: string[]; slopes?: number[]; dts?: number[] } | false;
  /** Δt convergence of the discrete spikes (default Δt0·[2, 1, ½, ¼, ⅛, 1/16] on 4 probe samples); false to skip */
  convergence?: { dts?: number[]; samples?: number } | false;
  /** repetitions of the timed step (default 3; the minimum is kept) */
  timingReps?: number;
  log?: (line: string) => void;
}

export const MEANING_EVENT: Record<string, string> = {
  ...MEANING,
  vsExact: 'Cosine similarity and relative error ‖g − g_ref‖/‖g_ref‖ of the method\'s gradient with respect to the continuous weights W against the EventProp gradient (GPU, exact for the continuous network) at the same W, on the fixed probe batch. BPTT\'s gradient is that of its discretisation, mapped back: dL/dW = c·dL/dW̃. EventProp against itself (two separate GPU runs) scores 1 and 0.',
  vsFiniteDiff: 'Against central finite differences of the float64 continuous-time loss (event-by-event simulation, eq. 4, batch mean) on a seeded choice of entries per tensor where the float64 EventProp gradient is not zero, and a small batch; entries where W ± h changes a neuron\'s spike count (a spike appears or vanishes, the loss jumps) are passed over. The row "float64 EventProp" is the exact gradient of what the differences measure and should score ≈ 1: it validates the differences.',
  timing: 'Milliseconds per training step on one training-size batch (minimum over repetitions). input: host work before the GPU step (BPTT: spike times to the [T][B][N] grid input; EventProp: reading the weights back and collecting the spike lists, as trainEvents does). BPTT: queue wall time of a forward submission (forward), of forward + backward minus forward (backward), of an optimizer-only submission (optimizer); total uses the forward + backward + optimizer submission. EventProp forward: the hidden layers\' event forward pass (eventLifForward, spike read-back and sort included); backward: the rest of eventPropGradients (readout maxima, loss, adjoint kernels, batch sums, gradient read-back); optimizer: writing the gradient and the optimizer dispatch; total = input + forward + backward + optimizer.',
  memory: 'stored: BPTT: the bytes the method keeps for its backward pass (MethodRun.stored()); EventProp: the most bytes live at once during one eventPropGradients call on a training batch (spike records, per-sample gradient rows, jump terms, read-back staging; the buffer list sums each label over the call). peak allocated: most bytes of webspike\'s GPU buffers live at once during the method\'s training run (network, optimizer state, method buffers, evaluation); driver overhead not counted.',
  spikes: 'Mean hidden spikes per sample, per hidden layer: on the probe batch with the weights the method reached (each method\'s own model: spikes of the discretisation for BPTT, of the continuous network for EventProp), and per test sample in each epoch\'s evaluation.',
  sweep: 'BPTT\'s gradient (mapped to W) on the probe batch against EventProp\'s at the same continuous weights, with each surrogate kind and slope on the grid Δt0, and with each grid step Δt with the configured surrogate. Δt changes the discretisation (α, β, c, T = ⌊D/Δt⌋ + 1, input steps) but not the continuous network, the weights or the input spike times. As Δt → 0 the discrete spikes converge to the continuous ones (see Δt convergence), so the readout gradient (which depends only on the last hidden layer\'s spikes and the readout trace) approaches EventProp\'s; the hidden-layer gradients keep the surrogate\'s difference from the exact one (direction and size: see ‖g‖ / ‖g_ref‖).',
  convergence: 'The continuous network at the sweep\'s weights on the first probe samples, simulated exactly event by event (float64), against its discretisation at each Δt (weights × c(Δt), reset to zero, an input at t on step max(0, ⌈t/Δt⌉ − 1), a spike at step n at time n·Δt). Spikes are matched per neuron in time order: error = |t_discrete − t_continuous| of matched spikes (ms); missing / extra = spikes that vanish / appear on the grid; readout error = max |Uo[n] − V_o(n·Δt)|. A consistent first-order discretisation: the errors shrink in proportion to Δt and the mismatches go to 0. Where a trajectory grazes ϑ (crosses it with V̇ near 0) a finite grid may place the spike far from its continuous time or make it appear or vanish, so the maximum error can converge later than the mean. The Δt0 row is the network BPTT trains.',
  mapping: 'Continuous network (papers/003, Table 1): τ_mem·V̇ = −V + I, τ_syn·İ = −I, an input spike adds W to I, V reaching ϑ emits a spike and sets V to 0; non-spiking leaky readout, loss eq. 4 = cross entropy of softmax(max over t ∈ [0, D] of V_k). Its discretisation on the grid Δt (src/model/discretize.ts): α = e^{−Δt/τ_syn}, β = e^{−Δt/τ_mem}, ϑ unchanged, every weight W̃ = c·W with c = τ_syn·(α − β)/(τ_syn − τ_mem) (the free dynamics integrated exactly), reset to zero, T = ⌊D/Δt⌋ + 1 steps, an input spike at t on step max(0, ⌈t/Δt⌉ − 1) (it acts from the first grid time at or after t), readout reduced by max over n of Uo[n] ≈ V_o(n·Δt), softmax cross entropy. Gradients map back as dL/dW = c·dL/dW̃. The discrete run updates W̃ with the optimizer mapped so that W = W̃/c follows the configured optimizer exactly (Adam: lr·c, ε/c, weight decay/c; SGD: lr·c², weight decay/c²; clip norm/c).',
};

const f64 = (a: ArrayLike<number>) => Float64Array.from(a);

/** A gradient in the architecture's parameter order (hidden.l.w, hidden.l.v, readout.w). */
function namedGradient(spec: NetworkSpec, g: { hidden: { w: ArrayLike<number>; v?: ArrayLike<number> }[]; readout: ArrayLike<number> }): NamedGradient {
  const out: { name: string; data: Float64Array }[] = [];
  g.hidden.forEach((h, l) => {
    out.push({ name: `hidden.${l}.w`, data: f64(h.w) });
    if (spec.hidden[l].recurrent && h.v) out.push({ name: `hidden.${l}.v`, data: f64(h.v) });
  });
  out.push({ name: 'readout.w', data: f64(g.readout) });
  return out;
}

interface ProbeSet {
  indices: number[];
  spikes: InputSpike[][];
  labels: number[];
}

interface ProbeResult {
  loss: number;
  accuracy: number;
  grad: NamedGradient;
  spikesPerSample: number[];
}

function probeSet(ds: EventDataset, count: number): ProbeSet {
  const indices = Array.from({ length: Math.min(count, ds.count) }, (_, i) => i);
  return { indices, spikes: indices.map((i) => ds.spikes(i)), labels: indices.map((i) => ds.labels[i]) };
}

/** EventProp on the GPU at continuous weights `w`. */
async function eventProbe(device: GPUDevice, espec: EventLifSpec, spec: NetworkSpec, config: EventTrainConfig, w: WeightsLike, p: ProbeSet): Promise<ProbeResult> {
  const res = await eventPropGradients(device, espec, w, p.spikes, p.labels, { gridStepMs: config.gridStepMs, capacity: config.capacity, onOverflow: 'grow', minSlope: config.minSlope });
  let correct = 0;
  p.labels.forEach((y, b) => (correct += res.predicted[b] === y ? 1 : 0));
  const B = p.labels.length;
  return {
    loss: res.loss, accuracy: correct / B, grad: namedGradient(spec, res.gradients),
    spikesPerSample: espec.hidden.map((_, l) => res.layers[l].reduce((a, s) => a + s.length, 0) / B),
  };
}

/** Surrogate BPTT of the discretisation on the grid `dtMs` at continuous weights `w`; the gradient mapped to W (× c). */
async function discreteProbe(device: GPUDevice, espec: EventLifSpec, spec: NetworkSpec, w: NetworkWeights, dtMs: number, surrogate: Surrogate, ds: EventDataset, p: ProbeSet): Promise<ProbeResult & { steps: number }> {
  const { model, weights } = discretizeNetwork(espec, w, dtMs, surrogate);
  const B = p.indices.length;
  const net = createNetwork(device, model.spec, weights);
  const run = bptt().bind(net, { batch: B, steps: model.steps });
  try {
    device.queue.writeBuffer(run.input, 0, discreteBatchInput(ds, p.indices, undefined, B, dtMs, model.steps, espec.durationMs));
    device.queue.writeBuffer(run.labels, 0, Uint32Array.from(p.labels));
    const r = await probeForwardBackward(device, run, B, espec.hidden.length, 'compare/event-probe');
    return { ...r, grad: namedGradient(spec, scaleWeights(await net.readGradients(), model.drive)), steps: model.steps };
  } finally {
    run.destroy();
    net.destroy();
  }
}

/**
 * Central finite differences of the float64 continuous loss (batch mean of
 * eq. 4 over `p`) at a seeded choice of `perTensor` entries per tensor among
 * those where the float64 EventProp gradient is not zero, skipping entries
 * where W ± h changes any neuron's spike count; and the float64 EventProp
 * gradient at the chosen entries against them.
 */
export function eventFiniteDifferences(espec: EventLifSpec, spec: NetworkSpec, weights: WeightsLike, p: ProbeSet, perTensor: number, h: number) {
  const w64 = toFloat64Weights(weights);
  const B = p.labels.length;
  const evaluate = () => {
    let loss = 0;
    const pattern: string[] = [];
    for (let b = 0; b < B; b++) {
      const fwd = eventForward(espec, w64, p.spikes[b]);
      loss += eventLoss(espec, fwd, { kind: 'max-voltage', label: p.labels[b] }).loss / B;
      const counts = new Map<string, number>();
      for (const s of fwd.spikes) {
        if (s.time > espec.durationMs) continue;
        const key = `${s.layer}:${s.neuron}`;
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      pattern.push([...counts.entries()].sort().map(([k, n]) => `${k}=${n}`).join(','));
    }
    return { loss, pattern: pattern.join('|') };
  };
  const zero = { hidden: w64.hidden.map((l) => (l.v ? { w: new Float64Array(l.w.length), v: new Float64Array(l.v.length) } : { w: new Float64Array(l.w.length) })), readout: new Float64Array(w64.readout.length) };
  for (let b = 0; b < B; b++) {
    const g = eventProp(espec, w64, p.spikes[b], { kind: 'max-voltage', label: p.labels[b] }).grads;
    g.hidden.forEach((l, i) => {
      l.w.forEach((x, k) => (zero.hidden[i].w[k] += x / B));
      l.v?.forEach((x, k) => (zero.hidden[i].v![k] += x / B));
    });
    g.readout.forEach((x, k) => (zero.readout[k] += x / B));
  }
  const reference = namedGradient(spec, zero);
  const base = evaluate().pattern;
  const rand = entryRandom();
  const indices = new Map<string, number[]>();
  const fd: { name: string; data: Float64Array }[] = [];
  let skipped = 0;
  for (const t of reference) {
    const pool = candidateEntries(t.data);
    const tensor = paramTensor(w64, paramRef(t.name));
    const chosen: { k: number; value: number }[] = [];
    for (let i = 0; i < pool.length && chosen.length < perTensor && i < 6 * perTensor; i++) {
      const r = i + rand(pool.length - i);
      [pool[i], pool[r]] = [pool[r], pool[i]];
      const k = pool[i];
      const [plus, minus] = plusMinus(tensor, k, h, evaluate);
      if (plus.pattern !== base || minus.pattern !== base) {
        skipped++;
        continue;
      }
      chosen.push({ k, value: (plus.loss - minus.loss) / (2 * h) });
    }
    chosen.sort((a, b) => a.k - b.k);
    indices.set(t.name, chosen.map((c) => c.k));
    fd.push({ name: t.name, data: Float64Array.from(chosen, (c) => c.value) });
  }
  return { indices, fd, skipped, referenceVsFd: gradientFidelity(selectEntries(reference, indices), fd) };
}

const minOf = (xs: number[]) => Math.min(...xs);

/** Time per step of EventProp on the first training batch of epoch 0 (see MEANING_EVENT.timing). */
async function eventTiming(gpu: WebspikeDevice, espec: EventLifSpec, spec: NetworkSpec, config: EventTrainConfig, w0: NetworkWeights, ds: EventDataset, reps: number): Promise<StepTiming> {
  const { device } = gpu;
  const idx = Array.from(batchIndices(shuffledOrder(ds.count, config.seed, 0), config.batchSize, false)[0]);
  const net = createNetwork(device, spec, w0);
  const opt = createOptimizer(net, config.optimizer, { maxGradNorm: config.maxGradNorm });
  const fwdOptions = { gridStepMs: config.gridStepMs, capacity: config.capacity, onOverflow: 'grow' as const };
  try {
    const input = { ms: [] as number[] };
    const fwd: number[] = [];
    const full: number[] = [];
    const upd: number[] = [];
    for (let r = 0; r <= reps; r++) {
      let t0 = performance.now();
      const weights = await net.readWeights();
      const spikes = idx.map((i) => ds.spikes(i, 0));
      const labels = idx.map((i) => ds.labels[i]);
      const tIn = performance.now() - t0;
      t0 = performance.now();
      await eventLifForward(device, espec, weights, spikes, fwdOptions);
      const tF = performance.now() - t0;
      t0 = performance.now();
      const res = await eventPropGradients(device, espec, weights, spikes, labels, { ...fwdOptions, minSlope: config.minSlope });
      const tFB = performance.now() - t0;
      await device.queue.onSubmittedWorkDone();
      t0 = performance.now();
      net.writeGradients(res.gradients);
      const enc = device.createCommandEncoder({ label: 'compare/event-timing' });
      opt.encode(enc);
      device.queue.submit([enc.finish()]);
      await device.queue.onSubmittedWorkDone();
      const tO = performance.now() - t0;
      if (r === 0) continue; // warm-up: pipelines, first-use costs
      input.ms.push(tIn);
      fwd.push(tF);
      full.push(tFB);
      upd.push(tO);
    }
    const f = minOf(fwd);
    const fb = minOf(full);
    const o = minOf(upd);
    const i = minOf(input.ms);
    return { source: 'queue', encodeMs: i, forwardMs: f, backwardMs: fb - f, optimizerMs: o, totalMs: i + fb + o, samples: reps };
  } finally {
    opt.destroy();
    net.destroy();
  }
}

/** Time per step of BPTT on the discretisation, first training batch of epoch 0 (see MEANING_EVENT.timing). */
async function discreteTiming(gpu: WebspikeDevice, espec: EventLifSpec, config: EventTrainConfig, w0: NetworkWeights, dtMs: number, surrogate: Surrogate, ds: EventDataset, reps: number): Promise<{ timing: StepTiming; stored: { name: string; bytes: number }[] }> {
  const { device } = gpu;
  const { model, weights } = discretizeNetwork(espec, w0, dtMs, surrogate);
  const B = config.batchSize;
  const idx = batchIndices(shuffledOrder(ds.count, config.seed, 0), B, false)[0];
  const net = createNetwork(device, model.spec, weights);
  const run = bptt().bind(net, { batch: B, steps: model.steps });
  const o = discreteOptimizer(config.optimizer, model.drive, config.maxGradNorm);
  const opt = createOptimizer(net, o.spec, { maxGradNorm: o.maxGradNorm });
  try {
    const inputMs: number[] = [];
    let input = new Float32Array(0);
    for (let r = 0; r < Math.max(1, reps); r++) {
      const t0 = performance.now();
      input = discreteBatchInput(ds, idx, 0, B, dtMs, model.steps, espec.durationMs);
      inputMs.push(performance.now() - t0);
    }
    device.queue.writeBuffer(run.input, 0, input);
    const labels = new Uint32Array(B);
    idx.forEach((s, b) => (labels[b] = ds.labels[s]));
    device.queue.writeBuffer(run.labels, 0, labels);
    run.setValid(idx.length);
    // 0: forward, 1: forward + backward, 2: forward + backward + optimizer, 3: optimizer alone
    const time = (stage: 0 | 1 | 2 | 3) => timeSubmission(device, 'compare/event-timing', (enc) => {
      if (stage < 3) run.encodeForward(enc);
      if (stage === 1 || stage === 2) run.encodeBackward(enc);
      if (stage >= 2) opt.encode(enc);
    });
    await time(2); // warm-up
    const best = [Infinity, Infinity, Infinity, Infinity];
    for (let r = 0; r < reps; r++) for (const stage of [0, 1, 2, 3] as const) best[stage] = Math.min(best[stage], await time(stage));
    const i = minOf(inputMs);
    return {
      timing: { source: 'queue', encodeMs: i, forwardMs: best[0], backwardMs: best[1] - best[0], optimizerMs: best[3], totalMs: i + best[2], samples: reps },
      stored: run.stored().buffers.map((b) => ({ ...b })),
    };
  } finally {
    opt.destroy();
    run.destroy();
    net.destroy();
  }
}

const DESCRIPTION: Record<EventMethodName, string> = {
  bptt: 'surrogate-gradient BPTT on the discretised network (grid Δt0), gradient mapped to the continuous weights',
  eventprop: 'EventProp: exact gradient of the continuous-time network (GPU adjoint, papers/003 Algorithm 1)',
};

export async function runEventComparison(gpu: WebspikeDevice, o: EventCompareOptions): Promise<CompareReport> {
  const { device } = gpu;
  const { config, data } = o;
  const log = o.log ?? (() => {});
  validateEventConfig(config);
  const names = o.methods ?? [...EVENT_METHODS];
  if (names.length === 0) throw new Error('compare: no methods selected');
  for (const n of names) if (!(EVENT_METHODS as readonly string[]).includes(n)) throw new Error(`compare (event data): unknown method '${n}' (available: ${EVENT_METHODS.join(', ')})`);
  if (config.output !== 'readout') throw new Error("compare (event data): the comparison uses the readout's max-over-time voltage loss (eq. 4); set output 'readout'");
  if (config.recurrent) throw new Error('compare (event data): feed-forward hidden layers only (a discrete recurrent layer would also train self-connections, which the continuous model lacks)');
  if (!(Number.isFinite(o.dtMs) && o.dtMs > 0)) throw new RangeError(`compare: Δt must be a positive number of ms, got ${o.dtMs}`);
  const espec = eventSpecFromConfig(config, data.train.inputs, Math.max(data.train.classes, data.test.classes));
  const surrogate = surrogateByName(o.surrogate?.name ?? 'fast-sigmoid', o.surrogate?.slope ?? 10);
  const spec: NetworkSpec = { ...networkSpecFromEvent(espec, o.dtMs), surrogate };
  const initial = gaussianEventWeights(networkSpecFromEvent(espec, config.gridStepMs), config.init, config.seed);
  const c0 = driveFactor(o.dtMs, espec.tauMemMs, espec.tauSynMs);
  const T0 = Math.floor(espec.durationMs / o.dtMs + 1e-9) + 1;
  const probe = probeSet(data.test, o.probe?.batch ?? 16);
  const fd = o.fd === false ? undefined : { batch: Math.min(o.fd?.batch ?? 2, probe.indices.length), perTensor: o.fd?.perTensor ?? 6, h: o.fd?.h ?? 1e-4 };
  const fdProbe = fd ? probeSet(data.test, fd.batch) : undefined;

  const ownProbe = (m: EventMethodName, w: NetworkWeights, p: ProbeSet) =>
    isEventMethod(m) ? eventProbe(device, espec, spec, config, w, p) : discreteProbe(device, espec, spec, w, o.dtMs, surrogate, data.test, p);
  const probeAt = async (m: EventMethodName, epoch: number, w: NetworkWeights): Promise<ProbeRecord> => {
    const ref = await eventProbe(device, espec, spec, config, w, probe);
    const own = await ownProbe(m, w, probe);
    const rec: ProbeRecord = { epoch, loss: own.loss, vsExact: gradientFidelity(own.grad, ref.grad), spikesPerSample: own.spikesPerSample };
    if (fd && fdProbe) {
      const f = eventFiniteDifferences(espec, spec, w, fdProbe, fd.perTensor, fd.h);
      const g = await ownProbe(m, w, fdProbe);
      rec.vsFiniteDiff = gradientFidelity(selectEntries(g.grad, f.indices), f.fd);
      rec.referenceVsFiniteDiff = f.referenceVsFd;
      rec.fdSkipped = f.skipped;
    }
    return rec;
  };

  const results: MethodResult[] = [];
  const finals = new Map<EventMethodName, NetworkWeights>();
  const reps = o.timingReps ?? 3;
  for (const name of names) {
    log(`compare: ${name} — ${DESCRIPTION[name]}`);
    const probes: ProbeRecord[] = [await probeAt(name, 0, initial)];
    const epochs: MethodResult['epochs'] = [];
    const recordEpoch = epochRecorder(epochs, log);
    const onEpoch = (untracked: <U>(f: () => Promise<U>) => Promise<U>) => async (m: EventEpochMetrics, st: { weights: () => Promise<NetworkWeights> }) => {
      recordEpoch(m);
      probes.push(await untracked(async () => probeAt(name, m.epoch, await st.weights())));
    };
    let timing: StepTiming;
    let stored: { name: string; bytes: number }[];
    let storedBytes: number;
    let final: NetworkWeights;
    let peak: number;
    if (isEventMethod(name)) {
      const { result, peakBytes } = await trackAllocations(device, (untracked) => trainEvents(gpu, data, config, { progressEvery: 1_000_000, onEpoch: onEpoch(untracked) }));
      final = result.weights;
      peak = peakBytes;
      timing = await eventTiming(gpu, espec, networkSpecFromEvent(espec, config.gridStepMs), config, initial, data.train, reps);
      const batch = probeSet(data.train, config.batchSize);
      const rec = await trackAllocations(device, () => eventPropGradients(device, espec, initial, batch.spikes, batch.labels, { gridStepMs: config.gridStepMs, capacity: config.capacity, onOverflow: 'grow' }));
      stored = rec.buffers;
      storedBytes = rec.peakBytes;
    } else {
      const { result, peakBytes } = await trackAllocations(device, (untracked) => trainDiscretized(gpu, data, config, { dtMs: o.dtMs, surrogate, initial, onEpoch: onEpoch(untracked) }));
      final = result.weights;
      peak = peakBytes;
      ({ timing, stored } = await discreteTiming(gpu, espec, config, initial, o.dtMs, surrogate, data.train, reps));
      storedBytes = stored.reduce((s, b) => s + b.bytes, 0);
    }
    finals.set(name, final);
    results.push({
      label: name, name, description: DESCRIPTION[name], exact: isEventMethod(name), options: { name }, epochs, probes, timing: [timing],
      memory: { storedBytes, storedBuffers: stored, peakAllocatedBytes: peak, parameterBytes: parameterBytes(spec) },
    });
  }

  const sweepFrom: EventMethodName = finals.has(EVENT_METHOD) ? EVENT_METHOD : names[0];
  const sweepWeights = finals.get(sweepFrom)!;
  let sweep: CompareReport['sweep'];
  if (o.sweep !== false) {
    const sw = o.sweep ?? {};
    log('compare: sweeps of the BPTT gradient against EventProp');
    const base = await eventProbe(device, espec, spec, config, sweepWeights, probe);
    const point = async (s: Surrogate, dt: number): Promise<SweepPoint> => {
      const r = await discreteProbe(device, espec, spec, sweepWeights, dt, s, data.test, probe);
      return { surrogate: s.name, slope: s.slope, dtMs: dt, steps: r.steps, loss: r.loss, accuracy: r.accuracy, spikesPerSample: r.spikesPerSample, vsDefault: gradientFidelity(r.grad, base.grad) };
    };
    const surrogates: SweepPoint[] = [];
    for (const n of sw.surrogates ?? SWEEP_SURROGATES) {
      for (const slope of sw.slopes ?? SWEEP_SLOPES) surrogates.push(await point(surrogateByName(n, slope), o.dtMs));
    }
    const dts: SweepPoint[] = [];
    for (const dt of sw.dts ?? [2, 1, 0.5, 0.25, 0.125].map((f) => f * o.dtMs)) dts.push(await point(surrogate, dt));
    sweep = { weightsFrom: `${sweepFrom} (final)`, surrogates, dts, reference: { name: EVENT_METHOD, loss: base.loss, accuracy: base.accuracy, spikesPerSample: base.spikesPerSample } };
  }

  let conv: ConvergenceSection | undefined;
  if (o.convergence !== false) {
    const cv = o.convergence ?? {};
    log('compare: Δt convergence (float64, CPU)');
    conv = eventNetworkConvergence(espec, sweepWeights, probe.spikes, o.dtMs, { dtsMs: cv.dts, samples: cv.samples ?? 4, weightsFrom: `${sweepFrom} (final)` });
  }

  const dopt = discreteOptimizer(config.optimizer, c0, config.maxGradNorm);
  return {
    ...reportHead(gpu, 'event', 'EventProp'),
    data: { name: o.dataName ?? data.train.name, train: data.train.count, test: data.test.count, inputs: data.train.inputs, classes: espec.outputs },
    network: { sizes: [espec.inputs, ...config.hidden, espec.outputs], recurrent: false, steps: T0, surrogate: surrogate.name, slope: surrogate.slope, dtMs: o.dtMs },
    config,
    probe: probeSection(probe.indices.length, 0, fd),
    event: {
      tauMemMs: espec.tauMemMs, tauSynMs: espec.tauSynMs, threshold: espec.threshold, durationMs: espec.durationMs, scanGridMs: config.gridStepMs,
      dtMs: o.dtMs, drive: c0, steps: T0, mapping: MEANING_EVENT.mapping,
      discreteOptimizer: dopt, encoding: o.encoding ?? {}, init: { ...config.init, seed: config.seed },
    },
    meaning: MEANING_EVENT,
    methods: results,
    sweep,
    ...(conv && { convergence: conv }),
  };
}
