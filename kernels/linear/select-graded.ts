import { shader } from '../../src/shaders.js';
import { storageBuffer } from '../../src/gpu/buffers.js';
import { bind, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

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
type Clearing = Dispatch & { clear?(enc: GPUCommandEncoder): void };

export interface GradedSelector extends Dispatch {
  binary<D extends Clearing>(d: D): Clearing;
  graded<D extends Clearing>(d: D): Clearing;
}

const SLOTS_PER_KIND = 2;

export function selectGraded(device: GPUDevice, a: { lists: GPUBuffer; flagIndex: number; label: string }): GradedSelector {
  const slots = 2 * SLOTS_PER_KIND;
  const candidates = storageBuffer(device, `${a.label}/graded-candidates`, 3 * slots * 4);
  const indirect = device.createBuffer({
    label: `${a.label}/graded-indirect`, size: 3 * slots * 4,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.INDIRECT,
  });
  const u = uniformBlock(device, selectGradedSpec, { flag_index: a.flagIndex, binary_slots: SLOTS_PER_KIND, graded_slots: SLOTS_PER_KIND });
  const d = bind(device, pipelineFor(device, selectGradedSpec), {
    resources: [u.buffer, a.lists, candidates, indirect], workgroups: [1], owned: [u.buffer, candidates, indirect],
  });
  const table = new Uint32Array(3 * slots);
  const used = [0, 0];
  const register = (kind: 0 | 1, inner: Clearing): Clearing => {
    if (!inner.workgroups || !inner.encodeIndirect) throw new Error(`selectGraded: dispatch ${inner.name} cannot run indirectly`);
    if (used[kind] >= SLOTS_PER_KIND) throw new Error(`selectGraded: more than ${SLOTS_PER_KIND} ${kind ? 'graded' : 'binary'} kernels for one list`);
    const slot = kind * SLOTS_PER_KIND + used[kind]++;
    table.set(inner.workgroups, 3 * slot);
    device.queue.writeBuffer(candidates, 0, table);
    const run = inner.encodeIndirect.bind(inner);
    // the kernel's own name (profiles sum both variants under it: the one not chosen runs no
    // workgroups); buffers the inner dispatch clears are cleared whichever variant runs
    return { name: inner.name, encode: (pass) => run(pass, indirect, 12 * slot), destroy: () => inner.destroy(), clear: inner.clear };
  };
  return {
    name: d.name,
    encode: (pass) => d.encode(pass),
    destroy: () => d.destroy(),
    binary: (x) => register(0, x),
    graded: (x) => register(1, x),
  };
}
