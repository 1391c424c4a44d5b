import { shader } from '../shaders.js';
import { bind, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';
import type { SpikeLists } from './compact.js';

/**
 * The spec of a kernel that walks the event lists of a spike matrix
 * (shaders/common/spike-lists.wgsl: bindings 0–3; 4 read, 5 written):
 * linear/event-forward, linear/event-weight-grad, linear/event-weight-grad-tiled.
 */
export const spikeListSpec = (kernel: string): KernelSpec => ({
  name: kernel,
  code: shader('common/spike-lists') + shader(kernel),
  bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'storage'],
});

/** Sizes and spike matrix S [rows][inputs] of a spike-list kernel. */
export interface SpikeListShape {
  spikes: GPUBuffer;
  rows: number;
  outputs: number;
  inputs: number;
}

/** Binds a spike-list kernel: the lists of S (bindings 2–3), `input` (4), `output` (5). */
export function spikeListDispatch(
  device: GPUDevice, spec: KernelSpec, a: SpikeListShape, lists: SpikeLists, input: GPUBuffer, output: GPUBuffer, workgroups: readonly [number, number?, number?],
): Dispatch {
  const u = uniformBlock(device, spec, { rows: a.rows, outputs: a.outputs, inputs: a.inputs });
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.spikes, lists.counts, lists.index, input, output],
    workgroups,
    owned: [u.buffer],
  });
}

export const eventForwardSpec = (): KernelSpec => spikeListSpec('linear/event-forward');

/** Workgroups for (x: ceil(n/4) threads in groups of 16, y: rows in groups of 4, split over z past 65535). */
export function eventGrid(n: number, rows: number, perThread = 4, max = 65535): [number, number, number] {
  const x = Math.ceil(n / (16 * perThread));
  const y = Math.ceil(rows / 4);
  const z = Math.ceil(y / max);
  return [x, Math.ceil(y / z), z];
}

/** drive[R][N] = S[R][K] · Wᵀ over the active inputs of each row (`rowLists` from compact). */
export function eventForward(device: GPUDevice, a: SpikeListShape & { rowLists: SpikeLists; weights: GPUBuffer; drive: GPUBuffer }): Dispatch {
  return spikeListDispatch(device, eventForwardSpec(), a, a.rowLists, a.weights, a.drive, eventGrid(a.outputs, a.rows, 8));
}
