import { shader } from '../shaders.js';
import type { LifConstants } from '../types.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const WORKGROUP = 64;

export interface RtrlSensitivityVariant {
  hasBelow: boolean;
  recurrent: boolean;
  direct: boolean;
  directSequence: boolean;
}

export function rtrlSensitivitySpec(params: LifConstants, v: RtrlSensitivityVariant): KernelSpec {
  return {
    name: 'grad/rtrl-sensitivity',
    code: shader('common/grid') + shader('grad/rtrl-sensitivity'),
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage',
      'read-only-storage', 'read-only-storage', 'storage'],
    constants: {
      WG: WORKGROUP, HAS_BELOW: v.hasBelow, RECURRENT: v.recurrent, DIRECT: v.direct, DIRECT_SEQUENCE: v.directSequence,
      RESET_ZERO: params.reset === 'zero', DETACH_RESET: params.detachReset,
    },
  };
}

export interface RtrlSensitivityArgs {
  clock: GPUBuffer;
  /** W_l [N][K] (read only with a layer below in the sensitivity chain) */
  weights: GPUBuffer;
  recurrent?: GPUBuffer;
  /** dS of layer l−1 when it depends on θ */
  sensSpikesBelow?: GPUBuffer;
  /** S_in (θ = W_l) or S_l (θ = V_l) when θ belongs to this layer */
  directSource?: { buffer: GPUBuffer; sequence: boolean };
  membrane: GPUBuffer;
  sensSpikes: GPUBuffer;
  /** dU then dI, [2][B][N][P] */
  sens: GPUBuffer;
  /** any small buffer for unused bindings */
  dummy: GPUBuffer;
  batch: number;
  neurons: number;
  below: number;
  paramsLen: number;
  cols: number;
  params: LifConstants;
}

/** One step of dU, dI of a hidden layer w.r.t. every entry of one parameter tensor. */
export function rtrlSensitivity(device: GPUDevice, a: RtrlSensitivityArgs): Dispatch {
  const spec = rtrlSensitivitySpec(a.params, {
    hasBelow: !!a.sensSpikesBelow, recurrent: !!a.recurrent, direct: !!a.directSource, directSequence: !!a.directSource?.sequence,
  });
  const u = uniformBlock(device, spec, {
    batch: a.batch, neurons: a.neurons, below: a.below, params_len: a.paramsLen, cols: a.cols,
    alpha: a.params.alpha, beta: a.params.beta, threshold: a.params.threshold,
  });
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.clock, a.weights, a.recurrent ?? a.dummy, a.sensSpikesBelow ?? a.dummy, a.directSource?.buffer ?? a.dummy,
      a.membrane, a.sensSpikes, a.sens],
    workgroups: grid1d(a.batch * a.neurons * a.paramsLen, WORKGROUP),
    owned: [u.buffer],
  });
}
