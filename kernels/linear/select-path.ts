import { shader } from '../../src/shaders.js';
import { storageBuffer } from '../../src/gpu/buffers.js';
import { bind, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const selectPathSpec: KernelSpec = {
  name: 'linear/select-path',
  code: shader('linear/select-path'),
  bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'storage'],
};

/**
 * One spike matrix's per-call choice between event-driven and dense kernels
 * (shaders/linear/select-path.wgsl). Register the candidate dispatches with
 * `event(d)` / `dense(d)` before the first `encode`; each returns a dispatch that
 * runs `d` indirectly, with its own workgroups when its kind is chosen and none
 * otherwise. `tally` holds [event calls, dense calls, active entries of the last call].
 */
export interface PathSelector extends Dispatch {
  event(d: Dispatch): Dispatch;
  dense(d: Dispatch): Dispatch;
  /** u32 [3]: calls that ran event, calls that ran dense, active entries of the last call (offset `tallyOffset`) */
  readonly buffer: GPUBuffer;
  readonly tallyOffset: number;
}

export const MAX_PATH_SLOTS = 4;

export function selectPath(device: GPUDevice, a: { counts: GPUBuffer; rows: number; cols: number; threshold: number; label: string }): PathSelector {
  if (!(a.threshold >= 0 && a.threshold <= 1)) throw new RangeError(`activity threshold must lie in [0, 1], got ${a.threshold}`);
  const slots = 2 * MAX_PATH_SLOTS;
  const candidates = storageBuffer(device, `${a.label}/path-candidates`, 3 * slots * 4);
  const indirect = device.createBuffer({
    label: `${a.label}/path-indirect`, size: (3 * slots + 3) * 4,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.INDIRECT | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
  });
  const u = uniformBlock(device, selectPathSpec, { rows: a.rows, cols: a.cols, event_slots: MAX_PATH_SLOTS, dense_slots: MAX_PATH_SLOTS, threshold: a.threshold });
  const d = bind(device, pipelineFor(device, selectPathSpec), {
    resources: [u.buffer, a.counts, candidates, indirect], workgroups: [1], owned: [u.buffer, candidates, indirect],
  });
  const table = new Uint32Array(3 * slots);
  const used = [0, 0];
  const register = (kind: 0 | 1, inner: Dispatch): Dispatch => {
    if (!inner.workgroups || !inner.encodeIndirect) throw new Error(`selectPath: dispatch ${inner.name} cannot run indirectly`);
    if (used[kind] >= MAX_PATH_SLOTS) throw new Error(`selectPath: more than ${MAX_PATH_SLOTS} ${kind ? 'dense' : 'event'} kernels for one spike matrix`);
    const slot = kind * MAX_PATH_SLOTS + used[kind]++;
    table.set(inner.workgroups, 3 * slot);
    device.queue.writeBuffer(candidates, 0, table);
    const run = inner.encodeIndirect.bind(inner);
    return { name: `${inner.name} [${kind ? 'dense' : 'event'} if chosen]`, encode: (pass) => run(pass, indirect, 12 * slot), destroy: () => inner.destroy() };
  };
  return {
    name: d.name,
    encode: (pass) => d.encode(pass),
    destroy: () => d.destroy(),
    event: (x) => register(0, x),
    dense: (x) => register(1, x),
    buffer: indirect,
    tallyOffset: 12 * slots,
  };
}
