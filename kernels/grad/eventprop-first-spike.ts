import { grid1d, type Dispatch, type KernelSpec } from '../kernel.js';
import { EVENT_WORKGROUP, eventPropLayerDispatch, eventPropLayerSpec, type SpikingLayerArgs } from './event-common.js';

export const WORKGROUP = EVENT_WORKGROUP;

/** Bytes per first-spike record (spike i32, d_time f32), as grad/eventprop-first-spike.wgsl declares it. */
export const FIRST_SPIKE_LOSS_BYTES = 8;

/** weights: the output weights [outputs][fanIn]; inSpikes: the last hidden layer's spike records; gradRows: [batch][outputs][fanIn]. */
export interface EventPropFirstSpikeArgs extends SpikingLayerArgs {
  /** [batch][outputs] (spike i32: global index into ownSpikes or −1, d_time f32: ∂L/∂t, batch mean included) */
  first: GPUBuffer;
  /** [in spikes of all samples][outputs] f32: the terms of the hidden spikes' λ_V jumps */
  jumpTerms: GPUBuffer;
  outputs: number;
}

export function eventPropFirstSpikeSpec(): KernelSpec {
  return eventPropLayerSpec('grad/eventprop-first-spike', 'neuron', WORKGROUP);
}

export function eventPropFirstSpike(device: GPUDevice, a: EventPropFirstSpikeArgs): Dispatch {
  // no layer above: the loss gives the λ_V jumps at the output spikes; the jump terms of the last hidden layer are always written
  const layer = { jumpSource: a.first, jumpOut: a.jumpTerms, writeJumps: true, neurons: a.outputs, above: 0 };
  return eventPropLayerDispatch(device, eventPropFirstSpikeSpec(), a, layer, grid1d(a.batch * a.outputs, WORKGROUP));
}
