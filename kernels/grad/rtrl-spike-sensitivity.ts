import { shader } from '../shaders.js';
import type { SurrogateSnippet } from '../types.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const WORKGROUP = 64;

export function rtrlSpikeSensitivitySpec(surrogate: SurrogateSnippet): KernelSpec {
  return {
    name: `grad/rtrl-spike-sensitivity(${surrogate.name})`,
    code: shader('common/grid') + surrogate.wgsl + shader('grad/rtrl-spike-sensitivity'),
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'storage'],
    constants: { WG: WORKGROUP },
  };
}

/** dS = σ′(U − ϑ)·dU for [B][N][P] sensitivities; `sens` holds dU in its first B·N·P floats. */
export function rtrlSpikeSensitivity(device: GPUDevice, a: {
  membrane: GPUBuffer; sens: GPUBuffer; sensSpikes: GPUBuffer; batch: number; neurons: number; paramsLen: number;
  threshold: number; surrogate: SurrogateSnippet;
}): Dispatch {
  const spec = rtrlSpikeSensitivitySpec(a.surrogate);
  const count = a.batch * a.neurons * a.paramsLen;
  const u = uniformBlock(device, spec, { count, params_len: a.paramsLen, threshold: a.threshold, slope: a.surrogate.slope });
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.membrane, a.sens, a.sensSpikes],
    workgroups: grid1d(count, WORKGROUP),
    owned: [u.buffer],
  });
}
