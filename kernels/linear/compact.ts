import { shader } from '../shaders.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const WORKGROUP = 64;

/** Event lists of a spike matrix [rows][cols]: per row (active columns; compact) or per column (active rows; linear/col-lists). */
export interface SpikeLists {
  readonly counts: GPUBuffer;
  readonly index: GPUBuffer;
}

export const compactSpec = (): KernelSpec => ({
  name: 'linear/compact-rows',
  code: shader('common/grid') + shader('common/compact-lists') + shader('linear/compact-rows'),
  bindings: ['uniform', 'read-only-storage', 'storage', 'storage'],
  constants: { WG: WORKGROUP },
});

/** Row event lists of spikes [rows][cols] (linear/col-lists turns them into column lists). */
export function compact(device: GPUDevice, a: { spikes: GPUBuffer; rows: number; cols: number; lists: SpikeLists }): Dispatch {
  const spec = compactSpec();
  const u = uniformBlock(device, spec, { rows: a.rows, cols: a.cols });
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.spikes, a.lists.counts, a.lists.index],
    workgroups: grid1d(a.rows, WORKGROUP),
    owned: [u.buffer],
  });
}
