import { shader } from '../../src/shaders.js';
import type { LifParams } from '../../src/neurons/lif.js';
import { grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec, type StepIndex } from '../kernel.js';

export const WORKGROUP = 64;

export interface LifRecurrentArgs {
  drive: GPUBuffer;
  recurrent: GPUBuffer;
  membrane: GPUBuffer;
  spikes: GPUBuffer;
  /** scratch [B][N] */
  synCurrent: GPUBuffer;
  steps: number;
  batch: number;
  neurons: number;
  params: LifParams;
  stepIndex: StepIndex;
}

export function lifRecurrentStepSpec(params: LifParams): KernelSpec {
  return {
    name: 'neurons/lif-recurrent-step',
    code: shader('common/grid') + shader('neurons/lif-recurrent-step'),
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'storage', 'storage', 'storage'],
    dynamicStep: true,
    constants: { WG: WORKGROUP, RESET_ZERO: params.reset === 'zero' },
  };
}

/** T dispatches, one per step, in one pass. Clears row 0 of membrane and the current first. */
export function lifRecurrentForward(device: GPUDevice, a: LifRecurrentArgs): Dispatch & { clear(enc: GPUCommandEncoder): void } {
  const spec = lifRecurrentStepSpec(a.params);
  const compiled = pipelineFor(device, spec);
  const u = uniformBlock(device, spec, {
    steps: a.steps, batch: a.batch, neurons: a.neurons, alpha: a.params.alpha, beta: a.params.beta, threshold: a.params.threshold,
  });
  const group = device.createBindGroup({
    label: spec.name,
    layout: compiled.layouts[0],
    entries: [u.buffer, a.drive, a.recurrent, a.membrane, a.spikes, a.synCurrent].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const stepGroup = a.stepIndex.group(compiled);
  const [x, y] = grid1d(a.batch * a.neurons, WORKGROUP);
  const rowBytes = a.batch * a.neurons * 4;
  return {
    name: spec.name,
    clear(enc) {
      enc.clearBuffer(a.membrane, 0, rowBytes);
      enc.clearBuffer(a.synCurrent, 0, rowBytes);
    },
    encode(pass) {
      pass.setPipeline(compiled.pipeline);
      pass.setBindGroup(0, group);
      for (let n = 0; n < a.steps; n++) {
        pass.setBindGroup(1, stepGroup, [a.stepIndex.offset(n)]);
        pass.dispatchWorkgroups(x, y);
      }
    },
    destroy() {
      u.buffer.destroy();
    },
  };
}
