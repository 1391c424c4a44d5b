import { shader } from '../shaders.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const WORKGROUP = 64;

export const contractLogitsSpec = (): KernelSpec => ({
  name: 'grad/contract-logits',
  code: shader('common/grid') + shader('grad/contract-logits'),
  bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'storage'],
  constants: { WG: WORKGROUP },
});

/** grad[p] = Σ_b Σ_o g[b,o]·Q[b,o,p]. */
export function contractLogits(device: GPUDevice, a: { g: GPUBuffer; q: GPUBuffer; grad: GPUBuffer; batch: number; outputs: number; paramsLen: number }): Dispatch {
  const spec = contractLogitsSpec();
  const u = uniformBlock(device, spec, { batch: a.batch, outputs: a.outputs, params_len: a.paramsLen });
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.g, a.q, a.grad],
    workgroups: grid1d(a.paramsLen, WORKGROUP),
    owned: [u.buffer],
  });
}
