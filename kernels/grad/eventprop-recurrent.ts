import { grid1d, type Dispatch, type KernelSpec } from '../kernel.js';
import { recurrentWorkgroupSize } from '../neurons/event-lif-recurrent-forward.js';
import { eventPropLayerDispatch, eventPropLayerSpec, type HiddenLayerArgs } from './event-common.js';

export interface EventPropRecurrentArgs extends HiddenLayerArgs {
  /** w [neurons][fanIn] f32, then v [neurons][neurons] f32 (v[n][m]: from neuron m to n) */
  weights: GPUBuffer;
  /** zeroed, [batch][neurons·(fanIn + neurons)] f32: per sample dL/dw [neurons][fanIn] (eq. 2), then dL/dv [neurons][neurons] */
  gradRows: GPUBuffer;
}

export function eventPropRecurrentSpec(workgroup: number): KernelSpec {
  return eventPropLayerSpec('grad/eventprop-recurrent', 'sample', workgroup);
}

export function eventPropRecurrent(device: GPUDevice, a: EventPropRecurrentArgs): Dispatch {
  const spec = eventPropRecurrentSpec(recurrentWorkgroupSize(a.neurons));
  // one workgroup per sample
  return eventPropLayerDispatch(device, spec, a, { ...a, jumpSource: a.jumpAbove }, grid1d(a.batch, 1));
}
