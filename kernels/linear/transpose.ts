import { shader } from '../../src/shaders.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const WORKGROUP = 64;

export const transposeSpec = (transposed: boolean): KernelSpec => ({
  name: transposed ? 'linear/transpose' : 'linear/transpose(sum only)',
  code: shader('common/grid') + shader('linear/transpose'),
  bindings: ['uniform', 'read-only-storage', 'storage'],
  constants: { WG: WORKGROUP, TRANSPOSE: transposed },
});

function dispatch(device: GPUDevice, transposed: boolean, a: { input: GPUBuffer; output: GPUBuffer; rows: number; cols: number; slices?: number; stride?: number; outStride?: number }): Dispatch {
  const slices = a.slices ?? 1;
  if (!(Number.isInteger(slices) && slices >= 1)) throw new RangeError(`transpose: slices must be a positive integer, got ${slices}`);
  const spec = transposeSpec(transposed);
  const u = uniformBlock(device, spec, { rows: a.rows, cols: a.cols, slices, stride: a.stride ?? a.cols, out_stride: a.outStride ?? (transposed ? a.rows : a.cols) });
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.input, a.output],
    workgroups: grid1d(a.rows * a.cols, WORKGROUP),
    owned: [u.buffer],
  });
}

/**
 * output [cols][rows] = Σ over `slices` (default 1) stacked input matrices [rows][cols], transposed;
 * input rows hold `stride` (default cols) elements, of which the first cols are read; output rows
 * are `outStride` (default rows) elements apart (the elements between are left as they are).
 */
export function transpose(device: GPUDevice, a: { input: GPUBuffer; output: GPUBuffer; rows: number; cols: number; slices?: number; stride?: number; outStride?: number }): Dispatch {
  return dispatch(device, true, a);
}

/** output [length] = Σ_s input[s][length] over `slices` stacked vectors. */
export function sumSlices(device: GPUDevice, a: { input: GPUBuffer; output: GPUBuffer; length: number; slices: number }): Dispatch {
  return dispatch(device, false, { input: a.input, output: a.output, rows: 1, cols: a.length, slices: a.slices });
}
