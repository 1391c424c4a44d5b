import { shader } from '../../src/shaders.js';
import type { LifParams } from '../../src/neurons/lif.js';
import type { Surrogate } from '../../src/surrogates.js';
import { grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec, type StepIndex } from '../kernel.js';

export const WORKGROUP = 64;

export interface LifRecurrentBackwardArgs {
  membrane: GPUBuffer;
  spikes: GPUBuffer;
  gradSpikes: GPUBuffer;
  recurrent: GPUBuffer;
  gradDrive: GPUBuffer;
  /** scratch [B][N] */
  gradMembrane: GPUBuffer;
  steps: number;
  batch: number;
  neurons: number;
  params: LifParams;
  surrogate: Surrogate;
  stepIndex: StepIndex;
}

export function lifRecurrentBackwardSpec(params: LifParams, surrogate: Surrogate): KernelSpec {
  return {
    name: `neurons/lif-recurrent-backward-step(${surrogate.name})`,
    code: shader('common/grid') + surrogate.wgsl + shader('neurons/lif-recurrent-backward-step'),
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'storage', 'storage'],
    dynamicStep: true,
    constants: { WG: WORKGROUP, RESET_ZERO: params.reset === 'zero', DETACH_RESET: params.detachReset },
  };
}

export function lifRecurrentBackward(device: GPUDevice, a: LifRecurrentBackwardArgs): Dispatch & { clear(enc: GPUCommandEncoder): void } {
  const spec = lifRecurrentBackwardSpec(a.params, a.surrogate);
  const compiled = pipelineFor(device, spec);
  const u = uniformBlock(device, spec, {
    steps: a.steps, batch: a.batch, neurons: a.neurons, alpha: a.params.alpha, beta: a.params.beta,
    threshold: a.params.threshold, slope: a.surrogate.slope,
  });
  const group = device.createBindGroup({
    label: spec.name,
    layout: compiled.layouts[0],
    entries: [u.buffer, a.membrane, a.spikes, a.gradSpikes, a.recurrent, a.gradDrive, a.gradMembrane].map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const stepGroup = a.stepIndex.group(compiled);
  const [x, y] = grid1d(a.batch * a.neurons, WORKGROUP);
  const rowBytes = a.batch * a.neurons * 4;
  return {
    name: spec.name,
    clear(enc) {
      enc.clearBuffer(a.gradDrive, (a.steps - 1) * rowBytes, rowBytes);
      enc.clearBuffer(a.gradMembrane, 0, rowBytes);
    },
    encode(pass) {
      pass.setPipeline(compiled.pipeline);
      pass.setBindGroup(0, group);
      for (let s = 0; s < a.steps; s++) {
        pass.setBindGroup(1, stepGroup, [a.stepIndex.offset(s)]);
        pass.dispatchWorkgroups(x, y);
      }
    },
    destroy() {
      u.buffer.destroy();
    },
  };
}
