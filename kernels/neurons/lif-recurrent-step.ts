import { shader } from '../shaders.js';
import type { LifConstants } from '../types.js';
import type { KernelSpec } from '../kernel.js';
import { LIF_RECURRENT_WORKGROUP, lifRecurrentScan, type LifRecurrentScan, type LifRecurrentScanArgs } from './lif-recurrent.js';

export const WORKGROUP = LIF_RECURRENT_WORKGROUP;

export interface LifRecurrentArgs extends LifRecurrentScanArgs {
  drive: GPUBuffer;
  recurrent: GPUBuffer;
  membrane: GPUBuffer;
  spikes: GPUBuffer;
  /** scratch [B][N] */
  synCurrent: GPUBuffer;
}

export function lifRecurrentStepSpec(params: LifConstants): KernelSpec {
  return {
    name: 'neurons/lif-recurrent-step',
    code: shader('common/grid') + shader('common/lif-recurrent') + shader('neurons/lif-recurrent-step'),
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'storage', 'storage', 'storage'],
    dynamicStep: true,
    constants: { WG: WORKGROUP, RESET_ZERO: params.reset === 'zero' },
  };
}

/** T dispatches, one per step, in one pass. Clears row 0 of membrane and the current first. */
export function lifRecurrentForward(device: GPUDevice, a: LifRecurrentArgs): LifRecurrentScan {
  return lifRecurrentScan(device, lifRecurrentStepSpec(a.params), a, [a.drive, a.recurrent, a.membrane, a.spikes, a.synCurrent], [[a.membrane, 0], [a.synCurrent, 0]]);
}
