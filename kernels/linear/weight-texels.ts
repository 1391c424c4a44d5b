import { shader } from '../shaders.js';
import { bind, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const weightTexelsSpec = (transposed = false): KernelSpec => ({
  name: 'linear/weight-texels',
  code: shader('linear/weight-texels'),
  bindings: ['uniform', 'read-only-storage', 'rgba32float-storage-texture'],
  constants: { TRANSPOSED: transposed },
});

/** Texture size [width, height] holding the weights of a layer with `neurons` outputs and `inputs` inputs (see the WGSL). */
export const weightTextureSize = (neurons: number, inputs: number): [number, number] => [Math.ceil(neurons / 512) * 128, inputs];

/**
 * Texel columns that hold some neuron < N: in the last 512-neuron tile only the first
 * 32·⌈n/128⌉ (n its neurons: texel x mod 128 lies in block ⌊(x mod 128)/32⌋ of 128 neurons);
 * the forward scan's threads past N never read the others.
 */
export const usedTexels = (neurons: number): number => {
  const tiles = Math.ceil(neurons / 512);
  return 128 * (tiles - 1) + 32 * Math.ceil((neurons - 512 * (tiles - 1)) / 128);
};

/** W [N][K] (`transposed`: given as Wᵀ [K][N]) → the rgba32float texture (weightTextureSize; STORAGE_BINDING usage) that neurons/lif-fused-forward reads. */
export function weightTexels(device: GPUDevice, a: { weights: GPUBuffer; texture: GPUTexture; neurons: number; inputs: number; transposed?: boolean }): Dispatch {
  const spec = weightTexelsSpec(!!a.transposed);
  const [width] = weightTextureSize(a.neurons, a.inputs);
  const u = uniformBlock(device, spec, { neurons: a.neurons, inputs: a.inputs, texels: width });
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.weights, a.texture.createView()],
    workgroups: [Math.ceil(usedTexels(a.neurons) / 16), Math.ceil(a.inputs / 4)],
    owned: [u.buffer],
  });
}
