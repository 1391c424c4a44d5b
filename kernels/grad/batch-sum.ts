import { shader } from '../../src/shaders.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const WORKGROUP = 64;

export const batchSumSpec = (): KernelSpec => ({
  name: 'grad/batch-sum',
  code: shader('common/grid') + shader('grad/batch-sum'),
  bindings: ['uniform', 'read-only-storage', 'storage'],
  constants: { WG: WORKGROUP },
});

/** out[i] = Σ_b rows[b·length + i] for i < length (rows: [batch][length] f32). */
export function batchSum(device: GPUDevice, a: { rows: GPUBuffer; out: GPUBuffer; length: number; batch: number }): Dispatch {
  if (!(Number.isInteger(a.length) && a.length > 0 && Number.isInteger(a.batch) && a.batch > 0)) {
    throw new RangeError(`grad/batch-sum: length and batch must be positive integers, got ${a.length}, ${a.batch}`);
  }
  if (a.rows.size < a.length * a.batch * 4) throw new RangeError(`grad/batch-sum: rows buffer holds ${a.rows.size} bytes, needs ${a.length * a.batch * 4}`);
  if (a.out.size < a.length * 4) throw new RangeError(`grad/batch-sum: out buffer holds ${a.out.size} bytes, needs ${a.length * 4}`);
  const spec = batchSumSpec();
  const u = uniformBlock(device, spec, { length: a.length, batch: a.batch });
  return bind(device, pipelineFor(device, spec), { resources: [u.buffer, a.rows, a.out], workgroups: grid1d(a.length, WORKGROUP), owned: [u.buffer] });
}
