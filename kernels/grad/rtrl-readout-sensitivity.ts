import { shader } from '../shaders.js';
import type { ReadoutReduce } from '../types.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';
import { REDUCE_CODE } from '../loss/cross-entropy.js';

export const WORKGROUP = 64;

export function rtrlReadoutSensitivitySpec(reduce: ReadoutReduce, hasBelow: boolean, direct: boolean): KernelSpec {
  return {
    name: 'grad/rtrl-readout-sensitivity',
    code: shader('common/grid') + shader('grad/rtrl-readout-sensitivity'),
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage',
      'read-only-storage', 'storage', 'storage'],
    constants: { WG: WORKGROUP, REDUCE: REDUCE_CODE[reduce], HAS_BELOW: hasBelow, DIRECT: direct },
  };
}

export interface RtrlReadoutSensitivityArgs {
  clock: GPUBuffer;
  weights: GPUBuffer;
  /** dS_L when θ is a hidden tensor */
  sensSpikesBelow?: GPUBuffer;
  /** θ is the readout weights */
  direct: boolean;
  spikesBelow: GPUBuffer;
  voltage: GPUBuffer;
  logits: GPUBuffer;
  /** dUo then dIo, [2][B][O][P] */
  sens: GPUBuffer;
  q: GPUBuffer;
  dummy: GPUBuffer;
  batch: number;
  outputs: number;
  below: number;
  paramsLen: number;
  cols: number;
  steps: number;
  alpha: number;
  beta: number;
  reduce: ReadoutReduce;
}

/** One step of dUo, dIo and the logit sensitivities Q w.r.t. every entry of one parameter tensor. */
export function rtrlReadoutSensitivity(device: GPUDevice, a: RtrlReadoutSensitivityArgs): Dispatch {
  const spec = rtrlReadoutSensitivitySpec(a.reduce, !!a.sensSpikesBelow, a.direct);
  const u = uniformBlock(device, spec, {
    batch: a.batch, outputs: a.outputs, below: a.below, params_len: a.paramsLen, cols: a.cols, steps: a.steps, alpha: a.alpha, beta: a.beta,
  });
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.clock, a.weights, a.sensSpikesBelow ?? a.dummy, a.spikesBelow, a.voltage, a.logits, a.sens, a.q],
    workgroups: grid1d(a.batch * a.outputs * a.paramsLen, WORKGROUP),
    owned: [u.buffer],
  });
}
