import { shader } from '../shaders.js';
import type { LifConstants } from '../types.js';
import { maskWords } from '../linear/mask-lists.js';
import { bind, pipelineFor, placeholders, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

/** Neurons covered by one workgroup (threads × neurons per thread, fixed in the WGSL). */
export const NEURONS_PER_WORKGROUP = 512;

/** Columns of a Wᵀ row read by the fused forward: N rounded up to a multiple of NEURONS_PER_WORKGROUP (padding is read only for neurons ≥ N). */
export const paddedInputWeights = (neurons: number): number => Math.ceil(neurons / NEURONS_PER_WORKGROUP) * NEURONS_PER_WORKGROUP;

/** Membrane words per row with f16 storage (pairs of neurons per u32 word; see the WGSL header). */
export const halfMembraneWords = (neurons: number): number => 64 * Math.ceil(neurons / 128);

/** u32 words the membrane buffer of a [rows][neurons] layer takes with the given storage. */
export const membraneWords = (rows: number, neurons: number, storage: 'f32' | 'f16'): number =>
  rows * (storage === 'f16' ? halfMembraneWords(neurons) : neurons);

/** Value of half-precision bits (IEEE binary16). */
export function halfBitsToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 0x1f;
  const m = bits & 0x3ff;
  if (e === 0x1f) return m ? NaN : sign * Infinity;
  return sign * (e === 0 ? m * 2 ** -24 : (1 + m / 1024) * 2 ** (e - 15));
}

/** Bits of the largest half ≤ x, for 0 < x (0x7bff, the largest finite half, beyond it). */
export function halfFloorBits(x: number): number {
  if (!(x > 0)) throw new RangeError(`halfFloorBits needs x > 0, got ${x}`);
  if (x >= 65504) return 0x7bff;
  if (x < 2 ** -14) return Math.floor(x / 2 ** -24); // subnormal
  const e = Math.min(15, Math.max(-14, Math.floor(Math.log2(x))));
  const m = Math.floor((x / 2 ** e - 1) * 1024);
  let bits = ((e + 15) << 10) | Math.max(0, Math.min(1023, m));
  // guard log2 rounding at powers of two
  while (halfBitsToNumber(bits) > x) bits--;
  while (bits < 0x7bff && halfBitsToNumber(bits + 1) <= x) bits++;
  return bits;
}

export interface LifFusedForwardArgs {
  /** S_in [T·B][K] (values; zero = inactive) */
  inSpikes: GPUBuffer;
  /** row lists of S_in (linear/mask-lists) */
  inLists: GPUBuffer;
  /** Wᵀ [K][paddedInputWeights(N)], or (texture) W as the texels of linear/weight-texels */
  weightsT: GPUBuffer | { texture: GPUTexture };
  /** U [T·B] rows as u32 words: f32 bits, or with `storage` 'f16' packed halves (membraneWords) */
  membrane: GPUBuffer;
  /** S [T·B][N] as f32, written when given (only observers read it: the bits in spikeMask carry S onwards) */
  spikes?: GPUBuffer;
  /** [T·B][maskWords(N)] u32; cleared by the dispatch's `clear` */
  spikeMask: GPUBuffer;
  steps: number;
  batch: number;
  neurons: number;
  inputs: number;
  params: LifConstants;
  /** membrane storage for the backward scan (default 'f32') */
  storage?: 'f32' | 'f16';
  /** inputs may take values other than 0 and 1 (the variant that weights each event by its value) */
  graded?: boolean;
}

/** `partial`: some thread's neurons run past N (N not a multiple of 128), so the scan checks each neuron's index. */
export function lifFusedForwardSpec(params: LifConstants, storage: 'f32' | 'f16' = 'f32', texture = false, graded = false, partial = true, writeSpikes = true): KernelSpec {
  return {
    name: 'neurons/lif-fused-forward',
    code: shader('neurons/lif-fused-forward'),
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'read-only-storage', 'storage', 'storage', 'storage', 'float-texture'],
    constants: { RESET_ZERO: params.reset === 'zero', HALF: storage === 'f16', TEXTURE: texture, GRADED: graded, PARTIAL: partial, WRITE_SPIKES: writeSpikes },
  };
}

/** Workgroups of NEURONS_PER_WORKGROUP neurons, one row of them per sample (y, split over z past 65535). */
function grid(neurons: number, batch: number, max = 65535): [number, number, number] {
  const z = Math.ceil(batch / max);
  return [Math.ceil(neurons / NEURONS_PER_WORKGROUP), Math.ceil(batch / z), z];
}

export function lifFusedForward(device: GPUDevice, a: LifFusedForwardArgs): Dispatch & { clear(enc: GPUCommandEncoder): void } {
  const texture = 'texture' in a.weightsT ? a.weightsT.texture : undefined;
  const spec = lifFusedForwardSpec(a.params, a.storage, !!texture, !!a.graded, a.neurons % 128 !== 0, !!a.spikes);
  const u = uniformBlock(device, spec, {
    steps: a.steps, batch: a.batch, neurons: a.neurons, inputs: a.inputs, words: maskWords(a.neurons), padded: paddedInputWeights(a.neurons),
    half_words: halfMembraneWords(a.neurons), threshold_half: halfFloorBits(Math.fround(a.params.threshold)),
    alpha: a.params.alpha, beta: a.params.beta, threshold: a.params.threshold,
  });
  // bindings the variant does not touch take small placeholders
  const unused = placeholders(device, spec.name);
  const d = bind(device, pipelineFor(device, spec), {
    resources: [
      u.buffer, a.inSpikes, a.inLists, texture ? unused.buffer() : (a.weightsT as GPUBuffer), a.membrane, a.spikes ?? unused.buffer(), a.spikeMask,
      (texture ?? unused.texture()).createView(),
    ],
    workgroups: grid(a.neurons, a.batch),
    owned: [u.buffer, ...unused.owned],
  });
  return { ...d, clear: (enc) => enc.clearBuffer(a.spikeMask) };
}
