import { shader } from '../shaders.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const WORKGROUP = 64;

export interface ReadoutArgs {
  steps: number;
  batch: number;
  outputs: number;
  alpha: number;
  beta: number;
}

export const readoutForwardSpec: () => KernelSpec = () => ({
  name: 'neurons/readout-forward',
  code: shader('common/grid') + shader('common/readout-scan') + shader('neurons/readout-forward'),
  bindings: ['uniform', 'read-only-storage', 'storage'],
  constants: { WG: WORKGROUP },
});

export const readoutBackwardSpec: () => KernelSpec = () => ({
  name: 'neurons/readout-backward',
  code: shader('common/grid') + shader('common/readout-scan') + shader('neurons/readout-backward'),
  bindings: ['uniform', 'read-only-storage', 'storage'],
  constants: { WG: WORKGROUP },
});

function readoutDispatch(device: GPUDevice, spec: KernelSpec, a: ReadoutArgs, input: GPUBuffer, output: GPUBuffer): Dispatch {
  const count = a.batch * a.outputs;
  const u = uniformBlock(device, spec, { steps: a.steps, count, alpha: a.alpha, beta: a.beta });
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, input, output],
    workgroups: grid1d(count, WORKGROUP),
    owned: [u.buffer],
  });
}

/** y[n] = Uo[n] from drive = Wo·S_L. */
export function readoutForward(device: GPUDevice, a: ReadoutArgs & { drive: GPUBuffer; voltage: GPUBuffer }): Dispatch {
  return readoutDispatch(device, readoutForwardSpec(), a, a.drive, a.voltage);
}

/** dL/d drive from dL/dy. */
export function readoutBackward(device: GPUDevice, a: ReadoutArgs & { gradVoltage: GPUBuffer; gradDrive: GPUBuffer }): Dispatch {
  return readoutDispatch(device, readoutBackwardSpec(), a, a.gradVoltage, a.gradDrive);
}
