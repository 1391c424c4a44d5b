import { shader } from '../shaders.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec, type UniformBlock } from '../kernel.js';

export const WORKGROUP = 64;

export interface EncodeArgs {
  /** the data set's pixels, u8 packed 4 per u32 */
  pixels: GPUBuffer;
  sampleIndex: GPUBuffer;
  /** [steps][B][N] f32, or with `bits` [steps][B][⌈N/32⌉] u32 words (the 'bits' input format of BatchShape) */
  spikes: GPUBuffer;
  /** write spike bits (32 inputs per u32 word) instead of f32 values */
  bits?: boolean;
  /** rows written: the whole sequence, or one window */
  steps: number;
  batch: number;
  inputs: number;
  /** steps of the whole sequence (default `steps`) */
  totalSteps?: number;
  /** global step of row 0 (a uniform: `uniforms.write({ step_offset })`; default 0) */
  stepOffset?: number;
  /** [1] u32 added to the step offset when the dispatch runs (a method's step clock: windows recorded in one command buffer) */
  clock?: GPUBuffer;
}

const spikeValue = (bits: boolean) => `alias SpikeValue = ${bits ? 'u32' : 'f32'};\n`;

export const poissonSpec = (clockOffset = false, bits = false): KernelSpec => ({
  name: bits ? 'encode/poisson(bits)' : 'encode/poisson',
  code: spikeValue(bits) + shader('common/grid') + shader('common/rng') + shader('common/encode-pixels') + shader('encode/poisson'),
  bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'storage', 'read-only-storage'],
  constants: { WG: WORKGROUP, CLOCK_OFFSET: clockOffset, BITS: bits },
});

export const latencySpec = (log: boolean, clockOffset = false, bits = false): KernelSpec => ({
  name: bits ? 'encode/latency(bits)' : 'encode/latency',
  code: spikeValue(bits) + shader('common/grid') + shader('common/encode-pixels') + shader('encode/latency'),
  bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'storage', 'read-only-storage'],
  constants: { WG: WORKGROUP, LOG: log, CLOCK_OFFSET: clockOffset, BITS: bits },
});

export type EncodeDispatch = Dispatch & { uniforms: UniformBlock };

function encodeDispatch(device: GPUDevice, spec: KernelSpec, a: EncodeArgs, values: Record<string, number>): EncodeDispatch {
  const totalSteps = a.totalSteps ?? a.steps;
  const stepOffset = a.stepOffset ?? 0;
  for (const [k, v] of Object.entries({ steps: a.steps, totalSteps, stepOffset })) {
    if (!(Number.isInteger(v) && v >= (k === 'stepOffset' ? 0 : 1))) throw new RangeError(`encoder ${k} must be a ${k === 'stepOffset' ? 'non-negative' : 'positive'} integer, got ${v}`);
  }
  const u = uniformBlock(device, spec, {
    steps: a.steps, batch: a.batch, inputs: a.inputs, valid: a.batch, step_offset: stepOffset, total_steps: totalSteps, ...values,
  });
  const d = bind(device, pipelineFor(device, spec), {
    resources: [u.buffer, a.pixels, a.sampleIndex, a.spikes, a.clock ?? a.sampleIndex],
    workgroups: grid1d(a.steps * a.batch * (a.bits ? Math.ceil(a.inputs / 32) : a.inputs), WORKGROUP),
    owned: [u.buffer],
  });
  return { ...d, uniforms: u };
}

export function poissonEncode(device: GPUDevice, a: EncodeArgs & { seed: number; rate: number }): EncodeDispatch {
  return encodeDispatch(device, poissonSpec(!!a.clock, !!a.bits), a, { seed: a.seed >>> 0, rate: a.rate });
}

export function latencyEncode(device: GPUDevice, a: EncodeArgs & { log: boolean; threshold: number; tau: number }): EncodeDispatch {
  return encodeDispatch(device, latencySpec(a.log, !!a.clock, !!a.bits), a, { threshold: a.threshold, tau: a.tau });
}
