import { shader } from '../shaders.js';
import { bind, indirectSlots, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

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

export const MAX_PATH_SLOTS = 8;

export function selectPath(device: GPUDevice, a: { counts: GPUBuffer; rows: number; cols: number; threshold: number; label: string }): PathSelector {
  if (!(a.threshold >= 0 && a.threshold <= 1)) throw new RangeError(`activity threshold must lie in [0, 1], got ${a.threshold}`);
  // three words after the slots: the tallies
  const slots = indirectSlots(device, { label: `${a.label}/path`, kinds: ['event', 'dense'], perKind: MAX_PATH_SLOTS, extraWords: 3 });
  const u = uniformBlock(device, selectPathSpec, { rows: a.rows, cols: a.cols, event_slots: MAX_PATH_SLOTS, dense_slots: MAX_PATH_SLOTS, threshold: a.threshold });
  const d = bind(device, pipelineFor(device, selectPathSpec), {
    resources: [u.buffer, a.counts, slots.candidates, slots.indirect], workgroups: [1], owned: [u.buffer, slots.candidates, slots.indirect],
  });
  return {
    name: d.name,
    encode: (pass) => d.encode(pass),
    destroy: () => d.destroy(),
    event: (x) => slots.register(0, x),
    dense: (x) => slots.register(1, x),
    buffer: slots.indirect,
    tallyOffset: 12 * slots.slots,
  };
}
