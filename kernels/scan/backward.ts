import { shader } from '../shaders.js';
import type { NeuronKernel, SurrogateSnippet } from '../types.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const WORKGROUP = 64;

/** Surrogate-gradient BPTT through one feed-forward spiking layer (shaders/scan/backward.wgsl). Buffers [T][B][N] f32. */
export interface ScanBackwardArgs {
  /** what scan/forward kept per step (read) */
  saved: GPUBuffer;
  spikes: GPUBuffer;
  /** dL/dS[n] from the layer above (read) */
  gradSpikes: GPUBuffer;
  /** dL/d drive[n] (write) */
  gradDrive: GPUBuffer;
  steps: number;
  batch: number;
  neurons: number;
  neuron: NeuronKernel;
  surrogate: SurrogateSnippet;
}

export function scanBackwardSpec(neuron: NeuronKernel, surrogate: SurrogateSnippet): KernelSpec {
  return {
    name: `scan/backward(${neuron.kind}, ${surrogate.name})`,
    code: shader('common/grid') + surrogate.wgsl + neuron.wgsl + neuron.gradWgsl + shader('scan/backward'),
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'storage'],
    constants: { WG: WORKGROUP, ...neuron.constants },
  };
}

export function scanBackward(device: GPUDevice, a: ScanBackwardArgs): Dispatch {
  const spec = scanBackwardSpec(a.neuron, a.surrogate);
  const count = a.batch * a.neurons;
  const u = uniformBlock(device, spec, { steps: a.steps, count, neuron: a.neuron.uniforms, slope: a.surrogate.slope });
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.saved, a.spikes, a.gradSpikes, a.gradDrive],
    workgroups: grid1d(count, WORKGROUP),
    owned: [u.buffer],
  });
}
