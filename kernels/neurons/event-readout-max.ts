import type { Dispatch, KernelSpec } from '../kernel.js';
import { EVENT_WORKGROUP, eventReadoutDispatch, eventReadoutSpec, type EventReadoutArgs } from '../grad/event-common.js';

export const WORKGROUP = EVENT_WORKGROUP;

/** Bytes per spike record (time f32, current f32, neuron u32), as common/event-adjoint.wgsl declares it. */
export const SPIKE_RECORD_BYTES = 12;
/** Bytes per readout maximum (value f32, time f32, current f32, kind u32, spike i32). */
export const READOUT_MAX_BYTES = 20;

/** The `kind` codes of a readout maximum, in the order of `ReadoutMaxKind`. */
export const READOUT_MAX_KINDS = ['start', 'interior', 'kink', 'end'] as const;

export interface EventReadoutMaxArgs extends EventReadoutArgs {
  /** [batch][outputs] maxima records (written) */
  maxima: GPUBuffer;
}

export function eventReadoutMaxSpec(): KernelSpec {
  return eventReadoutSpec('neurons/event-readout-max', ['storage']);
}

export function eventReadoutMax(device: GPUDevice, a: EventReadoutMaxArgs): Dispatch {
  return eventReadoutDispatch(device, eventReadoutMaxSpec(), a, [a.maxima]);
}
