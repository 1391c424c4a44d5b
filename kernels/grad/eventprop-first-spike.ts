import { shader } from '../../src/shaders.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const WORKGROUP = 64;

/** Bytes per first-spike record (spike i32, d_time f32), as grad/eventprop-first-spike.wgsl declares it. */
export const FIRST_SPIKE_LOSS_BYTES = 8;

export interface EventPropFirstSpikeArgs {
  /** output weights [outputs][fanIn] f32 */
  weights: GPUBuffer;
  /** spike records of the last hidden layer, per sample sorted by time */
  inSpikes: GPUBuffer;
  /** spike records of the output layer, per sample sorted by time */
  ownSpikes: GPUBuffer;
  /** [2][batch + 1] u32: offsets of inSpikes, then of ownSpikes */
  offsets: GPUBuffer;
  /** [batch][outputs] (spike i32: global index into ownSpikes or −1, d_time f32: ∂L/∂t, batch mean included) */
  first: GPUBuffer;
  /** [batch][outputs][fanIn] f32, zeroed: per-sample weight gradients (eq. 2) */
  gradRows: GPUBuffer;
  /** [in spikes of all samples][outputs] f32: the terms of the hidden spikes' λ_V jumps */
  jumpTerms: GPUBuffer;
  /** one u32, counts clipped slopes (atomic) */
  clipped: GPUBuffer;
  batch: number;
  outputs: number;
  fanIn: number;
  durationMs: number;
  tauMemMs: number;
  tauSynMs: number;
  threshold: number;
  /** lower bound on τ_mem·V̇⁻ = I − ϑ in the spike jump (0: exact) */
  minSlope: number;
}

export function eventPropFirstSpikeSpec(): KernelSpec {
  return {
    name: 'grad/eventprop-first-spike',
    code: shader('common/grid') + shader('common/event-adjoint') + shader('grad/eventprop-first-spike'),
    bindings: [
      'uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage',
      'storage', 'storage', 'storage',
    ],
    constants: { WG: WORKGROUP },
  };
}

export function eventPropFirstSpike(device: GPUDevice, a: EventPropFirstSpikeArgs): Dispatch {
  const spec = eventPropFirstSpikeSpec();
  const u = uniformBlock(device, spec, {
    batch: a.batch,
    outputs: a.outputs,
    fan_in: a.fanIn,
    duration: a.durationMs,
    tau_mem: a.tauMemMs,
    tau_syn: a.tauSynMs,
    threshold: a.threshold,
    min_slope: a.minSlope,
  });
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.weights, a.inSpikes, a.ownSpikes, a.offsets, a.first, a.gradRows, a.jumpTerms, a.clipped],
    workgroups: grid1d(a.batch * a.outputs, WORKGROUP),
    owned: [u.buffer],
  });
}
