import type { Dispatch, KernelSpec } from '../kernel.js';
import { EVENT_WORKGROUP, eventReadoutDispatch, eventReadoutSpec, type EventReadoutArgs } from './event-common.js';

export const WORKGROUP = EVENT_WORKGROUP;

export interface EventPropReadoutArgs extends EventReadoutArgs {
  /** [batch][outputs] from neurons/event-readout-max */
  maxima: GPUBuffer;
  /** [batch][outputs] f32: ∂L/∂max_t V, batch mean included */
  dMax: GPUBuffer;
  /** [batch][outputs][fanIn] f32, zeroed: per-sample weight gradients (eq. 2) */
  gradRows: GPUBuffer;
  /** [in spikes of all samples][outputs] f32: the terms of the hidden spikes' λ_V jumps */
  jumpTerms: GPUBuffer;
}

export function eventPropReadoutSpec(): KernelSpec {
  return eventReadoutSpec('grad/eventprop-readout', ['read-only-storage', 'read-only-storage', 'storage', 'storage']);
}

export function eventPropReadout(device: GPUDevice, a: EventPropReadoutArgs): Dispatch {
  return eventReadoutDispatch(device, eventPropReadoutSpec(), a, [a.maxima, a.dMax, a.gradRows, a.jumpTerms]);
}
