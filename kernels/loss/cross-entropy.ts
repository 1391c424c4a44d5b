import { shader } from '../shaders.js';
import type { ReadoutReduce } from '../types.js';
import { bind, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const REDUCE_CODE: Record<ReadoutReduce, number> = { max: 0, mean: 1, sum: 2 };
export const MAX_OUTPUTS = 64;

export interface CrossEntropyArgs {
  voltage: GPUBuffer;
  labels: GPUBuffer;
  gradVoltage: GPUBuffer;
  /** [B][2] per-sample (loss, correct) */
  sampleStats: GPUBuffer;
  /** [4] running (Σ loss, Σ correct, samples, batches) */
  metrics: GPUBuffer;
  steps: number;
  batch: number;
  outputs: number;
  reduce: ReadoutReduce;
}

export function crossEntropySpec(reduce: ReadoutReduce, entryPoint: 'main' | 'accumulate'): KernelSpec {
  return {
    name: `loss/cross-entropy${entryPoint === 'main' ? '' : '/accumulate'}`,
    code: shader('loss/cross-entropy'),
    entryPoint,
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'storage', 'storage', 'storage'],
    constants: entryPoint === 'main' ? { REDUCE: REDUCE_CODE[reduce] } : {},
  };
}

export interface CrossEntropy {
  /** loss and dL/dy for the batch; then adds the batch to the running metrics */
  readonly loss: Dispatch;
  readonly accumulate: Dispatch;
  /** number of real samples in the batch (the rest is padding) */
  setValid(valid: number): void;
  destroy(): void;
}

export function crossEntropy(device: GPUDevice, a: CrossEntropyArgs): CrossEntropy {
  if (a.outputs > MAX_OUTPUTS) throw new RangeError(`cross-entropy supports at most ${MAX_OUTPUTS} outputs, got ${a.outputs}`);
  const spec = crossEntropySpec(a.reduce, 'main');
  const u = uniformBlock(device, spec, { steps: a.steps, batch: a.batch, outputs: a.outputs, valid: a.batch });
  const resources = [u.buffer, a.voltage, a.labels, a.gradVoltage, a.sampleStats, a.metrics];
  const loss = bind(device, pipelineFor(device, spec), { resources, workgroups: [Math.ceil(a.batch / 64)] });
  const accumulate = bind(device, pipelineFor(device, crossEntropySpec(a.reduce, 'accumulate')), { resources, workgroups: [1] });
  let valid = a.batch;
  return {
    loss,
    accumulate,
    setValid(v) {
      if (!(Number.isInteger(v) && v >= 1 && v <= a.batch)) throw new RangeError(`valid samples must be 1…${a.batch}, got ${v}`);
      if (v !== valid) {
        valid = v;
        u.write({ valid: v });
      }
    },
    destroy() {
      u.buffer.destroy();
    },
  };
}
