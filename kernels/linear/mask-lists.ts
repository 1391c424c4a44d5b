import { shader } from '../shaders.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const WORKGROUP = 64;

/** Mask words per row of a spike matrix with `cols` columns (thread-word layout; see linear/mask-lists.wgsl). */
export const maskWords = (cols: number): number => 16 * Math.ceil(cols / 512);

/** Word and bit of column k in a mask row (thread-word layout): k = k0(word) + 4·bit. */
export function maskBit(k: number): { word: number; bit: number } {
  const base = k % 4 + 128 * Math.floor(k / 128);
  return { word: 16 * Math.floor(k / 512) + 4 * Math.floor((k % 512) / 128) + (k % 4), bit: (k - base) / 4 };
}

/**
 * u32 elements of a row-list buffer for [rows][cols]: counts [rows], index [rows][cols], then one
 * flag word (nonzero: some value is neither 0 nor 1; written by linear/row-lists, zero otherwise).
 */
export const rowListLength = (rows: number, cols: number): number => rows + rows * cols + 1;

/** `plain`: masks in the 'bits' input format (bit j of word w is column 32·w + j) rather than the thread-word layout */
export const maskListsSpec = (plain = false): KernelSpec => ({
  name: plain ? 'linear/mask-lists(bits)' : 'linear/mask-lists',
  code: shader('common/grid') + shader('linear/mask-lists'),
  bindings: ['uniform', 'read-only-storage', 'storage'],
  constants: { WG: WORKGROUP, PLAIN: plain },
});

/**
 * Row event lists (counts, then indices; rowListLength) from a spike mask: the thread-word layout
 * (maskWords per row), or with `plain` the 'bits' input format (spikeBitWords per row: input spikes).
 * The flag word is not written (bits are binary; it stays as it is).
 */
export function maskLists(device: GPUDevice, a: { mask: GPUBuffer; lists: GPUBuffer; rows: number; cols: number; plain?: boolean }): Dispatch {
  const spec = maskListsSpec(!!a.plain);
  const u = uniformBlock(device, spec, { rows: a.rows, cols: a.cols, words: a.plain ? Math.ceil(a.cols / 32) : maskWords(a.cols) });
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.mask, a.lists],
    workgroups: grid1d(a.rows, WORKGROUP),
    owned: [u.buffer],
  });
}
