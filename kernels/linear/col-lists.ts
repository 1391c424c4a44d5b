import { shader } from '../shaders.js';
import { bind, grid1d, pipelineFor, uniformBlock, type ClearingDispatch, type KernelSpec } from '../kernel.js';
import type { SpikeLists } from './compact.js';

export const WORKGROUP = 16;
/** Row chunks of the passes by default (one thread each in the first and last pass). */
export const DEFAULT_CHUNKS = 256;

export const colListsSpec = (phase: 0 | 1 | 2): KernelSpec => ({
  name: `linear/col-lists/${['tally', 'offsets', 'scatter'][phase]}`,
  code: shader('common/grid') + shader('linear/col-lists'),
  bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'storage', 'storage', 'storage'],
  constants: { WG: WORKGROUP, PHASE: phase },
});

/**
 * Column event lists (counts [cols], index [cols·rows],
 * rows ascending) from row event lists: `rowLists` one buffer in the layout of linear/row-lists
 * and linear/mask-lists (counts, then indices), or compact's two. Three dispatches
 * over the events, in order (the first zeroes its tally); the rows are cut into `chunks`
 * chunks of ⌈rows / chunks⌉ rows (default DEFAULT_CHUNKS).
 */
export function colLists(device: GPUDevice, a: { rowLists: GPUBuffer | SpikeLists; rows: number; cols: number; lists: SpikeLists; chunks?: number }): ClearingDispatch[] {
  const chunks = a.chunks ?? DEFAULT_CHUNKS;
  if (!(Number.isInteger(chunks) && chunks >= 1)) throw new RangeError(`colLists: chunks must be a positive integer, got ${chunks}`);
  const chunkRows = Math.ceil(a.rows / chunks);
  const tally = device.createBuffer({ label: 'linear/col-lists/tally', size: 4 * chunks * a.cols, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  const joined = !('counts' in a.rowLists);
  const [rowCounts, rowIndex] = 'counts' in a.rowLists ? [a.rowLists.counts, a.rowLists.index] : [a.rowLists, a.rowLists];
  return ([0, 1, 2] as const).map((phase): ClearingDispatch => {
    const spec = colListsSpec(phase);
    const u = uniformBlock(device, spec, { rows: a.rows, cols: a.cols, chunks, chunk_rows: chunkRows, index_base: joined ? a.rows : 0 });
    const d = bind(device, pipelineFor(device, spec), {
      resources: [u.buffer, rowCounts, rowIndex, tally, a.lists.counts, a.lists.index],
      workgroups: grid1d(phase === 1 ? a.cols : chunks, WORKGROUP),
      owned: phase === 0 ? [u.buffer, tally] : [u.buffer],
    });
    return phase === 0 ? { ...d, clear: (enc: GPUCommandEncoder) => enc.clearBuffer(tally) } : d;
  });
}
