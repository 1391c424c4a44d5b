import { shader } from '../../src/shaders.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const WORKGROUP = 64;

export const rowListsSpec = (): KernelSpec => ({
  name: 'linear/row-lists',
  code: shader('common/grid') + shader('linear/row-lists'),
  bindings: ['uniform', 'read-only-storage', 'storage'],
  constants: { WG: WORKGROUP },
});

/**
 * Row event lists (counts, indices, flag: the layout of linear/mask-lists, rowListLength)
 * of spikes [rows][cols]; `clear` zeroes the flag word before the dispatch.
 */
export function rowLists(device: GPUDevice, a: { spikes: GPUBuffer; lists: GPUBuffer; rows: number; cols: number }): Dispatch & { clear(enc: GPUCommandEncoder): void } {
  const spec = rowListsSpec();
  const u = uniformBlock(device, spec, { rows: a.rows, cols: a.cols });
  const d = bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.spikes, a.lists],
    workgroups: grid1d(a.rows, WORKGROUP),
    owned: [u.buffer],
  });
  return { ...d, clear: (enc) => enc.clearBuffer(a.lists, 4 * (a.rows + a.rows * a.cols), 4) };
}
