import { shader } from '../../src/shaders.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const WORKGROUP = 64;

export interface EventPropReadoutArgs {
  /** [outputs][fanIn] f32 */
  weights: GPUBuffer;
  /** spike records of the last hidden layer, per sample sorted by time, all ≤ duration */
  inSpikes: GPUBuffer;
  /** [batch + 1] u32 */
  inOffsets: GPUBuffer;
  /** [batch][outputs] from neurons/event-readout-max */
  maxima: GPUBuffer;
  /** [batch][outputs] f32: ∂L/∂max_t V, batch mean included */
  dMax: GPUBuffer;
  /** [batch][outputs][fanIn] f32, zeroed: per-sample weight gradients (eq. 2) */
  gradRows: GPUBuffer;
  /** [in spikes of all samples][outputs] f32: the terms of the hidden spikes' λ_V jumps */
  jumpTerms: GPUBuffer;
  batch: number;
  outputs: number;
  fanIn: number;
  durationMs: number;
  tauMemMs: number;
  tauSynMs: number;
}

export function eventPropReadoutSpec(): KernelSpec {
  return {
    name: 'grad/eventprop-readout',
    code: shader('common/grid') + shader('common/event-adjoint') + shader('grad/eventprop-readout'),
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'storage', 'storage'],
    constants: { WG: WORKGROUP },
  };
}

export function eventPropReadout(device: GPUDevice, a: EventPropReadoutArgs): Dispatch {
  const spec = eventPropReadoutSpec();
  const u = uniformBlock(device, spec, {
    batch: a.batch,
    outputs: a.outputs,
    fan_in: a.fanIn,
    duration: a.durationMs,
    tau_mem: a.tauMemMs,
    tau_syn: a.tauSynMs,
  });
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.weights, a.inSpikes, a.inOffsets, a.maxima, a.dMax, a.gradRows, a.jumpTerms],
    workgroups: grid1d(a.batch * a.outputs, WORKGROUP),
    owned: [u.buffer],
  });
}
