import { shader } from '../shaders.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const WORKGROUP = 64;

export const unpackBitsSpec: KernelSpec = {
  name: 'linear/unpack-bits',
  code: shader('common/grid') + shader('linear/unpack-bits'),
  bindings: ['uniform', 'read-only-storage', 'storage'],
  constants: { WG: WORKGROUP },
};

/** f32 spikes [rows][cols] from spike bits in the 'bits' input format ([rows][⌈cols/32⌉] u32 words). */
export function unpackBits(device: GPUDevice, a: { bits: GPUBuffer; spikes: GPUBuffer; rows: number; cols: number }): Dispatch {
  const u = uniformBlock(device, unpackBitsSpec, { rows: a.rows, cols: a.cols, words: Math.ceil(a.cols / 32) });
  return bind(device, pipelineFor(device, unpackBitsSpec), {
    resources: [u.buffer, a.bits, a.spikes],
    workgroups: grid1d(a.rows * a.cols, WORKGROUP),
    owned: [u.buffer],
  });
}
