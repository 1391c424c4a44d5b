import { shader } from '../../src/shaders.js';
import type { LifParams } from '../../src/neurons/lif.js';
import type { Surrogate } from '../../src/surrogates.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const WORKGROUP = 64;

export interface LifBackwardArgs {
  membrane: GPUBuffer;
  spikes: GPUBuffer;
  gradSpikes: GPUBuffer;
  gradDrive: GPUBuffer;
  steps: number;
  batch: number;
  neurons: number;
  params: LifParams;
  surrogate: Surrogate;
}

export function lifBackwardSpec(params: LifParams, surrogate: Surrogate): KernelSpec {
  return {
    name: `neurons/lif-backward(${surrogate.name})`,
    code: shader('common/grid') + surrogate.wgsl + shader('neurons/lif-backward'),
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'storage'],
    constants: { WG: WORKGROUP, RESET_ZERO: params.reset === 'zero', DETACH_RESET: params.detachReset },
  };
}

export function lifBackward(device: GPUDevice, a: LifBackwardArgs): Dispatch {
  const spec = lifBackwardSpec(a.params, a.surrogate);
  const count = a.batch * a.neurons;
  const u = uniformBlock(device, spec, {
    steps: a.steps, count, alpha: a.params.alpha, beta: a.params.beta,
    threshold: a.params.threshold, slope: a.surrogate.slope,
  });
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.membrane, a.spikes, a.gradSpikes, a.gradDrive],
    workgroups: grid1d(count, WORKGROUP),
    owned: [u.buffer],
  });
}
