import { shader } from '../shaders.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const WORKGROUP = 64;

export const batchSumSpec = (accumulate = false): KernelSpec => ({
  name: 'grad/batch-sum',
  code: shader('common/grid') + shader('grad/batch-sum'),
  bindings: ['uniform', 'read-only-storage', 'storage'],
  constants: { WG: WORKGROUP, ACCUMULATE: accumulate },
});

/** out[i] = scale · Σ_b rows[b·length + i] (+ out[i] with `accumulate`) for i < length (rows: [batch][length] f32; scale 1 unless given). */
export function batchSum(device: GPUDevice, a: { rows: GPUBuffer; out: GPUBuffer; length: number; batch: number; scale?: number; accumulate?: boolean }): Dispatch {
  if (!(Number.isInteger(a.length) && a.length > 0 && Number.isInteger(a.batch) && a.batch > 0)) {
    throw new RangeError(`grad/batch-sum: length and batch must be positive integers, got ${a.length}, ${a.batch}`);
  }
  if (a.rows.size < a.length * a.batch * 4) throw new RangeError(`grad/batch-sum: rows buffer holds ${a.rows.size} bytes, needs ${a.length * a.batch * 4}`);
  if (a.out.size < a.length * 4) throw new RangeError(`grad/batch-sum: out buffer holds ${a.out.size} bytes, needs ${a.length * 4}`);
  const spec = batchSumSpec(!!a.accumulate);
  const u = uniformBlock(device, spec, { length: a.length, batch: a.batch, scale: a.scale ?? 1 });
  return bind(device, pipelineFor(device, spec), { resources: [u.buffer, a.rows, a.out], workgroups: grid1d(a.length, WORKGROUP), owned: [u.buffer] });
}
