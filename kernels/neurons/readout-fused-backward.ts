import { shader } from '../../src/shaders.js';
import { bind, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const readoutFusedBackwardSpec = (): KernelSpec => ({
  name: 'neurons/readout-fused-backward',
  code: shader('neurons/readout-fused-backward'),
  bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'storage', 'storage'],
});

/**
 * Readout weight gradient partial sums [chunks][O][N] (overwritten; linear/transpose's
 * sumSlices adds them into dWo) from dL/dy [T][B][O] and the row lists of the last
 * hidden layer's spikes (linear/mask-lists); `rowLive` [T·B] u32 becomes nonzero where
 * some dL/dy of the row is (cleared by `clear`).
 */
export function readoutFusedBackward(device: GPUDevice, a: {
  gradVoltage: GPUBuffer; spikeLists: GPUBuffer; gradSlices: GPUBuffer; rowLive: GPUBuffer; chunks: number;
  steps: number; batch: number; outputs: number; neurons: number; alpha: number; beta: number;
}): Dispatch & { clear(enc: GPUCommandEncoder): void } {
  if (!(Number.isInteger(a.chunks) && a.chunks >= 1 && a.chunks <= 65535)) throw new RangeError(`readoutFusedBackward: chunks must be an integer in [1, 65535], got ${a.chunks}`);
  const spec = readoutFusedBackwardSpec();
  const u = uniformBlock(device, spec, {
    steps: a.steps, batch: a.batch, outputs: a.outputs, neurons: a.neurons, chunks: a.chunks, alpha: a.alpha, beta: a.beta,
  });
  const d = bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.gradVoltage, a.spikeLists, a.gradSlices, a.rowLive],
    workgroups: [Math.ceil(a.outputs / 16), a.chunks],
    owned: [u.buffer],
  });
  return { ...d, clear: (enc) => enc.clearBuffer(a.rowLive) };
}
