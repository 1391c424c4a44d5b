import { shader } from '../shaders.js';
import type { NeuronKernel, SurrogateSnippet } from '../types.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const WORKGROUP = 64;

export interface RtrlSensitivityVariant {
  hasBelow: boolean;
  recurrent: boolean;
  direct: boolean;
  directSequence: boolean;
}

/** `surrogate` only completes the tangent snippet (its spike slope); this kernel takes dS as given. */
export function rtrlSensitivitySpec(neuron: NeuronKernel, surrogate: SurrogateSnippet, v: RtrlSensitivityVariant): KernelSpec {
  return {
    name: `grad/rtrl-sensitivity(${neuron.kind},${surrogate.name})`,
    code: shader('common/grid') + surrogate.wgsl + neuron.wgsl + neuron.tangentWgsl + shader('grad/rtrl-sensitivity'),
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage',
      'read-only-storage', 'read-only-storage', 'storage'],
    constants: {
      WG: WORKGROUP, ...neuron.constants, HAS_BELOW: v.hasBelow, RECURRENT: v.recurrent, DIRECT: v.direct, DIRECT_SEQUENCE: v.directSequence,
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
  /** the layer's NeuronState [B][N] at step n */
  state: GPUBuffer;
  sensSpikes: GPUBuffer;
  /** d state/dθ, NeuronState [B][N][P] */
  sens: GPUBuffer;
  /** any small buffer for unused bindings */
  dummy: GPUBuffer;
  batch: number;
  neurons: number;
  below: number;
  paramsLen: number;
  cols: number;
  neuron: NeuronKernel;
  surrogate: SurrogateSnippet;
}

/** One step of the state sensitivities of a hidden layer w.r.t. every entry of one parameter tensor. */
export function rtrlSensitivity(device: GPUDevice, a: RtrlSensitivityArgs): Dispatch {
  const spec = rtrlSensitivitySpec(a.neuron, a.surrogate, {
    hasBelow: !!a.sensSpikesBelow, recurrent: !!a.recurrent, direct: !!a.directSource, directSequence: !!a.directSource?.sequence,
  });
  const u = uniformBlock(device, spec, {
    batch: a.batch, neurons: a.neurons, below: a.below, params_len: a.paramsLen, cols: a.cols, neuron: a.neuron.uniforms,
  });
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.clock, a.weights, a.recurrent ?? a.dummy, a.sensSpikesBelow ?? a.dummy, a.directSource?.buffer ?? a.dummy,
      a.state, a.sensSpikes, a.sens],
    workgroups: grid1d(a.batch * a.neurons * a.paramsLen, WORKGROUP),
    owned: [u.buffer],
  });
}
