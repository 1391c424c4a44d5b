import { shader } from '../shaders.js';
import type { NeuronKernel } from '../types.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const WORKGROUP = 64;

/** One step of a layer on [B][N] states (shaders/scan/step.wgsl). */
export interface ScanStepArgs {
  clock: GPUBuffer;
  /** row n mod inputRows of the input [inputRows][B][K] when inputSequence, else the layer below's spikes [B][K] */
  spikesIn: GPUBuffer;
  inputSequence: boolean;
  /** rows of the input sequence: T, or the window k of input written k steps at a time (required with inputSequence) */
  inputRows?: number;
  weights: GPUBuffer;
  /** V [N][N] of a recurrent layer */
  recurrent?: GPUBuffer;
  /** NeuronState [B][N], neuron.stateFloats floats each */
  state: GPUBuffer;
  spikes: GPUBuffer;
  batch: number;
  neurons: number;
  inputs: number;
  neuron: NeuronKernel;
}

export type ScanStepEntry = 'rest' | 'spike' | 'update';

export function scanStepSpec(neuron: NeuronKernel, entryPoint: ScanStepEntry, recurrent: boolean, inputSequence: boolean): KernelSpec {
  return {
    name: `scan/step(${neuron.kind})/${entryPoint}`,
    code: shader('common/grid') + neuron.wgsl + shader('scan/step'),
    entryPoint,
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'storage', 'storage'],
    constants: entryPoint === 'update'
      ? { WG: WORKGROUP, ...neuron.constants, RECURRENT: recurrent, INPUT_SEQUENCE: inputSequence }
      : { WG: WORKGROUP, ...neuron.constants },
  };
}

/** Three dispatches: `rest` (the state before step 0), `spike` (S[n]) and `update` (state to n+1) of step n = clock[0]. */
export function scanStep(device: GPUDevice, a: ScanStepArgs): Record<ScanStepEntry, Dispatch> {
  if (a.inputSequence && !(Number.isInteger(a.inputRows) && a.inputRows! > 0)) throw new RangeError(`scan/step: inputRows must be a positive integer with an input sequence, got ${a.inputRows}`);
  const rec = !!a.recurrent;
  const spec = (entry: ScanStepEntry) => scanStepSpec(a.neuron, entry, rec, a.inputSequence);
  const u = uniformBlock(device, spec('update'), {
    batch: a.batch, neurons: a.neurons, inputs: a.inputs, rows: a.inputRows ?? 1, neuron: a.neuron.uniforms,
  });
  const resources = [u.buffer, a.clock, a.spikesIn, a.weights, a.recurrent ?? a.weights, a.state, a.spikes];
  const workgroups = grid1d(a.batch * a.neurons, WORKGROUP);
  return {
    rest: bind(device, pipelineFor(device, spec('rest')), { resources, workgroups }),
    spike: bind(device, pipelineFor(device, spec('spike')), { resources, workgroups }),
    update: bind(device, pipelineFor(device, spec('update')), { resources, workgroups, owned: [u.buffer] }),
  };
}
