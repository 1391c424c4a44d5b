import { shader } from '../../src/shaders.js';
import type { LifParams } from '../../src/neurons/lif.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const WORKGROUP = 64;

export interface LifForwardArgs {
  drive: GPUBuffer;
  membrane: GPUBuffer;
  spikes: GPUBuffer;
  steps: number;
  batch: number;
  neurons: number;
  params: LifParams;
}

export function lifForwardSpec(params: LifParams): KernelSpec {
  return {
    name: 'neurons/lif-forward',
    code: shader('common/grid') + shader('neurons/lif-forward'),
    bindings: ['uniform', 'read-only-storage', 'storage', 'storage'],
    constants: { WG: WORKGROUP, RESET_ZERO: params.reset === 'zero' },
  };
}

export function lifForward(device: GPUDevice, a: LifForwardArgs): Dispatch {
  const spec = lifForwardSpec(a.params);
  const count = a.batch * a.neurons;
  const u = uniformBlock(device, spec, {
    steps: a.steps, count, alpha: a.params.alpha, beta: a.params.beta, threshold: a.params.threshold,
  });
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.drive, a.membrane, a.spikes],
    workgroups: grid1d(count, WORKGROUP),
    owned: [u.buffer],
  });
}
