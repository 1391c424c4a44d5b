import { shader } from '../shaders.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const WORKGROUP = 64;

/** `quads`: the column count is a multiple of 4 (rows read as vec4 values). */
export const rowListsSpec = (quads = false): KernelSpec => ({
  name: 'linear/row-lists',
  code: shader('common/grid') + shader('linear/row-lists'),
  bindings: ['uniform', 'read-only-storage', 'storage', 'read-only-storage'],
  constants: { WG: WORKGROUP, QUADS: quads },
});

/**
 * Row event lists (counts, indices, flag: the layout of linear/mask-lists, rowListLength)
 * of spikes [rows][cols]; `clear` zeroes the flag word before the dispatch.
 */
export function rowLists(device: GPUDevice, a: { spikes: GPUBuffer; lists: GPUBuffer; rows: number; cols: number }): Dispatch & { clear(enc: GPUCommandEncoder): void } {
  const spec = rowListsSpec(a.cols % 4 === 0);
  const u = uniformBlock(device, spec, { rows: a.rows, cols: a.cols });
  const d = bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.spikes, a.lists, a.spikes],
    workgroups: grid1d(a.rows, WORKGROUP),
    owned: [u.buffer],
  });
  return { ...d, clear: (enc) => enc.clearBuffer(a.lists, 4 * (a.rows + a.rows * a.cols), 4) };
}
