import { shader } from '../shaders.js';
import type { LifConstants, SurrogateSnippet } from '../types.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const WORKGROUP = 64;

export function learningSignalSpec(surrogate: SurrogateSnippet, applyResponse: boolean): KernelSpec {
  return {
    name: `grad/learning-signal(${surrogate.name})`,
    code: shader('common/grid') + shader('common/readout-response') + surrogate.wgsl + shader('grad/learning-signal'),
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'storage'],
    constants: { WG: WORKGROUP, APPLY_RESPONSE: applyResponse },
  };
}

/** δ = σ′(U − ϑ)·λ (·scale·h[n] when `responseScale` is given), in place on `delta`. */
export function learningSignal(device: GPUDevice, a: {
  clock: GPUBuffer; membrane: GPUBuffer; delta: GPUBuffer; batch: number; neurons: number; steps: number;
  params: LifConstants; surrogate: SurrogateSnippet; responseScale?: number;
}): Dispatch {
  const spec = learningSignalSpec(a.surrogate, a.responseScale !== undefined);
  const count = a.batch * a.neurons;
  const u = uniformBlock(device, spec, {
    count, steps: a.steps, alpha: a.params.alpha, beta: a.params.beta, threshold: a.params.threshold,
    slope: a.surrogate.slope, scale: a.responseScale ?? 1,
  });
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.clock, a.membrane, a.delta],
    workgroups: grid1d(count, WORKGROUP),
    owned: [u.buffer],
  });
}
