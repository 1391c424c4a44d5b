import { shader } from '../shaders.js';
import { bind, indirectSlots, pipelineFor, uniformBlock, type ClearingDispatch, type Dispatch, type KernelSpec } from '../kernel.js';

export const selectGradedSpec: KernelSpec = {
  name: 'linear/select-graded',
  code: shader('linear/select-graded'),
  bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'storage'],
};

/**
 * The per-call choice between binary and graded kernel variants for one row-list buffer
 * (shaders/linear/select-graded.wgsl). Register the candidates with `binary(d)` /
 * `graded(d)` before the first `encode`; each returns a dispatch that runs `d`
 * indirectly, with its own workgroups when the lists' flag asks for its kind and none
 * otherwise. Encode the selector after the kernel that writes the flag.
 */
export interface GradedSelector extends Dispatch {
  binary(d: ClearingDispatch): ClearingDispatch;
  graded(d: ClearingDispatch): ClearingDispatch;
}

const SLOTS_PER_KIND = 2;

export function selectGraded(device: GPUDevice, a: { lists: GPUBuffer; flagIndex: number; label: string }): GradedSelector {
  const slots = indirectSlots(device, { label: `${a.label}/graded`, kinds: ['binary', 'graded'], perKind: SLOTS_PER_KIND });
  const u = uniformBlock(device, selectGradedSpec, { flag_index: a.flagIndex, binary_slots: SLOTS_PER_KIND, graded_slots: SLOTS_PER_KIND });
  const d = bind(device, pipelineFor(device, selectGradedSpec), {
    resources: [u.buffer, a.lists, slots.candidates, slots.indirect], workgroups: [1], owned: [u.buffer, slots.candidates, slots.indirect],
  });
  return {
    name: d.name,
    encode: (pass) => d.encode(pass),
    destroy: () => d.destroy(),
    binary: (x) => slots.register(0, x),
    graded: (x) => slots.register(1, x),
  };
}
