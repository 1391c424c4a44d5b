import { shader } from '../shaders.js';
import type { ReadoutReduce } from '../types.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';
import { REDUCE_CODE } from '../loss/cross-entropy.js';

export const WORKGROUP = 64;

export interface ReadoutStepArgs {
  clock: GPUBuffer;
  spikesIn: GPUBuffer;
  weights: GPUBuffer;
  voltage: GPUBuffer;
  current: GPUBuffer;
  logits: GPUBuffer;
  batch: number;
  outputs: number;
  inputs: number;
  steps: number;
  alpha: number;
  beta: number;
  reduce: ReadoutReduce;
}

export function readoutStepSpec(reduce: ReadoutReduce): KernelSpec {
  return {
    name: 'neurons/readout-step',
    code: shader('common/grid') + shader('neurons/readout-step'),
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'storage', 'storage', 'storage'],
    constants: { WG: WORKGROUP, REDUCE: REDUCE_CODE[reduce] },
  };
}

/** One readout step n = clock[0]: running reduction of y[n], then Uo, Io to n+1. */
export function readoutStep(device: GPUDevice, a: ReadoutStepArgs): Dispatch {
  const spec = readoutStepSpec(a.reduce);
  const u = uniformBlock(device, spec, { batch: a.batch, outputs: a.outputs, inputs: a.inputs, steps: a.steps, alpha: a.alpha, beta: a.beta });
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.clock, a.spikesIn, a.weights, a.voltage, a.current, a.logits],
    workgroups: grid1d(a.batch * a.outputs, WORKGROUP),
    owned: [u.buffer],
  });
}
