import { shader } from '../shaders.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const WORKGROUP = 64;

/** `threadOrder`: input columns in the thread order of neurons/lif-fused-backward's dWᵀ slices (see the WGSL). */
export const transposeSpec = (transposed: boolean, threadOrder = false): KernelSpec => ({
  name: transposed ? 'linear/transpose' : 'linear/transpose(sum only)',
  code: shader('common/grid') + shader('linear/transpose'),
  bindings: ['uniform', 'read-only-storage', 'storage', 'read-only-storage'],
  constants: { WG: WORKGROUP, TRANSPOSE: transposed, THREAD_ORDER: threadOrder },
});

function dispatch(device: GPUDevice, transposed: boolean, a: { input: GPUBuffer; output: GPUBuffer; rows: number; cols: number; slices?: number; stride?: number; outStride?: number; threadOrder?: boolean }): Dispatch {
  const slices = a.slices ?? 1;
  if (!(Number.isInteger(slices) && slices >= 1)) throw new RangeError(`transpose: slices must be a positive integer, got ${slices}`);
  if (a.threadOrder && (a.stride ?? a.cols) % 512 !== 0) throw new RangeError('transpose: thread-ordered input needs rows padded to a multiple of 512');
  if (a.threadOrder && !transposed) throw new RangeError('transpose: thread-ordered input is transposed');
  const spec = transposeSpec(transposed, !!a.threadOrder);
  const u = uniformBlock(device, spec, { rows: a.rows, cols: a.cols, slices, stride: a.stride ?? a.cols, out_stride: a.outStride ?? (transposed ? a.rows : a.cols) });
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.input, a.output, a.input],
    // thread order: a thread per four input positions (padding included)
    workgroups: grid1d(a.threadOrder ? a.rows * ((a.stride ?? a.cols) / 4) : a.rows * a.cols, WORKGROUP),
    owned: [u.buffer],
  });
}

/**
 * output [cols][rows] = Σ over `slices` (default 1) stacked input matrices [rows][cols], transposed;
 * input rows hold `stride` (default cols) elements, of which the first cols are read; output rows
 * are `outStride` (default rows) elements apart (the elements between are left as they are).
 */
export function transpose(device: GPUDevice, a: { input: GPUBuffer; output: GPUBuffer; rows: number; cols: number; slices?: number; stride?: number; outStride?: number; threadOrder?: boolean }): Dispatch {
  return dispatch(device, true, a);
}

/** output [length] = Σ_s input[s][length] over `slices` stacked vectors. */
export function sumSlices(device: GPUDevice, a: { input: GPUBuffer; output: GPUBuffer; length: number; slices: number }): Dispatch {
  return dispatch(device, false, { input: a.input, output: a.output, rows: 1, cols: a.length, slices: a.slices });
}
