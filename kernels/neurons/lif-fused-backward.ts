import { shader } from '../shaders.js';
import type { LifConstants, SurrogateSnippet } from '../types.js';
import { bind, pipelineFor, placeholders, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';
import { halfMembraneWords } from './lif-fused-forward.js';

/** Neurons covered by one workgroup (threads × neurons per thread, fixed in the WGSL). */
export const NEURONS_PER_WORKGROUP = 512;

/** Columns of a dWᵀ row in the fused backward's slices: N rounded up to a multiple of NEURONS_PER_WORKGROUP. */
export const paddedNeurons = (neurons: number): number => Math.ceil(neurons / NEURONS_PER_WORKGROUP) * NEURONS_PER_WORKGROUP;

export interface LifFusedBackwardArgs {
  /** U as neurons/lif-fused-forward stored it (with the same `storage`) */
  membrane: GPUBuffer;
  /** membrane storage (default 'f32') */
  storage?: 'f32' | 'f16';
  /**
   * the layer under the readout: dL/dy [T][B][O] (the readout voltage gradient), the readout
   * weights and the readout's α, β (dL/dS follows from them by the readout's recurrence), and
   * the rows where dL/dy is nonzero (rowLive, from neurons/readout-fused-backward)
   */
  top?: {
    gradVoltage: GPUBuffer; readoutWeights: GPUBuffer; rowLive: GPUBuffer; outputs: number; alpha: number; beta: number;
    /** Wo as linear/weight-texels' texels (transposed; weightTextureSize(N, O)), read instead of readoutWeights */
    readoutTexture?: GPUTexture;
  };
  /** otherwise dL/dS [T][B][N] from the layer above */
  gradSpikes?: GPUBuffer;
  inSpikes: GPUBuffer;
  inLists: GPUBuffer;
  /** dWᵀ per sample chunk [chunks][K][paddedNeurons(N)] (overwritten); absent: no weight gradient here (gradDrive is then needed) */
  gradWeightsT?: GPUBuffer;
  /** sample chunks scanned in parallel (each with its own gradient slices) */
  chunks: number;
  /** dL/d drive [T][B][N], written when given */
  gradDrive?: GPUBuffer;
  steps: number;
  batch: number;
  neurons: number;
  inputs: number;
  params: LifConstants;
  surrogate: SurrogateSnippet;
  /** inputs may take values other than 0 and 1 (see lifFusedForward) */
  graded?: boolean;
}

export function lifFusedBackwardSpec(
  params: LifConstants, surrogate: SurrogateSnippet, top: boolean, writeGradDrive: boolean, weightGrad = true, storage: 'f32' | 'f16' = 'f32', graded = false, outTexture = false,
): KernelSpec {
  return {
    name: `neurons/lif-fused-backward(${surrogate.name})`,
    code: surrogate.wgsl + shader('neurons/lif-fused-backward'),
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'storage', 'storage', 'read-only-storage', 'float-texture'],
    constants: {
      TOP: top, RESET_ZERO: params.reset === 'zero', DETACH_RESET: params.detachReset, WRITE_GRAD_DRIVE: writeGradDrive, WEIGHT_GRAD: weightGrad,
      HALF: storage === 'f16', GRADED: graded, OUT_TEXTURE: outTexture,
    },
  };
}

export function lifFusedBackward(device: GPUDevice, a: LifFusedBackwardArgs): Dispatch {
  if (!(Number.isInteger(a.chunks) && a.chunks >= 1 && a.chunks <= 65535)) throw new RangeError(`lifFusedBackward: chunks must be an integer in [1, 65535], got ${a.chunks}`);
  if (!a.top === !a.gradSpikes) throw new Error('lifFusedBackward: give exactly one of top and gradSpikes');
  if (!a.gradWeightsT && !a.gradDrive) throw new Error('lifFusedBackward: without gradWeightsT the gradient must go to gradDrive');
  const outTexture = a.top?.readoutTexture;
  const spec = lifFusedBackwardSpec(a.params, a.surrogate, !!a.top, !!a.gradDrive, !!a.gradWeightsT, a.storage, !!a.graded, !!outTexture);
  const u = uniformBlock(device, spec, {
    steps: a.steps, batch: a.batch, neurons: a.neurons, inputs: a.inputs, outputs: a.top?.outputs ?? 0, chunks: a.chunks, padded: paddedNeurons(a.neurons),
    half_words: halfMembraneWords(a.neurons),
    alpha: a.params.alpha, beta: a.params.beta, threshold: a.params.threshold, slope: a.surrogate.slope,
    readout_alpha: a.top?.alpha ?? 0, readout_beta: a.top?.beta ?? 0,
  });
  // bindings the variant does not use take small placeholders of their own
  const unused = placeholders(device, spec.name);
  const resources = [
    u.buffer, a.membrane, a.top?.gradVoltage ?? a.gradSpikes!, a.top?.readoutWeights ?? unused.buffer(),
    a.inSpikes, a.inLists, a.gradWeightsT ?? unused.buffer(), a.gradDrive ?? unused.buffer(), a.top?.rowLive ?? unused.buffer(),
    (outTexture ?? unused.texture()).createView(),
  ];
  return bind(device, pipelineFor(device, spec), {
    resources,
    workgroups: [Math.ceil(a.neurons / NEURONS_PER_WORKGROUP), a.chunks],
    owned: [u.buffer, ...unused.owned],
  });
}
