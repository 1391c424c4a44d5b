import { shader } from '../shaders.js';
import type { NeuronKernel, SurrogateSnippet } from '../types.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const WORKGROUP = 64;

export function synapseEligibilitySpec(neuron: NeuronKernel, surrogate: SurrogateSnippet, inputSequence: boolean): KernelSpec {
  return {
    name: `grad/synapse-eligibility(${neuron.kind},${surrogate.name})`,
    code: shader('common/grid') + surrogate.wgsl + neuron.wgsl + neuron.tangentWgsl + shader('grad/synapse-eligibility'),
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'storage', 'storage'],
    constants: { WG: WORKGROUP, ...neuron.constants, INPUT_SEQUENCE: inputSequence },
  };
}

/** One step of the per-synapse traces of a weight tensor [N][K] and their contraction with δ into its gradient. */
export function synapseEligibility(device: GPUDevice, a: {
  clock: GPUBuffer;
  /** row n mod inputRows of [inputRows][B][K] when inputSequence, else [B][K] */
  source: GPUBuffer;
  inputSequence: boolean;
  inputRows?: number;
  /** the layer's NeuronState [B][N] at step n */
  state: GPUBuffer;
  delta: GPUBuffer;
  /** NeuronState [B][N][K], zeroed before step 0 */
  traces: GPUBuffer;
  grad: GPUBuffer;
  batch: number;
  neurons: number;
  sources: number;
  neuron: NeuronKernel;
  surrogate: SurrogateSnippet;
}): Dispatch {
  if (a.inputSequence && !(Number.isInteger(a.inputRows) && a.inputRows! > 0)) throw new RangeError(`synapse-eligibility: inputRows must be a positive integer with an input sequence, got ${a.inputRows}`);
  const spec = synapseEligibilitySpec(a.neuron, a.surrogate, a.inputSequence);
  const u = uniformBlock(device, spec, {
    batch: a.batch, neurons: a.neurons, sources: a.sources, rows: a.inputRows ?? 1, slope: a.surrogate.slope, neuron: a.neuron.uniforms,
  });
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.clock, a.source, a.state, a.delta, a.traces, a.grad],
    workgroups: grid1d(a.neurons * a.sources, WORKGROUP),
    owned: [u.buffer],
  });
}
