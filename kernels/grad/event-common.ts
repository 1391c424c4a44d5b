/**
 * What the kernels of event-driven LIF networks share on the host side: the
 * argument interfaces, specs and uniform setup of the event readout kernels
 * (shaders/common/event-readout.wgsl: neurons/event-readout-max,
 * grad/eventprop-readout) and of the EventProp kernels of spiking layers
 * (shaders/common/eventprop-layer.wgsl: grad/eventprop-hidden,
 * grad/eventprop-first-spike, grad/eventprop-recurrent).
 */
import { shader } from '../shaders.js';
import { bind, grid1d, pipelineFor, uniformBlock, type BindingType, type Dispatch, type KernelSpec } from '../kernel.js';

/** Workgroup size of the one-thread-per-neuron event kernels. */
export const EVENT_WORKGROUP = 64;

/** Arguments of every event readout kernel (bindings 0–3 of common/event-readout.wgsl). */
export interface EventReadoutArgs {
  /** [outputs][fanIn] f32 */
  weights: GPUBuffer;
  /** spike records of the last hidden layer, per sample sorted by time, all ≤ duration */
  inSpikes: GPUBuffer;
  /** [batch + 1] u32 */
  inOffsets: GPUBuffer;
  batch: number;
  outputs: number;
  fanIn: number;
  durationMs: number;
  tauMemMs: number;
  tauSynMs: number;
}

/** The spec of an event readout kernel: `kernel` names its shader; `rest` types its bindings from 4 on. */
export function eventReadoutSpec(kernel: string, rest: readonly BindingType[]): KernelSpec {
  return {
    name: kernel,
    code: shader('common/grid') + shader('common/event-adjoint') + shader('common/event-readout') + shader(kernel),
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', ...rest],
    constants: { WG: EVENT_WORKGROUP },
  };
}

/** One thread per (sample, readout neuron); `rest`: the buffers of bindings 4 and up. */
export function eventReadoutDispatch(device: GPUDevice, spec: KernelSpec, a: EventReadoutArgs, rest: readonly GPUBuffer[]): Dispatch {
  const u = uniformBlock(device, spec, {
    batch: a.batch,
    outputs: a.outputs,
    fan_in: a.fanIn,
    duration: a.durationMs,
    tau_mem: a.tauMemMs,
    tau_syn: a.tauSynMs,
  });
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.weights, a.inSpikes, a.inOffsets, ...rest],
    workgroups: grid1d(a.batch * a.outputs, EVENT_WORKGROUP),
    owned: [u.buffer],
  });
}

/** Arguments of every EventProp kernel of a spiking layer (common/eventprop-layer.wgsl), the layer's sizes and bindings 5 and 7 aside. */
export interface SpikingLayerArgs {
  /** this layer's input weights [neurons][fanIn] f32 */
  weights: GPUBuffer;
  /** spike records of the layer below (or the input spikes), per sample sorted by time */
  inSpikes: GPUBuffer;
  /** this layer's spike records, per sample sorted by time */
  ownSpikes: GPUBuffer;
  /** [2][batch + 1] u32: offsets of inSpikes, then of ownSpikes */
  offsets: GPUBuffer;
  /** [batch][neurons][fanIn] f32, zeroed: per-sample weight gradients (eq. 2) */
  gradRows: GPUBuffer;
  /** one u32, counts clipped slopes (atomic) */
  clipped: GPUBuffer;
  batch: number;
  fanIn: number;
  durationMs: number;
  tauMemMs: number;
  tauSynMs: number;
  threshold: number;
  /** lower bound on τ_mem·V̇⁻ = I − ϑ in the spike jump (0: exact) */
  minSlope: number;
}

/** Arguments of the EventProp kernels of a hidden layer (feed-forward or recurrent). */
export interface HiddenLayerArgs extends SpikingLayerArgs {
  /** [own spikes of all samples][above] f32, written by the layer above */
  jumpAbove: GPUBuffer;
  /** [in spikes of all samples][neurons] f32, for the layer below; ignored when writeJumps is false */
  jumpOut: GPUBuffer;
  writeJumps: boolean;
  neurons: number;
  /** neurons of the layer above (readout or hidden) */
  above: number;
}

/** The layer-specific part of an EventProp layer dispatch. */
export interface LayerBindings {
  /** binding 5: what the λ_V jumps at the layer's own spikes get from above (or from the loss) */
  jumpSource: GPUBuffer;
  /** binding 7: the jump terms of the layer below's spikes */
  jumpOut: GPUBuffer;
  writeJumps: boolean;
  neurons: number;
  above: number;
}

/**
 * The spec of an EventProp kernel of a spiking layer: `kernel` names its shader;
 * `threads` is 'neuron' (one thread per (sample, neuron), common/grid.wgsl) or
 * 'sample' (one workgroup per sample, common/sample-workgroup.wgsl).
 */
export function eventPropLayerSpec(kernel: string, threads: 'neuron' | 'sample', workgroup: number): KernelSpec {
  return {
    name: kernel,
    code: shader(threads === 'neuron' ? 'common/grid' : 'common/sample-workgroup') + shader('common/event-adjoint') + shader('common/eventprop-layer') + shader(kernel),
    bindings: [
      'uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage',
      'storage', 'storage', 'storage',
    ],
    constants: { WG: workgroup },
  };
}

export function eventPropLayerDispatch(device: GPUDevice, spec: KernelSpec, a: SpikingLayerArgs, layer: LayerBindings, workgroups: [number, number]): Dispatch {
  const u = uniformBlock(device, spec, {
    batch: a.batch,
    neurons: layer.neurons,
    fan_in: a.fanIn,
    above: layer.above,
    write_jumps: layer.writeJumps ? 1 : 0,
    duration: a.durationMs,
    tau_mem: a.tauMemMs,
    tau_syn: a.tauSynMs,
    threshold: a.threshold,
    min_slope: a.minSlope,
  });
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.weights, a.inSpikes, a.ownSpikes, a.offsets, layer.jumpSource, a.gradRows, layer.jumpOut, a.clipped],
    workgroups,
    owned: [u.buffer],
  });
}
