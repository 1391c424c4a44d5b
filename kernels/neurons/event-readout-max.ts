import { shader } from '../../src/shaders.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const WORKGROUP = 64;

/** Bytes per spike record (time f32, current f32, neuron u32), as common/event-adjoint.wgsl declares it. */
export const SPIKE_RECORD_BYTES = 12;
/** Bytes per readout maximum (value f32, time f32, current f32, kind u32, spike i32). */
export const READOUT_MAX_BYTES = 20;

/** The `kind` codes of a readout maximum, in the order of `ReadoutMaxKind`. */
export const READOUT_MAX_KINDS = ['start', 'interior', 'kink', 'end'] as const;

export interface EventReadoutMaxArgs {
  /** [outputs][fanIn] f32 */
  weights: GPUBuffer;
  /** spike records of the last hidden layer, per sample sorted by time, all ≤ duration */
  inSpikes: GPUBuffer;
  /** [batch + 1] u32 */
  inOffsets: GPUBuffer;
  /** [batch][outputs] maxima records (written) */
  maxima: GPUBuffer;
  batch: number;
  outputs: number;
  fanIn: number;
  durationMs: number;
  tauMemMs: number;
  tauSynMs: number;
}

export function eventReadoutMaxSpec(): KernelSpec {
  return {
    name: 'neurons/event-readout-max',
    code: shader('common/grid') + shader('common/event-adjoint') + shader('neurons/event-readout-max'),
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'storage'],
    constants: { WG: WORKGROUP },
  };
}

export function eventReadoutMax(device: GPUDevice, a: EventReadoutMaxArgs): Dispatch {
  const spec = eventReadoutMaxSpec();
  const u = uniformBlock(device, spec, {
    batch: a.batch,
    outputs: a.outputs,
    fan_in: a.fanIn,
    duration: a.durationMs,
    tau_mem: a.tauMemMs,
    tau_syn: a.tauSynMs,
  });
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.weights, a.inSpikes, a.inOffsets, a.maxima],
    workgroups: grid1d(a.batch * a.outputs, WORKGROUP),
    owned: [u.buffer],
  });
}
