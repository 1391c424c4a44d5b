import { shader } from '../shaders.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const WORKGROUP = 64;

/** Bytes per input spike record (time f32, neuron u32) and per output record (time f32, current f32, neuron u32). */
export const IN_SPIKE_BYTES = 8;
export const OUT_SPIKE_BYTES = 12;
/** Bytes per input record of the feed-forward kernel (time, neuron | flag, e^{s/τ_syn}, e^{s/τ_mem}, e^{−s/τ_syn}, e^{−s/τ_mem}). */
export const IN_EVENT_BYTES = 24;
/** Flag of a record that moves the anchor, and the neuron of a record that only does that (REBASE, NO_INPUT in the WGSL). */
export const REBASE_FLAG = 0x80000000;
export const NO_INPUT = 0x7fffffff;

/**
 * How the threshold crossing is refined: 'quadratic-mem' closed form for
 * τ_mem = 2·τ_syn, 'quadratic-syn' for τ_syn = 2·τ_mem, else 'newton'
 * (safeguarded Newton/bisection).
 */
export type CrossingSolverKind = 'newton' | 'quadratic-mem' | 'quadratic-syn';

export const SOLVER_CODE: Record<CrossingSolverKind, number> = { newton: 0, 'quadratic-mem': 1, 'quadratic-syn': 2 };

/** The solver a pair of time constants allows (closed form only for an exact factor 2). */
export function crossingSolverFor(tauMemMs: number, tauSynMs: number): CrossingSolverKind {
  if (tauMemMs === 2 * tauSynMs) return 'quadratic-mem';
  if (tauSynMs === 2 * tauMemMs) return 'quadratic-syn';
  return 'newton';
}

export interface EventLifForwardArgs {
  /** [fanIn][neurons] f32 (input-major: the transpose of the layer's [neurons][fanIn]) */
  weights: GPUBuffer;
  /** per sample, in time order: the records of `packInputEvents` (input spikes, grid step ends, anchor moves) */
  inSpikes: GPUBuffer;
  /** [batch + 1] u32: sample b's records are inSpikes[offsets[b] … offsets[b+1]) */
  inOffsets: GPUBuffer;
  /** [batch][capacity] records (time f32, current f32, neuron u32) */
  outSpikes: GPUBuffer;
  /** [batch] u32, zeroed before the dispatch; after it, the number of spikes each sample produced (may exceed capacity) */
  outCounts: GPUBuffer;
  batch: number;
  neurons: number;
  capacity: number;
  tauMemMs: number;
  tauSynMs: number;
  threshold: number;
}

/** Grid steps covering [0, duration] (a step of rounding slack, so 30 ms / 0.1 ms is 300 steps). */
export function gridSteps(durationMs: number, gridStepMs: number): number {
  return Math.max(1, Math.ceil(durationMs / gridStepMs - 1e-9));
}

export function eventLifForwardSpec(solver: CrossingSolverKind): KernelSpec {
  return {
    name: 'neurons/event-lif-forward',
    code: shader('common/grid') + shader('common/lif-crossing') + shader('neurons/event-lif-forward'),
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'storage', 'storage'],
    constants: { WG: WORKGROUP, SOLVER: SOLVER_CODE[solver] },
  };
}

export function eventLifForward(device: GPUDevice, a: EventLifForwardArgs): Dispatch {
  const spec = eventLifForwardSpec(crossingSolverFor(a.tauMemMs, a.tauSynMs));
  const count = a.batch * a.neurons;
  const u = uniformBlock(device, spec, {
    batch: a.batch,
    neurons: a.neurons,
    capacity: a.capacity,
    tau_mem: a.tauMemMs,
    tau_syn: a.tauSynMs,
    threshold: a.threshold,
  });
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.weights, a.inSpikes, a.inOffsets, a.outSpikes, a.outCounts],
    workgroups: grid1d(count, WORKGROUP),
    owned: [u.buffer],
  });
}

export interface PackedInputEvents {
  /** IN_EVENT_BYTES per record */
  records: ArrayBuffer;
  /** [batch + 1]: sample b's records are records[offsets[b] … offsets[b+1]) */
  offsets: Uint32Array;
}

/**
 * The records the feed-forward kernel (shaders/neurons/event-lif-forward.wgsl)
 * scans, per sample in time order: the input spikes (sorted by time; those after
 * durationMs are left out) and the ends of the grid steps (NO_INPUT records at
 * f32(k + 1)·gridStepMs, the last at durationMs; an input at a step end belongs
 * to the next step, except at durationMs). The anchor of the virtual state
 * starts at 0 and moves to a record more than min(τ_mem, τ_syn)/2 after it
 * (REBASE); where the next record lies more than min(τ_mem, τ_syn) after the
 * anchor, NO_INPUT records move it on by min(τ_mem, τ_syn)/2 first, so every
 * state the kernel evaluates lies within min(τ_mem, τ_syn) of its anchor. The
 * factors e^{±s/τ} of a record (s = its time − the anchor before it, both f32)
 * are computed here in float64 and rounded once; they are the same for every
 * neuron of the sample.
 */
export function packInputEvents(
  samples: readonly (readonly { time: number; neuron: number }[])[],
  p: { tauMemMs: number; tauSynMs: number; durationMs: number; gridStepMs: number },
): PackedInputEvents {
  const rebase = 0.5 * Math.min(p.tauMemMs, p.tauSynMs);
  const steps = gridSteps(p.durationMs, p.gridStepMs);
  const duration = Math.fround(p.durationMs);
  const grid = Math.fround(p.gridStepMs);
  const stepEnd = (k: number) => (k + 1 === steps ? duration : Math.fround((k + 1) * grid));
  const time: number[] = [];
  const neuron: number[] = [];
  const up: number[] = [];
  const offsets = new Uint32Array(samples.length + 1);
  samples.forEach((spikes, b) => {
    offsets[b] = neuron.length;
    let t0 = 0;
    const put = (t: number, n: number) => {
      while (t - t0 > 2 * rebase) {
        const next = Math.fround(t0 + rebase);
        time.push(next, t0);
        neuron.push((NO_INPUT | REBASE_FLAG) >>> 0);
        up.push(0);
        t0 = next;
      }
      const rebaseHere = t - t0 > rebase;
      time.push(t, t0);
      neuron.push(rebaseHere ? (n | REBASE_FLAG) >>> 0 : n);
      up.push(rebaseHere ? 0 : 1);
      if (rebaseHere) t0 = t;
    };
    let k = 0;
    for (const sp of spikes) {
      const t = Math.fround(sp.time);
      if (!(t <= duration)) continue;
      while (k < steps - 1 && !(t < stepEnd(k))) put(stepEnd(k++), NO_INPUT);
      put(t, sp.neuron);
    }
    while (k < steps) put(stepEnd(k++), NO_INPUT);
  });
  offsets[samples.length] = neuron.length;
  const records = new ArrayBuffer(Math.max(1, neuron.length) * IN_EVENT_BYTES);
  const f32 = new Float32Array(records);
  const u32 = new Uint32Array(records);
  for (let r = 0; r < neuron.length; r++) {
    const t = time[2 * r];
    const s = t - time[2 * r + 1];
    const at = (r * IN_EVENT_BYTES) / 4;
    f32[at] = t;
    u32[at + 1] = neuron[r];
    f32[at + 2] = up[r] ? Math.exp(s / p.tauSynMs) : 1;
    f32[at + 3] = up[r] ? Math.exp(s / p.tauMemMs) : 1;
    f32[at + 4] = Math.exp(-s / p.tauSynMs);
    f32[at + 5] = Math.exp(-s / p.tauMemMs);
  }
  return { records, offsets };
}

/** [fanIn][neurons] from [neurons][fanIn]. */
export function inputMajorWeights(w: ArrayLike<number>, neurons: number, fanIn: number): Float32Array {
  const out = new Float32Array(neurons * fanIn);
  for (let n = 0; n < neurons; n++) {
    const row = n * fanIn;
    for (let i = 0; i < fanIn; i++) out[i * neurons + n] = w[row + i];
  }
  return out;
}
