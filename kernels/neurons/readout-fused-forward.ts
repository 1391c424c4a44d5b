import { shader } from '../shaders.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const readoutFusedForwardSpec = (): KernelSpec => ({
  name: 'neurons/readout-fused-forward',
  code: shader('common/readout-forward-bindings') + shader('neurons/readout-fused-forward'),
  bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'storage'],
});

/** The variant for up to 16 outputs: one thread per sample, Wo as texels (`texels` = ⌈O/4⌉). */
export const readoutFusedForwardTexelsSpec = (texels: number): KernelSpec => ({
  name: 'neurons/readout-fused-forward',
  code: shader('common/readout-forward-bindings') + shader('neurons/readout-fused-forward-texels'),
  bindings: ['uniform', 'read-only-storage', 'float-texture', 'storage'],
  constants: { TEXELS: texels },
});

export const readoutTexelsSpec = (): KernelSpec => ({
  name: 'linear/readout-texels',
  code: shader('linear/readout-texels'),
  bindings: ['uniform', 'read-only-storage', 'rgba32float-storage-texture'],
});

/** Outputs the texel variant carries (4 vec4 accumulators per sample). */
const MAX_TEXEL_OUTPUTS = 16;

/**
 * y [T][B][O] from the row lists of the last hidden layer's spikes (linear/mask-lists) and Wo [O][N].
 * Up to 16 outputs (and N within the adapter's texture height) the weights are first written as
 * texels (linear/readout-texels) and one thread per sample sums all outputs; otherwise one thread
 * per (output, sample) reads Wo from the buffer.
 */
export function readoutFusedForward(device: GPUDevice, a: {
  spikeLists: GPUBuffer; weights: GPUBuffer; voltage: GPUBuffer; steps: number; batch: number; outputs: number; neurons: number; alpha: number; beta: number;
}): Dispatch {
  const params = { steps: a.steps, batch: a.batch, outputs: a.outputs, neurons: a.neurons, alpha: a.alpha, beta: a.beta };
  if (a.outputs <= MAX_TEXEL_OUTPUTS && a.neurons <= device.limits.maxTextureDimension2D) {
    const texels = Math.ceil(a.outputs / 4);
    const texture = device.createTexture({
      label: 'neurons/readout-fused-forward/weight-texels', size: [texels, a.neurons], format: 'rgba32float',
      usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.STORAGE_BINDING,
    });
    const wSpec = readoutTexelsSpec();
    const wu = uniformBlock(device, wSpec, { outputs: a.outputs, neurons: a.neurons });
    const write = bind(device, pipelineFor(device, wSpec), {
      resources: [wu.buffer, a.weights, texture.createView()],
      workgroups: [1, Math.ceil(a.neurons / 16)],
      owned: [wu.buffer, texture],
    });
    const spec = readoutFusedForwardTexelsSpec(texels);
    const u = uniformBlock(device, spec, params);
    const scan = bind(device, pipelineFor(device, spec), {
      resources: [u.buffer, a.spikeLists, texture.createView(), a.voltage],
      workgroups: grid1d(a.batch, 16),
      owned: [u.buffer],
    });
    return {
      name: scan.name,
      encode(pass) {
        write.encode(pass);
        scan.encode(pass);
      },
      destroy() {
        scan.destroy();
        write.destroy();
      },
    };
  }
  const spec = readoutFusedForwardSpec();
  const u = uniformBlock(device, spec, params);
  const y = Math.ceil(a.batch / 4);
  const z = Math.ceil(y / 65535);
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.spikeLists, a.weights, a.voltage],
    workgroups: [Math.ceil(a.outputs / 16), Math.ceil(y / z), z],
    owned: [u.buffer],
  });
}
