import { shader } from '../shaders.js';
import type { NeuronKernel, SurrogateSnippet } from '../types.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const WORKGROUP = 64;

export function rtrlSpikeSensitivitySpec(neuron: NeuronKernel, surrogate: SurrogateSnippet): KernelSpec {
  return {
    name: `grad/rtrl-spike-sensitivity(${neuron.kind},${surrogate.name})`,
    code: shader('common/grid') + surrogate.wgsl + neuron.wgsl + neuron.tangentWgsl + shader('grad/rtrl-spike-sensitivity'),
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'storage'],
    constants: { WG: WORKGROUP, ...neuron.constants },
  };
}

/** dS = σ′(margin)·d margin for [B][N][P] state sensitivities (NeuronState each) of a layer in `state` [B][N]. */
export function rtrlSpikeSensitivity(device: GPUDevice, a: {
  state: GPUBuffer; sens: GPUBuffer; sensSpikes: GPUBuffer; batch: number; neurons: number; paramsLen: number;
  neuron: NeuronKernel; surrogate: SurrogateSnippet;
}): Dispatch {
  const spec = rtrlSpikeSensitivitySpec(a.neuron, a.surrogate);
  const count = a.batch * a.neurons * a.paramsLen;
  const u = uniformBlock(device, spec, { count, params_len: a.paramsLen, slope: a.surrogate.slope, neuron: a.neuron.uniforms });
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.state, a.sens, a.sensSpikes],
    workgroups: grid1d(count, WORKGROUP),
    owned: [u.buffer],
  });
}
