import { shader } from '../shaders.js';
import { bind, grid1d, pipelineFor, uniformBlock, type KernelSpec, type UniformBlock, type Dispatch } from '../kernel.js';

export const WORKGROUP = 64;

export interface AdamHyper { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number }

export const adamSpec = (): KernelSpec => ({
  name: 'optim/adam',
  code: shader('common/grid') + shader('common/opt-state') + shader('common/weight-update') + shader('optim/adam'),
  bindings: ['uniform', 'storage', 'read-only-storage', 'read-only-storage', 'storage', 'storage'],
  constants: { WG: WORKGROUP },
});

export function adam(device: GPUDevice, a: { weights: GPUBuffer; grad: GPUBuffer; moment1: GPUBuffer; moment2: GPUBuffer; state: GPUBuffer; length: number; hyper: AdamHyper }): Dispatch & { uniforms: UniformBlock } {
  const spec = adamSpec();
  const h = a.hyper;
  const u = uniformBlock(device, spec, { length: a.length, lr: h.lr, beta1: h.beta1, beta2: h.beta2, eps: h.eps, weight_decay: h.weightDecay });
  const d = bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.weights, a.grad, a.state, a.moment1, a.moment2],
    workgroups: grid1d(a.length, WORKGROUP),
    owned: [u.buffer],
  });
  return { ...d, uniforms: u };
}
