import { shader } from '../shaders.js';
import type { LifConstants, SurrogateSnippet } from '../types.js';
import type { KernelSpec } from '../kernel.js';
import { LIF_RECURRENT_WORKGROUP, lifRecurrentScan, type LifRecurrentScan, type LifRecurrentScanArgs } from './lif-recurrent.js';

export const WORKGROUP = LIF_RECURRENT_WORKGROUP;

export interface LifRecurrentBackwardArgs extends LifRecurrentScanArgs {
  membrane: GPUBuffer;
  spikes: GPUBuffer;
  gradSpikes: GPUBuffer;
  recurrent: GPUBuffer;
  gradDrive: GPUBuffer;
  /** scratch [B][N] */
  gradMembrane: GPUBuffer;
  surrogate: SurrogateSnippet;
}

export function lifRecurrentBackwardSpec(params: LifConstants, surrogate: SurrogateSnippet): KernelSpec {
  return {
    name: `neurons/lif-recurrent-backward-step(${surrogate.name})`,
    code: shader('common/grid') + surrogate.wgsl + shader('common/lif-recurrent') + shader('neurons/lif-recurrent-backward-step'),
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'storage', 'storage'],
    dynamicStep: true,
    constants: { WG: WORKGROUP, RESET_ZERO: params.reset === 'zero', DETACH_RESET: params.detachReset },
  };
}

/** T dispatches, step slot s running time step T−1−s, in one pass. Clears row T−1 of gradDrive and gradMembrane first. */
export function lifRecurrentBackward(device: GPUDevice, a: LifRecurrentBackwardArgs): LifRecurrentScan {
  return lifRecurrentScan(
    device, lifRecurrentBackwardSpec(a.params, a.surrogate), a,
    [a.membrane, a.spikes, a.gradSpikes, a.recurrent, a.gradDrive, a.gradMembrane],
    [[a.gradDrive, a.steps - 1], [a.gradMembrane, 0]],
    a.surrogate.slope,
  );
}
