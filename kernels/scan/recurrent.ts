/**
 * The per-step scans of a recurrent spiking layer, for any neuron model
 * (shaders/common/scan-recurrent.wgsl with scan/recurrent-step and
 * scan/recurrent-backward-step): one thread per (sample, neuron), one dispatch
 * per step slot in one pass, and the rows each clears first.
 */
import { shader } from '../shaders.js';
import type { NeuronKernel, SurrogateSnippet } from '../types.js';
import { bindSteps, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec, type StepIndex } from '../kernel.js';

export const WORKGROUP = 64;

/** The sizes, neuron model and step slots of a recurrent layer's scan. */
export interface RecurrentScanArgs {
  steps: number;
  batch: number;
  neurons: number;
  neuron: NeuronKernel;
  stepIndex: StepIndex;
}

export type RecurrentScan = Dispatch & { clear(enc: GPUCommandEncoder): void };

export interface RecurrentForwardArgs extends RecurrentScanArgs {
  /** W·S_in per step [T][B][N] (read) */
  drive: GPUBuffer;
  /** V [N][N] */
  recurrent: GPUBuffer;
  /** what each step keeps for the backward scan [T][B][N] (write) */
  saved: GPUBuffer;
  spikes: GPUBuffer;
  /** scratch of recurrentStateBytes() */
  state: GPUBuffer;
}

export interface RecurrentBackwardArgs extends RecurrentScanArgs {
  saved: GPUBuffer;
  spikes: GPUBuffer;
  gradSpikes: GPUBuffer;
  recurrent: GPUBuffer;
  /** dL/d drive [T][B][N] (write) */
  gradDrive: GPUBuffer;
  /** scratch of recurrentAdjointBytes() */
  adjoint: GPUBuffer;
  surrogate: SurrogateSnippet;
}

/** Bytes of the forward scan's double-buffered state, [2][B][N] NeuronState. */
export const recurrentStateBytes = (neuron: NeuronKernel, batch: number, neurons: number) => 2 * batch * neurons * neuron.stateFloats * 4;
/** Bytes of the backward scan's carried adjoint, [B][N] NeuronAdjoint. */
export const recurrentAdjointBytes = (neuron: NeuronKernel, batch: number, neurons: number) => batch * neurons * neuron.adjointFloats * 4;

export function recurrentStepSpec(neuron: NeuronKernel): KernelSpec {
  return {
    name: `scan/recurrent-step(${neuron.kind})`,
    code: shader('common/grid') + neuron.wgsl + shader('common/scan-recurrent') + shader('scan/recurrent-step'),
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'storage', 'storage', 'storage'],
    dynamicStep: true,
    constants: { WG: WORKGROUP, ...neuron.constants },
  };
}

export function recurrentBackwardStepSpec(neuron: NeuronKernel, surrogate: SurrogateSnippet): KernelSpec {
  return {
    name: `scan/recurrent-backward-step(${neuron.kind}, ${surrogate.name})`,
    code: shader('common/grid') + surrogate.wgsl + neuron.wgsl + neuron.gradWgsl + shader('common/scan-recurrent') + shader('scan/recurrent-backward-step'),
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'storage', 'storage'],
    dynamicStep: true,
    constants: { WG: WORKGROUP, ...neuron.constants },
  };
}

/**
 * T dispatches of `spec`, one per step slot; `resources`: the buffers of bindings
 * 1 and up; `clearRows`: [buffer, row] pairs whose [B][N] f32 row `clear` zeroes.
 */
function recurrentScan(device: GPUDevice, spec: KernelSpec, a: RecurrentScanArgs, resources: readonly GPUBuffer[], clearRows: readonly [GPUBuffer, number][], slope = 0): RecurrentScan {
  const u = uniformBlock(device, spec, { steps: a.steps, batch: a.batch, neurons: a.neurons, neuron: a.neuron.uniforms, slope });
  const d = bindSteps(device, pipelineFor(device, spec), {
    resources: [u.buffer, ...resources],
    workgroups: grid1d(a.batch * a.neurons, WORKGROUP),
    owned: [u.buffer],
    stepIndex: a.stepIndex,
    steps: a.steps,
  });
  const rowBytes = a.batch * a.neurons * 4;
  return {
    ...d,
    clear(enc) {
      for (const [buffer, row] of clearRows) enc.clearBuffer(buffer, row * rowBytes, rowBytes);
    },
  };
}

/** T dispatches, one per step, in one pass; the state starts at the model's rest. */
export function recurrentForward(device: GPUDevice, a: RecurrentForwardArgs): RecurrentScan {
  return recurrentScan(device, recurrentStepSpec(a.neuron), a, [a.drive, a.recurrent, a.saved, a.spikes, a.state], []);
}

/** T dispatches, step slot s running time step T−1−s, in one pass. Clears row T−1 of gradDrive first. */
export function recurrentBackward(device: GPUDevice, a: RecurrentBackwardArgs): RecurrentScan {
  return recurrentScan(
    device, recurrentBackwardStepSpec(a.neuron, a.surrogate), a,
    [a.saved, a.spikes, a.gradSpikes, a.recurrent, a.gradDrive, a.adjoint],
    [[a.gradDrive, a.steps - 1]],
    a.surrogate.slope,
  );
}
