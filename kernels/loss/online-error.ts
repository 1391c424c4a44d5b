import { shader } from '../shaders.js';
import { bind, pipelineFor, uniformBlock, type Dispatch, type KernelSpec, type UniformBlock } from '../kernel.js';
import { MAX_OUTPUTS } from './cross-entropy.js';

export const onlineErrorSpec = (): KernelSpec => ({
  name: 'loss/online-error',
  code: shader('loss/online-error'),
  bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'storage'],
});

/** err = running estimate of dL/dlogits at step n = clock[0]. */
export function onlineError(device: GPUDevice, a: {
  clock: GPUBuffer; logits: GPUBuffer; labels: GPUBuffer; err: GPUBuffer; batch: number; outputs: number; steps: number;
}): Dispatch & { uniforms: UniformBlock } {
  if (a.outputs > MAX_OUTPUTS) throw new RangeError(`online error supports at most ${MAX_OUTPUTS} outputs, got ${a.outputs}`);
  const spec = onlineErrorSpec();
  const u = uniformBlock(device, spec, { batch: a.batch, outputs: a.outputs, steps: a.steps, valid: a.batch });
  const d = bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.clock, a.logits, a.labels, a.err],
    workgroups: [Math.ceil(a.batch / 64)],
    owned: [u.buffer],
  });
  return { ...d, uniforms: u };
}
