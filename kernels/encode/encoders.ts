import { shader } from '../../src/shaders.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec, type UniformBlock } from '../kernel.js';

export const WORKGROUP = 64;

export interface EncodeArgs {
  /** the data set's pixels, u8 packed 4 per u32 */
  pixels: GPUBuffer;
  sampleIndex: GPUBuffer;
  spikes: GPUBuffer;
  steps: number;
  batch: number;
  inputs: number;
}

export const poissonSpec = (): KernelSpec => ({
  name: 'encode/poisson',
  code: shader('common/grid') + shader('common/rng') + shader('encode/poisson'),
  bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'storage'],
  constants: { WG: WORKGROUP },
});

export const latencySpec = (log: boolean): KernelSpec => ({
  name: 'encode/latency',
  code: shader('common/grid') + shader('encode/latency'),
  bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'storage'],
  constants: { WG: WORKGROUP, LOG: log },
});

export type EncodeDispatch = Dispatch & { uniforms: UniformBlock };

function encodeDispatch(device: GPUDevice, spec: KernelSpec, a: EncodeArgs, values: Record<string, number>): EncodeDispatch {
  const u = uniformBlock(device, spec, { steps: a.steps, batch: a.batch, inputs: a.inputs, valid: a.batch, ...values });
  const d = bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.pixels, a.sampleIndex, a.spikes],
    workgroups: grid1d(a.steps * a.batch * a.inputs, WORKGROUP),
    owned: [u.buffer],
  });
  return { ...d, uniforms: u };
}

export function poissonEncode(device: GPUDevice, a: EncodeArgs & { seed: number; rate: number }): EncodeDispatch {
  return encodeDispatch(device, poissonSpec(), a, { seed: a.seed >>> 0, rate: a.rate });
}

export function latencyEncode(device: GPUDevice, a: EncodeArgs & { log: boolean; threshold: number; tau: number }): EncodeDispatch {
  return encodeDispatch(device, latencySpec(a.log), a, { threshold: a.threshold, tau: a.tau });
}
