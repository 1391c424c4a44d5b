import { shader } from '../../src/shaders.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const WORKGROUP = 64;
export const CHUNK = 256;
/** byte size of the OptState struct shared by grad-norm, adam and sgd */
export const OPT_STATE_BYTES = 32;
export const NO_BAD_CALL = 0xffffffff;

export function gradNormSpec(entryPoint: 'partial' | 'finalize'): KernelSpec {
  return {
    name: `optim/grad-norm/${entryPoint}`,
    code: shader('common/grid') + shader('optim/grad-norm'),
    entryPoint,
    bindings: ['uniform', 'read-only-storage', 'storage', 'storage'],
    constants: entryPoint === 'partial' ? { WG: WORKGROUP } : {},
  };
}

export interface GradNorm {
  readonly dispatches: Dispatch[];
  readonly partials: GPUBuffer;
  destroy(): void;
}

/** Dispatches that compute the global norm of `grads`, the clip scale and the skip flag into `state`. */
export function gradNorm(device: GPUDevice, grads: { buffer: GPUBuffer; length: number }[], state: GPUBuffer, maxNorm: number): GradNorm {
  const slots = grads.map((g) => Math.ceil(g.length / CHUNK));
  const total = slots.reduce((s, x) => s + x, 0);
  const partials = device.createBuffer({ label: 'optim/grad-norm/partials', size: Math.max(16, total * 4), usage: GPUBufferUsage.STORAGE });
  const dispatches: Dispatch[] = [];
  const owned: GPUBuffer[] = [partials];
  let offset = 0;
  const pSpec = gradNormSpec('partial');
  grads.forEach((g, i) => {
    const u = uniformBlock(device, pSpec, { length: g.length, offset, max_norm: maxNorm });
    owned.push(u.buffer);
    dispatches.push(bind(device, pipelineFor(device, pSpec), {
      resources: [u.buffer, g.buffer, partials, state],
      workgroups: grid1d(slots[i], WORKGROUP),
    }));
    offset += slots[i];
  });
  const fSpec = gradNormSpec('finalize');
  const fu = uniformBlock(device, fSpec, { length: 0, offset: total, max_norm: maxNorm });
  owned.push(fu.buffer);
  dispatches.push(bind(device, pipelineFor(device, fSpec), { resources: [fu.buffer, grads[0].buffer, partials, state], workgroups: [1] }));
  return { dispatches, partials, destroy: () => owned.forEach((b) => b.destroy()) };
}
