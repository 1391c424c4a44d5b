/**
 * Input encoders, run on the GPU (shaders/encode/*.wgsl) over the data set's
 * pixels kept on the GPU; the CPU functions here compute the same spikes and
 * are the reference the kernels are tested against.
 *
 * - Poisson rate coding: at every step n input j spikes with probability
 *   rate·x_j (x = pixel/255), drawn from a counter-based RNG keyed by
 *   (seed, sample index, n, j): the same sample gets the same spike train
 *   regardless of batch composition. A new seed per epoch redraws the trains.
 *   Encoding a window of steps [n0, n0 + k) (`stepOffset`, or a step clock on
 *   the GPU) gives exactly rows n0… of the whole-sequence encoding.
 * - Latency coding (time to first spike): one spike per input brighter than
 *   `threshold`, at t = round((1 − x)(T − 1)) ('linear'), or at
 *   t = round(τ·ln(x/(x − threshold))) steps ('log': the charging time of an RC
 *   neuron driven by x; later than T − 1 means no spike).
 */
import { latencyEncode, poissonEncode, type EncodeDispatch } from '../../kernels/encode/encoders.js';
import { uniform01 } from './rng.js';

export type EncoderSpec =
  | { readonly kind: 'poisson'; /** spike probability per step of a white pixel */ readonly rate: number }
  | { readonly kind: 'latency'; readonly mode: 'linear' | 'log'; readonly threshold: number; /** steps, log mode */ readonly tau: number };

export function poisson(rate = 0.3): EncoderSpec {
  if (!(rate > 0 && rate <= 1)) throw new RangeError(`Poisson rate is a spike probability per step in (0, 1], got ${rate}`);
  return { kind: 'poisson', rate };
}

export function latency(options: { mode?: 'linear' | 'log'; threshold?: number; tau?: number } = {}): EncoderSpec {
  const threshold = options.threshold ?? 0.2;
  const tau = options.tau ?? 5;
  if (!(threshold >= 0 && threshold < 1)) throw new RangeError(`latency threshold must be in [0, 1), got ${threshold}`);
  if (!(tau > 0)) throw new RangeError(`latency tau must be positive (steps), got ${tau}`);
  const mode = options.mode ?? 'linear';
  if (mode !== 'linear' && mode !== 'log') throw new RangeError(`latency mode must be 'linear' or 'log', got ${String(mode)}`);
  return { kind: 'latency', mode, threshold, tau };
}

export function encoderByName(name: string, param?: number): EncoderSpec {
  if (name === 'poisson' || name === 'rate') return poisson(param);
  if (name === 'latency' || name === 'latency-linear') return latency({ mode: 'linear', threshold: param });
  if (name === 'latency-log') return latency({ mode: 'log', threshold: param });
  throw new RangeError(`unknown encoder '${name}': use poisson, latency (= latency-linear) or latency-log`);
}

export interface EncoderBinding {
  pixels: GPUBuffer;
  sampleIndex: GPUBuffer;
  /** [steps][B][N] f32, or with `bits` u32 words [steps][B][⌈N/32⌉] (BatchShape inputFormat 'bits') */
  spikes: GPUBuffer;
  /** write the spikes as bits (the run's input format is 'bits') */
  bits?: boolean;
  /** rows written: the whole sequence, or one window of it */
  steps: number;
  batch: number;
  inputs: number;
  seed: number;
  /** steps of the whole sequence when `spikes` holds one window (default `steps`) */
  totalSteps?: number;
  /** global step of row 0 (uniform `step_offset`; default 0) */
  stepOffset?: number;
  /** [1] u32 step clock added to the offset on the GPU (see MethodRun.inputWindows) */
  clock?: GPUBuffer;
}

export function bindEncoder(device: GPUDevice, spec: EncoderSpec, b: EncoderBinding): EncodeDispatch {
  if (spec.kind === 'poisson') return poissonEncode(device, { ...b, rate: spec.rate });
  return latencyEncode(device, { ...b, log: spec.mode === 'log', threshold: spec.threshold, tau: spec.tau });
}

/** WGSL round(): to nearest, ties to even. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * CPU encoding of samples `indices` of `pixels` (count × inputs u8) into
 * spikes [T][B][N], with f32 arithmetic as in the kernels.
 */
export function encodeCpu(spec: EncoderSpec, pixels: Uint8Array, inputs: number, indices: ArrayLike<number>, steps: number, seed: number): Float32Array {
  const B = indices.length;
  const out = new Float32Array(steps * B * inputs);
  const f = Math.fround;
  for (let b = 0; b < B; b++) {
    const sample = indices[b];
    for (let j = 0; j < inputs; j++) {
      const x = f(pixels[sample * inputs + j] / 255);
      if (spec.kind === 'poisson') {
        const p = f(f(spec.rate) * x);
        for (let n = 0; n < steps; n++) {
          if (uniform01(seed, sample, n, j) < p) out[(n * B + b) * inputs + j] = 1;
        }
      } else if (x > f(spec.threshold)) {
        const t = spec.mode === 'linear'
          ? roundHalfEven(f(f(1 - x) * (steps - 1)))
          : roundHalfEven(f(f(spec.tau) * f(Math.log(f(x / f(x - f(spec.threshold)))))));
        if (t >= 0 && t < steps) out[(t * B + b) * inputs + j] = 1;
      }
    }
  }
  return out;
}
