import { shader } from '../../src/shaders.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const WORKGROUP = 64;

export interface EventPropHiddenArgs {
  /** this layer's input weights [neurons][fanIn] f32 */
  weights: GPUBuffer;
  /** spike records of the layer below (or the input spikes), per sample sorted by time */
  inSpikes: GPUBuffer;
  /** this layer's spike records, per sample sorted by time */
  ownSpikes: GPUBuffer;
  /** [2][batch + 1] u32: offsets of inSpikes, then of ownSpikes */
  offsets: GPUBuffer;
  /** [own spikes of all samples][above] f32, written by the layer above */
  jumpAbove: GPUBuffer;
  /** [batch][neurons][fanIn] f32, zeroed: per-sample weight gradients (eq. 2) */
  gradRows: GPUBuffer;
  /** [in spikes of all samples][neurons] f32, for the layer below; ignored when writeJumps is false */
  jumpOut: GPUBuffer;
  writeJumps: boolean;
  /** one u32, counts clipped slopes (atomic) */
  clipped: GPUBuffer;
  batch: number;
  neurons: number;
  fanIn: number;
  /** neurons of the layer above (readout or hidden) */
  above: number;
  durationMs: number;
  tauMemMs: number;
  tauSynMs: number;
  threshold: number;
  /** lower bound on τ_mem·V̇⁻ = I − ϑ in the spike jump (0: exact) */
  minSlope: number;
}

export function eventPropHiddenSpec(): KernelSpec {
  return {
    name: 'grad/eventprop-hidden',
    code: shader('common/grid') + shader('common/event-adjoint') + shader('grad/eventprop-hidden'),
    bindings: [
      'uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage',
      'storage', 'storage', 'storage',
    ],
    constants: { WG: WORKGROUP },
  };
}

export function eventPropHidden(device: GPUDevice, a: EventPropHiddenArgs): Dispatch {
  const spec = eventPropHiddenSpec();
  const u = uniformBlock(device, spec, {
    batch: a.batch,
    neurons: a.neurons,
    fan_in: a.fanIn,
    above: a.above,
    write_jumps: a.writeJumps ? 1 : 0,
    duration: a.durationMs,
    tau_mem: a.tauMemMs,
    tau_syn: a.tauSynMs,
    threshold: a.threshold,
    min_slope: a.minSlope,
  });
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.weights, a.inSpikes, a.ownSpikes, a.offsets, a.jumpAbove, a.gradRows, a.jumpOut, a.clipped],
    workgroups: grid1d(a.batch * a.neurons, WORKGROUP),
    owned: [u.buffer],
  });
}
