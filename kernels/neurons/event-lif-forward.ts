import { shader } from '../../src/shaders.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const WORKGROUP = 64;

/** Bytes per input spike record (time f32, neuron u32) and per output record (time f32, current f32, neuron u32). */
export const IN_SPIKE_BYTES = 8;
export const OUT_SPIKE_BYTES = 12;

/**
 * How the threshold crossing is refined: 'quadratic-mem' closed form for
 * τ_mem = 2·τ_syn, 'quadratic-syn' for τ_syn = 2·τ_mem, else 'newton'
 * (safeguarded Newton/bisection).
 */
export type CrossingSolverKind = 'newton' | 'quadratic-mem' | 'quadratic-syn';

const SOLVER_CODE: Record<CrossingSolverKind, number> = { newton: 0, 'quadratic-mem': 1, 'quadratic-syn': 2 };

/** The solver a pair of time constants allows (closed form only for an exact factor 2). */
export function crossingSolverFor(tauMemMs: number, tauSynMs: number): CrossingSolverKind {
  if (tauMemMs === 2 * tauSynMs) return 'quadratic-mem';
  if (tauSynMs === 2 * tauMemMs) return 'quadratic-syn';
  return 'newton';
}

export interface EventLifForwardArgs {
  /** [neurons][fanIn] f32 */
  weights: GPUBuffer;
  /** per sample, sorted by time: (time f32 ms, presynaptic index u32) */
  inSpikes: GPUBuffer;
  /** [batch + 1] u32: sample b's input spikes are inSpikes[offsets[b] … offsets[b+1]) */
  inOffsets: GPUBuffer;
  /** [batch][capacity] records (time f32, current f32, neuron u32) */
  outSpikes: GPUBuffer;
  /** [batch] u32, zeroed before the dispatch; after it, the number of spikes each sample produced (may exceed capacity) */
  outCounts: GPUBuffer;
  batch: number;
  neurons: number;
  fanIn: number;
  capacity: number;
  gridStepMs: number;
  durationMs: number;
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
    code: shader('common/grid') + shader('neurons/event-lif-forward'),
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
    fan_in: a.fanIn,
    steps: gridSteps(a.durationMs, a.gridStepMs),
    capacity: a.capacity,
    grid_step: a.gridStepMs,
    duration: a.durationMs,
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
