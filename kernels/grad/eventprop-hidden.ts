import { grid1d, type Dispatch, type KernelSpec } from '../kernel.js';
import { EVENT_WORKGROUP, eventPropLayerDispatch, eventPropLayerSpec, type HiddenLayerArgs } from './event-common.js';

export const WORKGROUP = EVENT_WORKGROUP;

export type EventPropHiddenArgs = HiddenLayerArgs;

export function eventPropHiddenSpec(): KernelSpec {
  return eventPropLayerSpec('grad/eventprop-hidden', 'neuron', WORKGROUP);
}

export function eventPropHidden(device: GPUDevice, a: EventPropHiddenArgs): Dispatch {
  return eventPropLayerDispatch(device, eventPropHiddenSpec(), a, { ...a, jumpSource: a.jumpAbove }, grid1d(a.batch * a.neurons, WORKGROUP));
}
