/**
 * What the per-step kernels of a recurrent LIF layer share on the host
 * (shaders/common/lif-recurrent.wgsl: neurons/lif-recurrent-step,
 * neurons/lif-recurrent-backward-step): the uniforms, one thread per (sample,
 * neuron), one dispatch per step slot in one pass, and the rows each clears first.
 */
import type { LifConstants } from '../types.js';
import { bindSteps, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec, type StepIndex } from '../kernel.js';

export const LIF_RECURRENT_WORKGROUP = 64;

/** The sizes, neuron parameters and step slots of a recurrent layer's scan. */
export interface LifRecurrentScanArgs {
  steps: number;
  batch: number;
  neurons: number;
  params: LifConstants;
  stepIndex: StepIndex;
}

export type LifRecurrentScan = Dispatch & { clear(enc: GPUCommandEncoder): void };

/**
 * T dispatches of `spec`, one per step slot; `resources`: the buffers of bindings
 * 1 and up; `clearRows`: [buffer, row] pairs whose [B][N] row `clear` zeroes;
 * `slope`: the surrogate slope (backward).
 */
export function lifRecurrentScan(
  device: GPUDevice,
  spec: KernelSpec,
  a: LifRecurrentScanArgs,
  resources: readonly GPUBuffer[],
  clearRows: readonly [GPUBuffer, number][],
  slope = 0,
): LifRecurrentScan {
  const p = a.params;
  const u = uniformBlock(device, spec, {
    steps: a.steps, batch: a.batch, neurons: a.neurons, alpha: p.alpha, beta: p.beta, threshold: p.threshold, slope,
  });
  const d = bindSteps(device, pipelineFor(device, spec), {
    resources: [u.buffer, ...resources],
    workgroups: grid1d(a.batch * a.neurons, LIF_RECURRENT_WORKGROUP),
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
