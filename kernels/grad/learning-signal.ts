import { shader } from '../shaders.js';
import type { NeuronKernel, SurrogateSnippet } from '../types.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const WORKGROUP = 64;

export function learningSignalSpec(neuron: NeuronKernel, surrogate: SurrogateSnippet, applyResponse: boolean): KernelSpec {
  return {
    name: `grad/learning-signal(${neuron.kind},${surrogate.name})`,
    code: shader('common/grid') + shader('common/readout-response') + surrogate.wgsl + neuron.wgsl + neuron.tangentWgsl + shader('grad/learning-signal'),
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'storage'],
    constants: { WG: WORKGROUP, ...neuron.constants, APPLY_RESPONSE: applyResponse },
  };
}

/**
 * δ = σ′(margin(state))·λ (·scale·h[n] when `responseScale` is given), in place on `delta`;
 * h[n] is the response of the LIF readout with decays `readout` (α, β per step).
 */
export function learningSignal(device: GPUDevice, a: {
  clock: GPUBuffer; state: GPUBuffer; delta: GPUBuffer; batch: number; neurons: number; steps: number;
  neuron: NeuronKernel; readout: { alpha: number; beta: number }; surrogate: SurrogateSnippet; responseScale?: number;
}): Dispatch {
  const spec = learningSignalSpec(a.neuron, a.surrogate, a.responseScale !== undefined);
  const count = a.batch * a.neurons;
  const u = uniformBlock(device, spec, {
    count, steps: a.steps, readout_alpha: a.readout.alpha, readout_beta: a.readout.beta,
    slope: a.surrogate.slope, scale: a.responseScale ?? 1, neuron: a.neuron.uniforms,
  });
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.clock, a.state, a.delta],
    workgroups: grid1d(count, WORKGROUP),
    owned: [u.buffer],
  });
}
