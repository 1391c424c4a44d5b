import { shader } from '../shaders.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';
import { crossingSolverFor, gridSteps, SOLVER_CODE, type CrossingSolverKind } from './event-lif-forward.js';

/** Neurons one thread holds (PER_THREAD in the WGSL of the recurrent event kernels). */
export const NEURONS_PER_THREAD = 8;
/** Largest workgroup the recurrent event kernels use. */
export const MAX_RECURRENT_WORKGROUP = 256;
/** Largest recurrent layer the workgroup-per-sample event kernels hold. */
export const MAX_RECURRENT_NEURONS = NEURONS_PER_THREAD * MAX_RECURRENT_WORKGROUP;

/**
 * Workgroup size for a recurrent layer of `neurons`: one neuron per thread up to
 * 256 (a power of two, at least 32), then up to NEURONS_PER_THREAD per thread.
 */
export function recurrentWorkgroupSize(neurons: number): number {
  if (!(Number.isInteger(neurons) && neurons > 0 && neurons <= MAX_RECURRENT_NEURONS)) {
    throw new RangeError(`a recurrent event LIF layer must have 1 to ${MAX_RECURRENT_NEURONS} neurons, got ${neurons}`);
  }
  let wg = 32;
  while (wg < neurons && wg < MAX_RECURRENT_WORKGROUP) wg *= 2;
  return wg;
}

export interface EventLifRecurrentForwardArgs {
  /** w [neurons][fanIn] f32, then v [neurons][neurons] f32 (v[n][m]: from neuron m to n; diagonal unused) */
  weights: GPUBuffer;
  /** per sample, sorted by time: (time f32 ms, presynaptic index u32) */
  inSpikes: GPUBuffer;
  /** [batch + 1] u32: sample b's input spikes are inSpikes[offsets[b] … offsets[b+1]) */
  inOffsets: GPUBuffer;
  /** [batch][capacity] records (time f32, current f32, neuron u32), per sample in time order */
  outSpikes: GPUBuffer;
  /** [batch] u32: after the dispatch, the spikes of each sample, or capacity + 1 where the sample stopped on overflow */
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

export function eventLifRecurrentForwardSpec(solver: CrossingSolverKind, workgroup: number): KernelSpec {
  return {
    name: 'neurons/event-lif-recurrent-forward',
    code: shader('common/sample-workgroup') + shader('common/lif-crossing') + shader('neurons/event-lif-recurrent-forward'),
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'storage', 'storage'],
    constants: { WG: workgroup, SOLVER: SOLVER_CODE[solver] },
  };
}

export function eventLifRecurrentForward(device: GPUDevice, a: EventLifRecurrentForwardArgs): Dispatch {
  const spec = eventLifRecurrentForwardSpec(crossingSolverFor(a.tauMemMs, a.tauSynMs), recurrentWorkgroupSize(a.neurons));
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
    // one workgroup per sample
    workgroups: grid1d(a.batch, 1),
    owned: [u.buffer],
  });
}
