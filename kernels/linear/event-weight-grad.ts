import { shader } from '../../src/shaders.js';
import { bind, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';
import type { SpikeLists } from './compact.js';
import { eventGrid } from './event-forward.js';

export const eventWeightGradSpec = (): KernelSpec => ({
  name: 'linear/event-weight-grad',
  code: shader('linear/event-weight-grad'),
  bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'storage'],
});

/** dW[N][K] = dhᵀ · S over the rows where each input is active (`colLists` from compact(axis 'cols')). */
export function eventWeightGrad(device: GPUDevice, a: { spikes: GPUBuffer; colLists: SpikeLists; gradDrive: GPUBuffer; gradWeights: GPUBuffer; rows: number; outputs: number; inputs: number }): Dispatch {
  const spec = eventWeightGradSpec();
  const u = uniformBlock(device, spec, { rows: a.rows, outputs: a.outputs, inputs: a.inputs });
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.spikes, a.colLists.counts, a.colLists.index, a.gradDrive, a.gradWeights],
    workgroups: eventGrid(a.outputs, a.inputs),
    owned: [u.buffer],
  });
}
