/**
 * `compare`: train one network on one data set with several gradient methods
 * under matched settings and record, per method, what the report shows.
 *
 * Matched settings: every method trains through `train()` with the same
 * TrainConfig (same seed: same initial weights, same data order and Poisson
 * draws; same optimizer, schedule and clipping). Per method it records:
 * - every epoch's loss / accuracy (train and test) and cumulative training wall time;
 * - at initialization and after every epoch, on a fixed probe batch (the first
 *   `probe.batch` test samples, encoded once with a fixed seed), with the
 *   weights that method reached:
 *     · vsExact: the method's gradient against exact surrogate BPTT (the GPU
 *       `bptt` method, which equals the float64 reference BPTT) at the same weights;
 *     · vsFiniteDiff: on the first `fd.batch` probe samples, the method's gradient
 *       against central finite differences of the float64 reference network with
 *       the smooth spike S = F(U − ϑ) (F = the surrogate's primitive), on a seeded
 *       choice of `fd.perTensor` entries per tensor where the smooth model's
 *       gradient is not zero; the float64 smooth-model BPTT
 *       is compared to the same differences as a check of the differences;
 *     · spikes per sample per hidden layer (forward pass of the probe batch);
 * - time per training step split into encode / forward / backward / optimizer:
 *   GPU timestamps of profiled training steps where the device has
 *   'timestamp-query', and always the queue wall time of forward, forward +
 *   backward and forward + backward + optimizer submissions of one training-size
 *   batch (differences give the split);
 * - memory: what the method stores for its backward pass (MethodRun.stored())
 *   and the peak bytes of GPU buffers live at once during its training run
 *   (every buffer webspike creates: network, method, optimizer, data, encoders).
 *
 * Sensitivity sweeps (exact surrogate BPTT on the probe batch, at the final
 * weights of the first method): the gradient with each surrogate kind and slope,
 * and with each grid step Δt, against the gradient with the configured surrogate
 * and Δt. Δt changes the model (α, β) and the grid: the run covers the same
 * duration (T·Δt0/Δt steps) and Poisson rates scale with Δt/Δt0 (same expected
 * spikes per ms), so a different Δt also draws different input spikes.
 *
 * Δt convergence (option `convergence`, off by default; CPU, float64): the
 * continuous-time twin of the network at the first method's final weights
 * (src/model/discretize.ts) on the first probe samples, simulated event by event
 * and discretised at Δt0, Δt0/2, …; per Δt the spike-time error of matched
 * spikes and the spikes that appear or vanish (./convergence.ts).
 *
 * A method whose `inputKind` is 'spike-times' is rejected here; surrogate BPTT
 * against EventProp on spike-time data (the continuous-time network and its
 * discretisation) is `runEventComparison` (./event-runner.ts), which writes the
 * same report with `kind: 'event'`.
 */
import { trackAllocations } from '../gpu/allocations.js';
import type { WebspikeDevice } from '../gpu/device.js';
import { encodeCpu } from '../encode/encoders.js';
import type { DatasetSplits, ImageDataset } from '../data/dataset.js';
import { createNetwork } from '../layers/network.js';
import { bptt } from '../methods/bptt.js';
import { methodByName } from '../methods/registry.js';
import type { GradientMethod } from '../methods/method.js';
import { initWeights, parameterShapes, weightList, type NetworkSpec, type NetworkWeights } from '../model/network.js';
import { createOptimizer } from '../optim/optimizer.js';
import { paramTensor, referenceBackward, referenceForward, referenceLoss, toFloat64Weights } from '../reference/lif-network.js';
import { surrogateByName } from '../surrogates.js';
import { specFromConfig, train, type EpochMetrics, type TrainConfig } from '../train/trainer.js';
import type { EventTrainConfig } from '../train/event-trainer.js';
import { gradientFidelity, selectEntries, type Fidelity, type NamedGradient } from './metrics.js';
import { networkConvergence, type ConvergenceSection } from './convergence.js';
import { candidateEntries, entryRandom, epochRecorder, paramRef, parameterBytes, plusMinus, probeForwardBackward, probeSection, reportHead, SWEEP_SLOPES, SWEEP_SURROGATES, timeSubmission } from './common.js';

export interface MethodChoice {
  /** a name `methodByName` knows: bptt, rtrl, eligibility */
  name: string;
  signal?: string;
  updateEvery?: number;
  /** shown in the report (default: name, with the signal for eligibility) */
  label?: string;
}

export interface CompareOptions {
  methods: MethodChoice[];
  config: TrainConfig;
  data: DatasetSplits;
  /** data set name for the report */
  dataName?: string;
  /** fixed probe batch: the first `batch` test samples (default 16), encoded with `seed` (default 12345) */
  probe?: { batch?: number; seed?: number };
  /** finite differences of the smooth float64 model; false to skip (default batch 2, 8 entries per tensor, h 1e-5) */
  fd?: { batch?: number; perTensor?: number; h?: number } | false;
  /** sensitivity sweeps; false to skip */
  sweep?: { surrogates?: string[]; slopes?: number[]; dts?: number[] } | false;
  /** Δt convergence of the continuous twin's discretisations (default off; true: Δt0·[1, ½, ¼, ⅛, 1/16] on 2 probe samples) */
  convergence?: { dts?: number[]; samples?: number } | boolean;
  /** repetitions of the queue-timed step (default 3; the minimum is kept) */
  timingReps?: number;
  /** profile every this many training steps where the device has timestamps (default 10) */
  profileEvery?: number;
  log?: (line: string) => void;
}

export interface ProbeRecord {
  /** 0 = initial weights */
  epoch: number;
  /** the method's mean loss on the probe batch */
  loss: number;
  vsExact: Fidelity;
  vsFiniteDiff?: Fidelity;
  /** float64 smooth-model BPTT against the same finite differences (≈ 1: the differences are right) */
  smoothReferenceVsFiniteDiff?: Fidelity;
  /** event comparison: float64 EventProp (the reference's exact gradient) against the same finite differences (≈ 1) */
  referenceVsFiniteDiff?: Fidelity;
  /** event comparison: entries passed over because a spike appeared or vanished between W − h and W + h */
  fdSkipped?: number;
  /** mean spikes per sample over all T steps, per hidden layer */
  spikesPerSample: number[];
}

export interface StepTiming {
  /** 'timestamp-query' (GPU timestamps of profiled training steps) or 'queue' (wall time of submissions) */
  source: 'timestamp-query' | 'queue';
  encodeMs?: number;
  forwardMs: number;
  backwardMs: number;
  optimizerMs: number;
  totalMs: number;
  /** timestamp-query: mean ms per profiled step of every kernel label */
  kernels?: Record<string, number>;
  /** number of profiled steps (timestamps) or repetitions (queue) */
  samples: number;
}

export interface MethodResult {
  label: string;
  name: string;
  description: string;
  exact: boolean;
  options: MethodChoice;
  /** spikesPerSample: hidden spikes per training sample (EventProp); testSpikesPerSample: per test sample of the epoch's evaluation */
  epochs: (EpochMetrics & { wallSeconds: number; spikesPerSample?: number[]; testSpikesPerSample?: number[] })[];
  probes: ProbeRecord[];
  timing: StepTiming[];
  memory: { storedBytes: number; storedBuffers: { name: string; bytes: number }[]; peakAllocatedBytes: number; parameterBytes: number };
}

export interface SweepPoint {
  surrogate: string;
  slope: number;
  dtMs: number;
  steps: number;
  loss: number;
  accuracy: number;
  spikesPerSample: number[];
  vsDefault: Fidelity;
}

export interface CompareReport {
  version: 1;
  /** 'discrete' (absent in older reports): discrete methods against exact surrogate BPTT; 'event': surrogate BPTT against EventProp */
  kind?: 'discrete' | 'event';
  /** what vsExact compares against, as the report names it (default 'exact BPTT') */
  reference?: string;
  created: string;
  device: string;
  data: { name: string; train: number; test: number; inputs: number; classes: number };
  network: { sizes: number[]; recurrent: boolean; steps: number; surrogate: string; slope: number; dtMs: number };
  config: TrainConfig | EventTrainConfig;
  probe: { batch: number; seed: number; fdBatch: number; fdPerTensor: number; fdH: number };
  /** event comparison: the continuous network, its discretisation and the data encoding */
  event?: EventSection;
  /** what each comparison means, for the reader of the report */
  meaning: Record<string, string>;
  methods: MethodResult[];
  /** reference (event comparison): EventProp on the probe batch at the sweep's weights, what vsDefault compares against */
  sweep?: { weightsFrom: string; surrogates: SweepPoint[]; dts: SweepPoint[]; reference?: { name: string; loss: number; accuracy: number; spikesPerSample: number[] } };
  convergence?: ConvergenceSection;
}

export interface EventSection {
  /** continuous-time network (papers/003, Table 1) */
  tauMemMs: number;
  tauSynMs: number;
  threshold: number;
  durationMs: number;
  /** EventProp's crossing-scan grid (ms; spike times do not depend on it) */
  scanGridMs: number;
  /** discretisation used by the discrete method: Δt0, c = driveFactor(Δt0), T = ⌊D/Δt0⌋ + 1 */
  dtMs: number;
  drive: number;
  steps: number;
  /** the mapping, in words */
  mapping: string;
  /** the discrete method's optimizer on W̃ = c·W (equivalent to the configured one on W) */
  discreteOptimizer: { spec: unknown; lrScale: number; maxGradNorm: number };
  /** how the data were turned into spike times */
  encoding: Record<string, number | string>;
  /** continuous initial weights: N(mean, std) per kind, seed */
  init: Record<string, unknown>;
}

export const MEANING: Record<string, string> = {
  vsExact: 'Cosine similarity and relative error ‖g − g_ref‖/‖g_ref‖ of the method\'s gradient against exact surrogate BPTT (GPU bptt, equal to the float64 reference BPTT) at the same weights, on the fixed probe batch. 1 and 0 mean the method computes the surrogate gradient exactly; eligibility traces drop terms (see src/reference/forward-mode.ts), so they score below 1.',
  vsFiniteDiff: 'Against central finite differences of the float64 reference network whose spikes are the smooth step S = F(U − ϑ) (F: the surrogate\'s primitive), on a seeded choice of entries per tensor where the smoothed network has a non-zero gradient, and a small batch. This is how far the surrogate gradient of the spiking network is from the true gradient of its smoothed twin; it is not a check of the spiking network\'s own (zero almost everywhere) gradient. The row "smooth BPTT" is the exact gradient of the smoothed network and should score ≈ 1: it validates the differences.',
  timing: 'Milliseconds per training step. "timestamp-query": GPU timestamps of profiled training steps, each kernel in its own pass (backward = passes named backward/…, rtrl/contract, eligibility/traces: the replay that computes the gradient). "queue": wall time of submitting and finishing forward, forward+backward and forward+backward+optimizer of one training-size batch (minimum over repetitions); backward and optimizer are differences, so small values are noisy.',
  memory: 'stored: bytes the method keeps for its backward pass (MethodRun.stored()). peak allocated: most bytes of webspike\'s GPU buffers live at once during the method\'s training run (network, gradients, method, optimizer state, data on the GPU, encoders); driver overhead not counted.',
  spikes: 'Mean spikes per probe sample over all T steps, per hidden layer, with the weights the method reached.',
  convergence: 'The continuous-time twin of the compared network (same τ_mem, τ_syn, ϑ; weights divided by the drive factor c = τ_syn(α − β)/(τ_syn − τ_mem) of Δt0; reset to 0; the probe samples\' input spike at step n placed at (n + ½)·Δt0), simulated exactly event by event, against its discretisation at each Δt (weights × c(Δt), reset to zero, an input at t on step ⌈t/Δt⌉ − 1, a spike at step n at time n·Δt). Spikes are matched per neuron in time order: error = |t_discrete − t_continuous| of matched spikes (ms); missing / extra = spikes that vanish / appear on the grid; readout error = max |Uo[n] − V_o(n·Δt)|. A consistent first-order discretisation: the errors shrink in proportion to Δt and the mismatches go to 0. At Δt0 the discretisation is the compared network when its reset is zero (with reset by subtraction it differs by the reset).',
  sweep: 'Exact surrogate BPTT on the probe batch at the first method\'s final weights, with another surrogate / slope or grid step Δt, against the gradient with the configured surrogate and Δt. Δt changes α, β and the grid: the same duration is covered (T·Δt0/Δt steps) and Poisson rates scale with Δt/Δt0, so new input spikes are drawn.',
};

function labelOf(c: MethodChoice): string {
  if (c.label) return c.label;
  // a method with options is labelled with them (eligibility/<signal>/k=<n>)
  if (c.signal === undefined && c.updateEvery === undefined) return c.name;
  return `${c.name}${c.signal ? `/${c.signal}` : ''}${c.updateEvery ? `/k=${c.updateEvery}` : ''}`;
}

function named(spec: NetworkSpec, w: NetworkWeights): NamedGradient {
  const list = weightList(spec, w);
  return parameterShapes(spec).map((s, i) => ({ name: s.name, data: list[i] }));
}

interface ProbeInput {
  indices: number[];
  input: Float32Array;
  labels: Uint32Array<ArrayBuffer>;
  steps: number;
}

function encodeProbe(config: TrainConfig, ds: ImageDataset, batch: number, steps: number, seed: number, rateScale = 1): ProbeInput {
  const indices = Array.from({ length: batch }, (_, i) => i % ds.count);
  const encoder = config.encoder.kind === 'poisson' ? { ...config.encoder, rate: Math.min(1, config.encoder.rate * rateScale) } : config.encoder;
  const input = encodeCpu(encoder, ds.images, ds.rows * ds.cols, indices, steps, seed);
  const labels = Uint32Array.from(indices, (i) => ds.labels[i]);
  return { indices, input, labels, steps };
}

/** One forward + backward of `method` on a batch: loss, gradient and (bptt only) spikes per sample per layer. */
async function probeGradient(device: GPUDevice, spec: NetworkSpec, weights: NetworkWeights, method: GradientMethod, p: ProbeInput) {
  const B = p.labels.length;
  const net = createNetwork(device, spec, weights);
  const run = method.bind(net, { batch: B, steps: p.steps });
  try {
    device.queue.writeBuffer(run.input, 0, p.input.buffer, p.input.byteOffset, p.input.byteLength);
    device.queue.writeBuffer(run.labels, 0, p.labels);
    const r = await probeForwardBackward(device, run, B, spec.hidden.length, 'compare/probe');
    return { ...r, grad: named(spec, await net.readGradients()) };
  } finally {
    run.destroy();
    net.destroy();
  }
}

/**
 * Central finite differences of the smooth float64 model on `p` (a small batch)
 * at a seeded choice of `perTensor` entries per tensor among those where the
 * smooth model's gradient is not zero (an input that never spikes in the batch
 * gives exactly zero to every method and to the differences), and the smooth
 * model's BPTT gradient at the same entries.
 */
function smoothFiniteDifferences(spec: NetworkSpec, weights: NetworkWeights, p: ProbeInput, perTensor: number, h: number) {
  const B = p.labels.length;
  const fwd = referenceForward(spec, weights, p.input, p.steps, B, p.labels, { spike: 'smooth' });
  const g = referenceBackward(spec, weights, fwd, p.input, p.steps, B, p.labels);
  const smooth: NamedGradient = parameterShapes(spec).map((s) => ({ name: s.name, data: paramTensor(g, paramRef(s.name)) }));
  const w64 = toFloat64Weights(weights);
  const loss = () => referenceLoss(spec, w64, p.input, p.steps, B, p.labels, { spike: 'smooth' });
  const rand = entryRandom();
  const indices = new Map<string, number[]>();
  const fd: { name: string; data: Float64Array }[] = [];
  for (const t of smooth) {
    const pool = candidateEntries(t.data);
    for (let k = 0; k < Math.min(perTensor, pool.length); k++) {
      const r = k + rand(pool.length - k);
      [pool[k], pool[r]] = [pool[r], pool[k]];
    }
    const chosen = pool.slice(0, Math.min(perTensor, pool.length)).sort((a, b) => a - b);
    const tensor = paramTensor(w64, paramRef(t.name));
    const values = chosen.map((k) => {
      const [plus, minus] = plusMinus(tensor, k, h, loss);
      return (plus - minus) / (2 * h);
    });
    indices.set(t.name, chosen);
    fd.push({ name: t.name, data: Float64Array.from(values) });
  }
  return { indices, fd, smoothVsFd: gradientFidelity(selectEntries(smooth, indices), fd) };
}

/** Queue wall time of forward, +backward, +optimizer on one training-size batch (minimum over reps). */
async function queueTiming(device: GPUDevice, spec: NetworkSpec, weights: NetworkWeights, method: GradientMethod, config: TrainConfig, p: ProbeInput, reps: number): Promise<StepTiming> {
  const net = createNetwork(device, spec, weights);
  const run = method.bind(net, { batch: config.batchSize, steps: p.steps });
  const opt = createOptimizer(net, config.optimizer, { maxGradNorm: config.maxGradNorm });
  try {
    device.queue.writeBuffer(run.input, 0, p.input.buffer, p.input.byteOffset, p.input.byteLength);
    device.queue.writeBuffer(run.labels, 0, p.labels);
    run.setValid(config.batchSize);
    const time = (stage: 0 | 1 | 2) => timeSubmission(device, 'compare/timing', (enc) => {
      run.encodeForward(enc);
      if (stage >= 1) run.encodeBackward(enc);
      if (stage >= 2) opt.encode(enc);
    });
    await time(2); // warm-up (pipelines, first-use costs)
    const best = [Infinity, Infinity, Infinity];
    for (let r = 0; r < reps; r++) {
      for (const stage of [0, 1, 2] as const) best[stage] = Math.min(best[stage], await time(stage));
    }
    return { source: 'queue', forwardMs: best[0], backwardMs: best[1] - best[0], optimizerMs: best[2] - best[1], totalMs: best[2], samples: reps };
  } finally {
    opt.destroy();
    run.destroy();
    net.destroy();
  }
}

function kernelPhase(label: string): 'encode' | 'forward' | 'backward' | 'optimizer' {
  if (label === 'encode') return 'encode';
  if (label === 'optimizer') return 'optimizer';
  return /backward|contract|replay|eligibility\/traces/.test(label) ? 'backward' : 'forward';
}

export { trackAllocations };

export function resolveMethod(c: MethodChoice): GradientMethod {
  const m = methodByName(c.name, { signal: c.signal, updateEvery: c.updateEvery });
  if (m.inputKind !== 'dense-steps') throw new Error(`compare: method '${m.name}' takes ${m.inputKind} input; the comparison probes encode dense steps only`);
  return m;
}

export async function runComparison(gpu: WebspikeDevice, o: CompareOptions): Promise<CompareReport> {
  const { device } = gpu;
  const { config, data } = o;
  const log = o.log ?? (() => {});
  if (o.methods.length === 0) throw new Error('compare: no methods selected');
  const methods = o.methods.map((c) => ({ choice: c, method: resolveMethod(c), label: labelOf(c) }));
  const inputs = data.train.rows * data.train.cols;
  const spec = specFromConfig(config, inputs, Math.max(data.train.classes, data.test.classes));
  const probeBatch = o.probe?.batch ?? 16;
  const probeSeed = o.probe?.seed ?? 12345;
  const fd = o.fd === false ? undefined : { batch: o.fd?.batch ?? 2, perTensor: o.fd?.perTensor ?? 8, h: o.fd?.h ?? 1e-5 };
  const probe = encodeProbe(config, data.test, probeBatch, config.steps, probeSeed);
  const fdProbe = fd ? encodeProbe(config, data.test, fd.batch, config.steps, probeSeed) : undefined;
  const timingInput = encodeProbe(config, data.test, config.batchSize, config.steps, probeSeed);
  const initial = initWeights(spec, { seed: config.seed, hiddenGain: config.initGain, readoutGain: config.readoutGain });
  const reference = bptt();

  const probeAt = async (epoch: number, weights: NetworkWeights, method: GradientMethod): Promise<ProbeRecord> => {
    const ref = await probeGradient(device, spec, weights, reference, probe);
    const own = await probeGradient(device, spec, weights, method, probe);
    const rec: ProbeRecord = { epoch, loss: own.loss, vsExact: gradientFidelity(own.grad, ref.grad), spikesPerSample: ref.spikesPerSample };
    if (fd && fdProbe) {
      const f = smoothFiniteDifferences(spec, weights, fdProbe, fd.perTensor, fd.h);
      const g = await probeGradient(device, spec, weights, method, fdProbe);
      rec.vsFiniteDiff = gradientFidelity(selectEntries(g.grad, f.indices), f.fd);
      rec.smoothReferenceVsFiniteDiff = f.smoothVsFd;
    }
    return rec;
  };

  const results: MethodResult[] = [];
  const finalWeights: NetworkWeights[] = [];
  for (const { choice, method, label } of methods) {
    log(`compare: ${label} — ${method.description}`);
    const probes: ProbeRecord[] = [await probeAt(0, initial, method)];
    const epochs: MethodResult['epochs'] = [];
    const kernels = new Map<string, number>();
    let profiled = 0;
    const recordEpoch = epochRecorder(epochs, log);
    let weightsNow: NetworkWeights = initial;
    const { result, peakBytes } = await trackAllocations(device, (untracked) => train(gpu, data, config, {
      method,
      progressEvery: 1_000_000,
      profileEvery: o.profileEvery ?? 10,
      onProfile: (ms) => {
        profiled++;
        for (const [k, v] of ms) kernels.set(k, (kernels.get(k) ?? 0) + v);
      },
      onCheckpoint: (c) => {
        weightsNow = c.weights;
      },
      onEpoch: async (m) => {
        recordEpoch(m);
        probes.push(await untracked(() => probeAt(m.epoch, weightsNow, method)));
      },
    }));
    finalWeights.push(result.weights);
    const timing: StepTiming[] = [];
    if (profiled > 0) {
      const phase = { encode: 0, forward: 0, backward: 0, optimizer: 0 };
      const perKernel: Record<string, number> = {};
      for (const [k, v] of kernels) {
        phase[kernelPhase(k)] += v / profiled;
        perKernel[k] = v / profiled;
      }
      timing.push({ source: 'timestamp-query', encodeMs: phase.encode, forwardMs: phase.forward, backwardMs: phase.backward, optimizerMs: phase.optimizer, totalMs: phase.encode + phase.forward + phase.backward + phase.optimizer, kernels: perKernel, samples: profiled });
    }
    timing.push(await queueTiming(device, spec, initial, method, config, timingInput, o.timingReps ?? 3));
    // what the method stores, from a bind with the training batch shape
    const net = createNetwork(device, spec, initial);
    const run = method.bind(net, { batch: config.batchSize, steps: config.steps, inputWindow: Math.min(16, config.steps) });
    const st = run.stored();
    run.destroy();
    net.destroy();
    results.push({
      label, name: method.name, description: method.description, exact: method.exact, options: choice, epochs, probes, timing,
      memory: { storedBytes: st.totalBytes, storedBuffers: st.buffers.map((b) => ({ ...b })), peakAllocatedBytes: peakBytes, parameterBytes: parameterBytes(spec) },
    });
  }

  let sweep: CompareReport['sweep'];
  if (o.sweep !== false) {
    const sw = o.sweep ?? {};
    const weights = finalWeights[0];
    const base = await probeGradient(device, spec, weights, reference, probe);
    const point = (s: NetworkSpec, dtMs: number, steps: number, r: Awaited<ReturnType<typeof probeGradient>>): SweepPoint => ({
      surrogate: s.surrogate.name, slope: s.surrogate.slope, dtMs, steps, loss: r.loss, accuracy: r.accuracy, spikesPerSample: r.spikesPerSample, vsDefault: gradientFidelity(r.grad, base.grad),
    });
    const dt0 = config.neuron.dtMs ?? 1;
    const surrogates: SweepPoint[] = [];
    for (const name of sw.surrogates ?? SWEEP_SURROGATES) {
      for (const slope of sw.slopes ?? SWEEP_SLOPES) {
        const s = { ...spec, surrogate: surrogateByName(name, slope) };
        surrogates.push(point(s, dt0, config.steps, await probeGradient(device, s, weights, reference, probe)));
      }
    }
    const dts: SweepPoint[] = [];
    if (config.neuron.alpha === undefined && config.neuron.beta === undefined) {
      for (const dt of sw.dts ?? [0.5 * dt0, dt0, 2 * dt0]) {
        const steps = Math.max(1, Math.round((config.steps * dt0) / dt));
        // every layer's model (and the readout's LIF) at the new Δt
        const s = specFromConfig({ ...config, neuron: { ...config.neuron, dtMs: dt } }, inputs, spec.outputs);
        const p = encodeProbe(config, data.test, probeBatch, steps, probeSeed, dt / dt0);
        dts.push(point(s, dt, steps, await probeGradient(device, s, weights, reference, p)));
      }
    }
    sweep = { weightsFrom: `${methods[0].label} (final)`, surrogates, dts };
  }

  let conv: ConvergenceSection | undefined;
  if (o.convergence) {
    const c = o.convergence === true ? {} : o.convergence;
    log('compare: Δt convergence (float64, CPU)');
    conv = networkConvergence(spec, finalWeights[0], config.neuron.dtMs ?? 1, probe.input, probe.steps, probe.labels.length, { dtsMs: c.dts, samples: c.samples, weightsFrom: `${methods[0].label} (final)` });
  }

  return {
    ...reportHead(gpu, 'discrete', 'exact BPTT'),
    data: { name: o.dataName ?? data.train.name, train: data.train.count, test: data.test.count, inputs, classes: spec.outputs },
    network: { sizes: [inputs, ...config.hidden, spec.outputs], recurrent: config.recurrent, steps: config.steps, surrogate: spec.surrogate.name, slope: spec.surrogate.slope, dtMs: config.neuron.dtMs ?? 1 },
    config,
    probe: probeSection(probeBatch, probeSeed, fd),
    meaning: MEANING,
    methods: results,
    sweep,
    ...(conv && { convergence: conv }),
  };
}
