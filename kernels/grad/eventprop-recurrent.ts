import { shader } from '../../src/shaders.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';
import { recurrentWorkgroupSize } from '../neurons/event-lif-recurrent-forward.js';

export interface EventPropRecurrentArgs {
  /** w [neurons][fanIn] f32, then v [neurons][neurons] f32 (v[n][m]: from neuron m to n) */
  weights: GPUBuffer;
  /** spike records of the layer below (or the input spikes), per sample sorted by time */
  inSpikes: GPUBuffer;
  /** this layer's spike records, per sample sorted by time */
  ownSpikes: GPUBuffer;
  /** [2][batch + 1] u32: offsets of inSpikes, then of ownSpikes */
  offsets: GPUBuffer;
  /** [own spikes of all samples][above] f32, written by the layer above */
  jumpAbove: GPUBuffer;
  /** zeroed, [batch][neurons·(fanIn + neurons)] f32: per sample dL/dw [neurons][fanIn] (eq. 2), then dL/dv [neurons][neurons] */
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

export function eventPropRecurrentSpec(workgroup: number): KernelSpec {
  return {
    name: 'grad/eventprop-recurrent',
    code: shader('common/event-adjoint') + shader('grad/eventprop-recurrent'),
    bindings: [
      'uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage',
      'storage', 'storage', 'storage',
    ],
    constants: { WG: workgroup },
  };
}

export function eventPropRecurrent(device: GPUDevice, a: EventPropRecurrentArgs): Dispatch {
  const spec = eventPropRecurrentSpec(recurrentWorkgroupSize(a.neurons));
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
    // one workgroup per sample
    workgroups: grid1d(a.batch, 1),
    owned: [u.buffer],
  });
}
