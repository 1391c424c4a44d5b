import { shader } from '../shaders.js';
import { bind, pipelineFor, type Dispatch, type KernelSpec } from '../kernel.js';

export const stepClockSpec = (): KernelSpec => ({
  name: 'neurons/step-clock',
  code: shader('neurons/step-clock'),
  bindings: ['storage'],
});

/** Advances clock[0] (the current step) by one; clear the buffer before step 0. */
export function stepClock(device: GPUDevice, clock: GPUBuffer): Dispatch {
  return bind(device, pipelineFor(device, stepClockSpec()), { resources: [clock], workgroups: [1] });
}
