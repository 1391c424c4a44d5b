import { shader } from '../../src/shaders.js';
import { bind, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';
import type { SpikeLists } from './compact.js';

export const eventForwardSpec = (): KernelSpec => ({
  name: 'linear/event-forward',
  code: shader('linear/event-forward'),
  bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'storage'],
});

/** Workgroups for (x: ceil(n/4) threads in groups of 16, y: rows in groups of 4, split over z past 65535). */
export function eventGrid(n: number, rows: number, perThread = 4, max = 65535): [number, number, number] {
  const x = Math.ceil(n / (16 * perThread));
  const y = Math.ceil(rows / 4);
  const z = Math.ceil(y / max);
  return [x, Math.ceil(y / z), z];
}

/** drive[R][N] = S[R][K] · Wᵀ over the active inputs of each row (`rowLists` from compact(axis 'rows')). */
export function eventForward(device: GPUDevice, a: { spikes: GPUBuffer; rowLists: SpikeLists; weights: GPUBuffer; drive: GPUBuffer; rows: number; outputs: number; inputs: number }): Dispatch {
  const spec = eventForwardSpec();
  const u = uniformBlock(device, spec, { rows: a.rows, outputs: a.outputs, inputs: a.inputs });
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.spikes, a.rowLists.counts, a.rowLists.index, a.weights, a.drive],
    workgroups: eventGrid(a.outputs, a.rows, 8),
    owned: [u.buffer],
  });
}
