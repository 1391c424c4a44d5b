import { shader } from '../../src/shaders.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';
import { maskWords } from './spike-mask.js';

export const WORKGROUP = 64;

/**
 * u32 elements of a row-list buffer for [rows][cols]: counts [rows], index [rows][cols], then one
 * flag word (nonzero: some value is neither 0 nor 1; written by linear/spike-mask, zero otherwise).
 */
export const rowListLength = (rows: number, cols: number): number => rows + rows * cols + 1;

export const maskListsSpec = (): KernelSpec => ({
  name: 'linear/mask-lists',
  code: shader('common/grid') + shader('linear/mask-lists'),
  bindings: ['uniform', 'read-only-storage', 'storage'],
  constants: { WG: WORKGROUP },
});

/** Row event lists (counts, then indices; rowListLength) from a spike mask (linear/spike-mask layout). */
export function maskLists(device: GPUDevice, a: { mask: GPUBuffer; lists: GPUBuffer; rows: number; cols: number }): Dispatch {
  const spec = maskListsSpec();
  const u = uniformBlock(device, spec, { rows: a.rows, cols: a.cols, words: maskWords(a.cols) });
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.mask, a.lists],
    workgroups: grid1d(a.rows, WORKGROUP),
    owned: [u.buffer],
  });
}
