import { shader } from '../../src/shaders.js';
import { bind, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';
import type { SpikeLists } from './compact.js';

/** Outputs covered by one workgroup (threads × outputs per thread, fixed in the WGSL). */
export const OUTPUTS_PER_WORKGROUP = 512;

export const eventWeightGradTiledSpec = (): KernelSpec => ({
  name: 'linear/event-weight-grad-tiled',
  code: shader('linear/event-weight-grad-tiled'),
  bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'storage'],
});

/** dW[N][K] = dhᵀ · S over the rows where each input is active (`colLists` from compact(axis 'cols')); wide register tiles for CPU adapters. */
export function eventWeightGradTiled(device: GPUDevice, a: { spikes: GPUBuffer; colLists: SpikeLists; gradDrive: GPUBuffer; gradWeights: GPUBuffer; rows: number; outputs: number; inputs: number }): Dispatch {
  const spec = eventWeightGradTiledSpec();
  const u = uniformBlock(device, spec, { rows: a.rows, outputs: a.outputs, inputs: a.inputs });
  const z = Math.ceil(a.inputs / 65535);
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.spikes, a.colLists.counts, a.colLists.index, a.gradDrive, a.gradWeights],
    workgroups: [Math.ceil(a.outputs / OUTPUTS_PER_WORKGROUP), Math.ceil(a.inputs / z), z],
    owned: [u.buffer],
  });
}
