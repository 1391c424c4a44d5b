import { shader } from '../shaders.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const WORKGROUP = 64;

export function presynapticTraceSpec(inputSequence: boolean): KernelSpec {
  return {
    name: 'grad/presynaptic-trace',
    code: shader('common/grid') + shader('grad/presynaptic-trace'),
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'storage', 'storage'],
    constants: { WG: WORKGROUP, INPUT_SEQUENCE: inputSequence },
  };
}

/**
 * ε_U ← β·ε_U + ε_I, ε_I ← α·ε_I + S[n] for [B][K] traces; with inputSequence S[n] is
 * row n mod inputRows of [inputRows][B][K] (inputRows = T, or a window of k steps).
 */
export function presynapticTrace(device: GPUDevice, a: {
  clock: GPUBuffer; spikes: GPUBuffer; inputSequence: boolean; inputRows?: number; traceI: GPUBuffer; traceU: GPUBuffer; batch: number; inputs: number; alpha: number; beta: number;
}): Dispatch {
  if (a.inputSequence && !(Number.isInteger(a.inputRows) && a.inputRows! > 0)) throw new RangeError(`presynaptic-trace: inputRows must be a positive integer with an input sequence, got ${a.inputRows}`);
  const spec = presynapticTraceSpec(a.inputSequence);
  const count = a.batch * a.inputs;
  const u = uniformBlock(device, spec, { count, alpha: a.alpha, beta: a.beta, rows: a.inputRows ?? 1 });
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.clock, a.spikes, a.traceI, a.traceU],
    workgroups: grid1d(count, WORKGROUP),
    owned: [u.buffer],
  });
}
