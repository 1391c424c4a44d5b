import { shader } from '../../src/shaders.js';
import { bind, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const readoutFusedForwardSpec = (): KernelSpec => ({
  name: 'neurons/readout-fused-forward',
  code: shader('neurons/readout-fused-forward'),
  bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'storage'],
});

/** y [T][B][O] from the row lists of the last hidden layer's spikes (linear/mask-lists) and Wo [O][N]. */
export function readoutFusedForward(device: GPUDevice, a: {
  spikeLists: GPUBuffer; weights: GPUBuffer; voltage: GPUBuffer; steps: number; batch: number; outputs: number; neurons: number; alpha: number; beta: number;
}): Dispatch {
  const spec = readoutFusedForwardSpec();
  const u = uniformBlock(device, spec, {
    steps: a.steps, batch: a.batch, outputs: a.outputs, neurons: a.neurons, alpha: a.alpha, beta: a.beta,
  });
  const y = Math.ceil(a.batch / 4);
  const z = Math.ceil(y / 65535);
  return bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.spikeLists, a.weights, a.voltage],
    workgroups: [Math.ceil(a.outputs / 16), Math.ceil(y / z), z],
    owned: [u.buffer],
  });
}
