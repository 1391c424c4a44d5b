import { shader } from '../shaders.js';
import { bind, grid1d, pipelineFor, uniformBlock, type KernelSpec, type UniformBlock, type Dispatch } from '../kernel.js';

export const WORKGROUP = 64;

export interface SgdHyper { lr: number; momentum: number; weightDecay: number }

export const sgdSpec = (): KernelSpec => ({
  name: 'optim/sgd',
  code: shader('common/grid') + shader('common/opt-state') + shader('common/weight-update') + shader('optim/sgd'),
  bindings: ['uniform', 'storage', 'read-only-storage', 'read-only-storage', 'storage'],
  constants: { WG: WORKGROUP },
});

export function sgd(device: GPUDevice, a: { weights: GPUBuffer; grad: GPUBuffer; velocity: GPUBuffer; state: GPUBuffer; length: number; hyper: SgdHyper }): Dispatch & { uniforms: UniformBlock } {
  const spec = sgdSpec();
  const h = a.hyper;
  const u = uniformBlock(device, spec, { length: a.length, lr: h.lr, momentum: h.momentum, weight_decay: h.weightDecay });
  const d = bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.weights, a.grad, a.state, a.velocity],
    workgroups: grid1d(a.length, WORKGROUP),
    owned: [u.buffer],
  });
  return { ...d, uniforms: u };
}
