import { shader } from '../../src/shaders.js';
import type { LifParams } from '../../src/neurons/lif.js';
import { maskWords } from '../linear/spike-mask.js';
import { bind, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

/** Neurons covered by one workgroup (threads × neurons per thread, fixed in the WGSL). */
export const NEURONS_PER_WORKGROUP = 512;

/** Columns of a Wᵀ row read by the fused forward: N rounded up to a multiple of NEURONS_PER_WORKGROUP (padding is read only for neurons ≥ N). */
export const paddedInputWeights = (neurons: number): number => Math.ceil(neurons / NEURONS_PER_WORKGROUP) * NEURONS_PER_WORKGROUP;

export interface LifFusedForwardArgs {
  /** S_in [T·B][K] (values; zero = inactive) */
  inSpikes: GPUBuffer;
  /** row lists of S_in (linear/mask-lists) */
  inLists: GPUBuffer;
  /** Wᵀ [K][paddedInputWeights(N)] */
  weightsT: GPUBuffer;
  membrane: GPUBuffer;
  spikes: GPUBuffer;
  /** [T·B][maskWords(N)] u32; cleared by the dispatch's `clear` */
  spikeMask: GPUBuffer;
  steps: number;
  batch: number;
  neurons: number;
  inputs: number;
  params: LifParams;
}

export function lifFusedForwardSpec(params: LifParams): KernelSpec {
  return {
    name: 'neurons/lif-fused-forward',
    code: shader('neurons/lif-fused-forward'),
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'storage', 'storage', 'storage'],
    constants: { RESET_ZERO: params.reset === 'zero' },
  };
}

/** Workgroups of NEURONS_PER_WORKGROUP neurons, one row of them per sample (y, split over z past 65535). */
function grid(neurons: number, batch: number, max = 65535): [number, number, number] {
  const z = Math.ceil(batch / max);
  return [Math.ceil(neurons / NEURONS_PER_WORKGROUP), Math.ceil(batch / z), z];
}

export function lifFusedForward(device: GPUDevice, a: LifFusedForwardArgs): Dispatch & { clear(enc: GPUCommandEncoder): void } {
  const spec = lifFusedForwardSpec(a.params);
  const u = uniformBlock(device, spec, {
    steps: a.steps, batch: a.batch, neurons: a.neurons, inputs: a.inputs, words: maskWords(a.neurons), padded: paddedInputWeights(a.neurons),
    alpha: a.params.alpha, beta: a.params.beta, threshold: a.params.threshold,
  });
  const d = bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.inSpikes, a.inLists, a.weightsT, a.membrane, a.spikes, a.spikeMask],
    workgroups: grid(a.neurons, a.batch),
    owned: [u.buffer],
  });
  return { ...d, clear: (enc) => enc.clearBuffer(a.spikeMask) };
}
