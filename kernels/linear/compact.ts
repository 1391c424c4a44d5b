import { shader } from '../../src/shaders.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const WORKGROUP = 64;

/** Event lists of a spike matrix [rows][cols]: per row (active columns) or per column (active rows). */
export interface SpikeLists {
  readonly counts: GPUBuffer;
  readonly index: GPUBuffer;
}

export const compactSpec = (axis: 'rows' | 'cols'): KernelSpec => ({
  name: `linear/compact-${axis}`,
  code: shader('common/grid') + shader('common/compact-lists') + shader(`linear/compact-${axis}`),
  bindings: ['uniform', 'read-only-storage', 'storage', 'storage'],
  constants: { WG: WORKGROUP },
});

export function compact(device: GPUDevice, a: { spikes: GPUBuffer; rows: number; cols: number; axis: 'rows' | 'cols'; lists: SpikeLists }): Dispatch {
  const spec = compactSpec(a.axis);
  const u = uniformBlock(device, spec, { rows: a.rows, cols: a.cols });
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.spikes, a.lists.counts, a.lists.index],
    workgroups: grid1d(a.axis === 'rows' ? a.rows : a.cols, WORKGROUP),
    owned: [u.buffer],
  });
}
