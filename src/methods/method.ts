/**
 * The one interface every gradient method implements: surrogate BPTT here;
 * eligibility traces / RTRL, EventProp, exact forward propagation, alpha-synapse
 * spike-time gradients and the smoothed gate plug in the same way.
 *
 * A method is bound to a network and a batch shape once (`bind`), which
 * allocates its activations and records its dispatches; each training step then
 * only records commands: `encodeForward` (network + loss, accumulating metrics)
 * and `encodeBackward` (overwrites every parameter's gradient buffer with
 * dL/dθ of the batch-mean loss). The optimizer reads those gradient buffers.
 */
import type { GpuNetwork } from '../layers/network.js';
import type { NetworkSpec } from '../model/network.js';
import type { Profiler } from '../gpu/profiler.js';

/**
 * What drives the input layer:
 * - 'dense-steps': f32 spikes [T][B][N_in] on the time grid (discrete-time methods);
 * - 'spike-times': per-input spike times (event-exact methods; times in ms, NaN = none).
 */
export type InputKind = 'dense-steps' | 'spike-times';

export interface BatchShape {
  readonly batch: number;
  /** time steps T (discrete methods) or grid steps of the hybrid scan (event methods) */
  readonly steps: number;
  /**
   * Optional: the caller can write the input k = inputWindow steps at a time (an
   * encoder dispatch per window, see MethodRun.inputWindows). A method that
   * supports it allocates `input` as [min(k, T)][B][N_in], so its memory does not
   * grow with T; the others ignore it and keep the whole [T][B][N_in] input.
   */
  readonly inputWindow?: number;
  /**
   * Optional, default true. false: nobody reads the run's observables, so a method may leave
   * out what only they need (fused surrogate BPTT then stores no f32 hidden spikes, a store
   * per neuron and step, and lists no `hidden.<l>.spikes`); trainers that only train pass false.
   */
  readonly observe?: boolean;
  /**
   * Optional, default 'f32': how `input` holds the spikes of a 'dense-steps' method.
   * 'f32': one float per input, step and sample, [T][B][N_in]. 'bits': binary spikes packed
   * 32 to a u32 word, [T][B][⌈N_in / 32⌉] words, input j in bit j mod 32 of word ⌊j / 32⌋
   * (`packSpikeBits`; the pixel encoders write it with `bits: true`): 32 times less to write
   * and to read, and fused surrogate BPTT builds its input event lists from the set bits.
   * Only methods whose `inputFormats` include 'bits' accept it (bptt).
   */
  readonly inputFormat?: InputFormat;
}

export type InputFormat = 'f32' | 'bits';

/** u32 words of a row of `inputs` spikes in the 'bits' input format */
export const spikeBitWords = (inputs: number): number => Math.ceil(inputs / 32);

/** Binary spikes [rows][inputs] (any nonzero value is a spike) in the 'bits' input format. */
export function packSpikeBits(spikes: ArrayLike<number>, inputs: number): Uint32Array<ArrayBuffer> {
  const W = spikeBitWords(inputs);
  const rows = Math.floor(spikes.length / inputs);
  const out = new Uint32Array(rows * W);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < inputs; j++) if (spikes[r * inputs + j] !== 0) out[r * W + (j >> 5)] |= 1 << (j & 31);
  }
  return out;
}

/**
 * Throws a RangeError naming the first field of `shape` that is not a positive integer (or, for `observe`,
 * not a boolean; for `inputFormat`, not one of `formats`, the input formats of `method`).
 */
export function checkBatchShape(shape: BatchShape, method = 'this method', formats: readonly InputFormat[] = ['f32']): void {
  for (const [k, v] of Object.entries(shape)) {
    if (v === undefined && (k === 'inputWindow' || k === 'observe' || k === 'inputFormat')) continue;
    if (k === 'observe') {
      if (typeof v !== 'boolean') throw new RangeError(`batch shape observe must be true or false, got ${String(v)}`);
    } else if (k === 'inputFormat') {
      if (v !== 'f32' && v !== 'bits') throw new RangeError(`batch shape inputFormat must be 'f32' or 'bits', got '${String(v)}'`);
      if (!formats.includes(v)) throw new RangeError(`${method} reads its input as ${formats.map((f) => `'${f}'`).join(' or ')}, not inputFormat '${v}' (bptt reads 'bits')`);
    } else if (!(Number.isInteger(v) && v > 0)) {
      throw new RangeError(`batch shape ${k} must be a positive integer, got ${v}`);
    }
  }
}

/** Input consumed in windows of k steps (MethodRun.inputWindows). */
export interface InputWindows {
  /** k: `input` holds [k][B][N_in]; step n is row n − k·⌊n/k⌋ of window ⌊n/k⌋ */
  readonly steps: number;
  /** ⌈T / k⌉ */
  readonly count: number;
  /** [1] u32 step clock: it holds k·w on the GPU while window w is written (bind it as an encoder's `clock`) */
  readonly clock: GPUBuffer;
  /**
   * How window w (global steps [k·w, min(T, k·(w+1)))) is written into `input`:
   * commands recorded on `encoder` outside any pass (e.g. an encoder dispatch in
   * its own compute pass). encodeForward, encodeBackward and online chunks call it
   * before the first step of every window they run (sequence mode writes each
   * window twice: forward and replay), so it must give the same spikes each time;
   * an online chunk that starts inside a window reads what the chunk before wrote.
   */
  setWriter(write: (encoder: GPUCommandEncoder, window: number) => void): void;
}

/** What a method keeps for its backward pass, for memory accounting and comparisons. */
export interface StoredState {
  /** named buffers and their sizes in bytes */
  readonly buffers: readonly { name: string; bytes: number }[];
  readonly totalBytes: number;
}

export interface MethodRun {
  readonly method: GradientMethod;
  readonly shape: BatchShape;
  readonly inputKind: InputKind;
  /**
   * written by an encoder kernel or uploaded by the caller: [T][B][N_in], or one window
   * (inputWindows); f32 values, or spike bits when the shape asks for inputFormat 'bits'
   */
  readonly input: GPUBuffer;
  /** present when the method reads `input` in windows (requested by BatchShape.inputWindow) */
  readonly inputWindows?: InputWindows;
  /** [B] u32 class labels */
  readonly labels: GPUBuffer;
  /** [4] f32 running (Σ loss, Σ correct, samples, batches) */
  readonly metrics: GPUBuffer;
  /** [B][2] f32 per-sample (loss, correct) of the last forward pass */
  readonly sampleStats: GPUBuffer;
  /** number of real samples in the next batch (≤ batch; the rest is padding) */
  setValid(valid: number): void;
  /** with a profiler, every kernel runs in its own timestamped pass */
  encodeForward(encoder: GPUCommandEncoder, profiler?: Profiler): void;
  encodeBackward(encoder: GPUCommandEncoder, profiler?: Profiler): void;
  stored(): StoredState;
  /** per-layer buffers a user can read after a forward pass (name → buffer and shape) */
  readonly observables: ReadonlyMap<string, { buffer: GPUBuffer; shape: readonly number[] }>;
  /**
   * Present when the method updates the weights within a sequence (online
   * learning): the trainer records chunk after chunk, each followed by an
   * optimizer step, instead of encodeForward + encodeBackward.
   */
  readonly online?: OnlineUpdates;
  destroy(): void;
}

/** Chunked recording of one training sequence for updates every `chunkSteps` steps. */
export interface OnlineUpdates {
  readonly chunkSteps: number;
  /** ⌈T / chunkSteps⌉ */
  readonly chunks: number;
  /**
   * Records steps [c·k, min(T, (c+1)·k)) and overwrites every gradient buffer with
   * their contribution; chunk 0 starts the sequence from zero states, the last one
   * also computes the loss and accumulates the metrics. Chunks must be recorded in
   * order (the states carry over between them).
   */
  encodeChunk(encoder: GPUCommandEncoder, chunk: number, profiler?: Profiler): void;
}

/** Whether a method computes gradients for a network, and if not, what it lacks. */
export type Support = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export const SUPPORTED: Support = { ok: true };

export interface GradientMethod {
  /** 'bptt', 'eligibility', 'rtrl', 'eventprop', … */
  readonly name: string;
  readonly description: string;
  /** exact gradients of the model it simulates (true) or surrogate/approximate (false) */
  readonly exact: boolean;
  readonly inputKind: InputKind;
  /** the BatchShape.inputFormat values `bind` accepts ('dense-steps' methods; absent: 'f32' only) */
  readonly inputFormats?: readonly InputFormat[];
  /**
   * Whether this method (with its options) handles `spec`, before any GPU work;
   * the reason names what it does not handle (a layer's neuron model, a readout).
   * `bind` refuses an unsupported network with that reason.
   */
  supports(spec: NetworkSpec): Support;
  bind(net: GpuNetwork, shape: BatchShape): MethodRun;
}

/** A network that a method does not handle (GradientMethod.supports). */
export class UnsupportedNetworkError extends RangeError {
  constructor(readonly method: string, readonly reason: string) {
    super(`${method}: ${reason}`);
    this.name = 'UnsupportedNetworkError';
  }
}

/** Throws UnsupportedNetworkError unless `method` supports `spec`. */
export function requireSupport(method: Pick<GradientMethod, 'name' | 'supports'>, spec: NetworkSpec): void {
  const s = method.supports(spec);
  if (!s.ok) throw new UnsupportedNetworkError(method.name, s.reason);
}
