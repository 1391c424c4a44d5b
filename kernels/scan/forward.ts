import { shader } from '../shaders.js';
import type { NeuronKernel } from '../types.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const WORKGROUP = 64;

/** One feed-forward spiking layer over T steps (shaders/scan/forward.wgsl). Buffers [T][B][N] f32. */
export interface ScanForwardArgs {
  /** W·S_in per step (read) */
  drive: GPUBuffer;
  /** what each step keeps for the backward scan (write; for LIF the membrane U[n]) */
  saved: GPUBuffer;
  /** S[n] (write) */
  spikes: GPUBuffer;
  steps: number;
  batch: number;
  neurons: number;
  neuron: NeuronKernel;
}

export function scanForwardSpec(neuron: NeuronKernel): KernelSpec {
  return {
    name: `scan/forward(${neuron.kind})`,
    code: shader('common/grid') + neuron.wgsl + shader('scan/forward'),
    bindings: ['uniform', 'read-only-storage', 'storage', 'storage'],
    constants: { WG: WORKGROUP, ...neuron.constants },
  };
}

export function scanForward(device: GPUDevice, a: ScanForwardArgs): Dispatch {
  const spec = scanForwardSpec(a.neuron);
  const count = a.batch * a.neurons;
  const u = uniformBlock(device, spec, { steps: a.steps, count, neuron: a.neuron.uniforms });
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.drive, a.saved, a.spikes],
    workgroups: grid1d(count, WORKGROUP),
    owned: [u.buffer],
  });
}
