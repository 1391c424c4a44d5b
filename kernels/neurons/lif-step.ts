import { shader } from '../shaders.js';
import type { LifConstants } from '../types.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const WORKGROUP = 64;

export interface LifStepArgs {
  clock: GPUBuffer;
  /** row n mod inputRows of the input [inputRows][B][K] when inputSequence, else the layer below's spikes [B][K] */
  spikesIn: GPUBuffer;
  inputSequence: boolean;
  /** rows of the input sequence: T, or the window k of input written k steps at a time (required with inputSequence) */
  inputRows?: number;
  weights: GPUBuffer;
  /** V [N][N] of a recurrent layer */
  recurrent?: GPUBuffer;
  membrane: GPUBuffer;
  synCurrent: GPUBuffer;
  spikes: GPUBuffer;
  batch: number;
  neurons: number;
  inputs: number;
  params: LifConstants;
}

export function lifStepSpec(params: LifConstants, entryPoint: 'spike' | 'update', recurrent: boolean, inputSequence: boolean): KernelSpec {
  return {
    name: `neurons/lif-step/${entryPoint}`,
    code: shader('common/grid') + shader('neurons/lif-step'),
    entryPoint,
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'storage', 'storage', 'storage'],
    constants: entryPoint === 'spike'
      ? { WG: WORKGROUP }
      : { WG: WORKGROUP, RECURRENT: recurrent, RESET_ZERO: params.reset === 'zero', INPUT_SEQUENCE: inputSequence },
  };
}

/** Two dispatches of one step n = clock[0]: `spike` (S[n] from U[n]) and `update` (U, I to n+1). */
export function lifStep(device: GPUDevice, a: LifStepArgs): { spike: Dispatch; update: Dispatch } {
  const rec = !!a.recurrent;
  if (a.inputSequence && !(Number.isInteger(a.inputRows) && a.inputRows! > 0)) throw new RangeError(`lif-step: inputRows must be a positive integer with an input sequence, got ${a.inputRows}`);
  const specs = {
    spike: lifStepSpec(a.params, 'spike', rec, a.inputSequence),
    update: lifStepSpec(a.params, 'update', rec, a.inputSequence),
  };
  const u = uniformBlock(device, specs.update, {
    batch: a.batch, neurons: a.neurons, inputs: a.inputs, alpha: a.params.alpha, beta: a.params.beta, threshold: a.params.threshold, rows: a.inputRows ?? 1,
  });
  const resources = [u.buffer, a.clock, a.spikesIn, a.weights, a.recurrent ?? a.weights, a.membrane, a.synCurrent, a.spikes];
  const workgroups = grid1d(a.batch * a.neurons, WORKGROUP);
  return {
    spike: bind(device, pipelineFor(device, specs.spike), { resources, workgroups }),
    update: bind(device, pipelineFor(device, specs.update), { resources, workgroups, owned: [u.buffer] }),
  };
}
