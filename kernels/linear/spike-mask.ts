import { shader } from '../../src/shaders.js';
import { bind, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

/** Mask words per row of a spike matrix with `cols` columns (lane-strided layout of linear/spike-mask). */
export const maskWords = (cols: number): number => 32 * Math.ceil(cols / 1024);

export const spikeMaskSpec = (): KernelSpec => ({
  name: 'linear/spike-mask',
  code: shader('linear/spike-mask'),
  bindings: ['uniform', 'read-only-storage', 'storage', 'storage'],
});

/** Workgroups of (32, 2) threads over (words, rows), rows split over z past 65535 groups. */
export function maskGrid(words: number, rows: number, max = 65535): [number, number, number] {
  const y = Math.ceil(rows / 2);
  const z = Math.ceil(y / max);
  return [Math.ceil(words / 32), Math.ceil(y / z), z];
}

/**
 * mask [rows][maskWords(cols)] of the nonzero entries of spikes [rows][cols]. The flag word
 * of `lists` (a row-list buffer of linear/mask-lists; cleared by `clear`) becomes nonzero
 * when some entry is neither 0 nor 1.
 */
export function spikeMask(device: GPUDevice, a: { spikes: GPUBuffer; mask: GPUBuffer; lists: GPUBuffer; rows: number; cols: number }): Dispatch & { clear(enc: GPUCommandEncoder): void } {
  const spec = spikeMaskSpec();
  const words = maskWords(a.cols);
  const flagIndex = a.rows + a.rows * a.cols;
  const u = uniformBlock(device, spec, { rows: a.rows, cols: a.cols, words, flag_index: flagIndex });
  const d = bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.spikes, a.mask, a.lists],
    workgroups: maskGrid(words, a.rows),
    owned: [u.buffer],
  });
  return { ...d, clear: (enc) => enc.clearBuffer(a.lists, 4 * flagIndex, 4) };
}
