import { shader } from '../shaders.js';
import { bind, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

/** Outputs up to which the readout's reverse scan keeps all outputs of a sample in one thread (neurons/readout-fused-backward-quads). */
export const MAX_QUAD_OUTPUTS = 16;

/** `quads`: ⌈O/4⌉ for the variant with all outputs of a sample in one thread (O ≤ MAX_QUAD_OUTPUTS), 0 for one thread per output. */
export const readoutFusedBackwardSpec = (quads = 0): KernelSpec => ({
  name: quads ? 'neurons/readout-fused-backward-quads' : 'neurons/readout-fused-backward',
  code: shader('common/readout-backward-bindings') + shader(quads ? 'neurons/readout-fused-backward-quads' : 'neurons/readout-fused-backward'),
  bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'storage', 'storage'],
  constants: quads ? { O4: quads } : {},
});

/**
 * The layout of readoutFusedBackward's gradient slices for `outputs` outputs: `quads` (O ≤
 * MAX_QUAD_OUTPUTS) [chunks][N][stride] with output o of neuron i at i·stride + o (stride =
 * 4·⌈O/4⌉; linear/transpose with rows N, cols O, stride sums and transposes them), else
 * [chunks][O][N] (summed by sumSlices); `floats` per chunk.
 */
export function readoutGradSliceLayout(outputs: number, neurons: number): { quads: boolean; stride: number; floats: number } {
  const quads = outputs <= MAX_QUAD_OUTPUTS;
  const stride = quads ? 4 * Math.ceil(outputs / 4) : neurons;
  return { quads, stride, floats: quads ? neurons * stride : outputs * neurons };
}

/**
 * Readout weight gradient partial sums per sample chunk in readoutGradSliceLayout (overwritten)
 * from dL/dy [T][B][O] and the row lists of the last hidden layer's spikes (linear/mask-lists);
 * `rowLive` [T·B] u32 becomes nonzero where some dL/dy of the row is (bit o for output o up to
 * 32 outputs; cleared by `clear`).
 */
export function readoutFusedBackward(device: GPUDevice, a: {
  gradVoltage: GPUBuffer; spikeLists: GPUBuffer; gradSlices: GPUBuffer; rowLive: GPUBuffer; chunks: number;
  steps: number; batch: number; outputs: number; neurons: number; alpha: number; beta: number;
}): Dispatch & { clear(enc: GPUCommandEncoder): void } {
  if (!(Number.isInteger(a.chunks) && a.chunks >= 1 && a.chunks <= 65535)) throw new RangeError(`readoutFusedBackward: chunks must be an integer in [1, 65535], got ${a.chunks}`);
  const quads = readoutGradSliceLayout(a.outputs, a.neurons).quads ? Math.ceil(a.outputs / 4) : 0;
  const spec = readoutFusedBackwardSpec(quads);
  const u = uniformBlock(device, spec, {
    steps: a.steps, batch: a.batch, outputs: a.outputs, neurons: a.neurons, chunks: a.chunks, alpha: a.alpha, beta: a.beta,
  });
  const d = bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.gradVoltage, a.spikeLists, a.gradSlices, a.rowLive],
    workgroups: quads ? [Math.ceil(a.chunks / 16)] : [Math.ceil(a.outputs / 16), a.chunks],
    owned: [u.buffer],
  });
  return { ...d, clear: (enc) => enc.clearBuffer(a.rowLive) };
}
