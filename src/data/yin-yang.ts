/**
 * Spike-latency data for the event-exact methods (Wunderlich & Pehle 2021,
 * papers/003, "Yin-Yang dataset" and "MNIST dataset"). Seeded, browser-safe.
 *
 * Yin-Yang (Kriener et al., ref. 37 of papers/003): points (x, y) drawn uniformly
 * in the disc of radius R = rBig centred at (R, R), by rejection sampling; class
 * 0 = yin, 1 = yang, 2 = dot, with the geometry of Kriener's reference generator
 * (left dot centre (R/2, R), right dot centre (3R/2, R), dot radius r = rSmall):
 *
 *   d_r, d_l = distances to the right and left dot centres
 *   dot  ⇔ d_r < r or d_l < r
 *   yin  ⇔ d_r ≤ r or r < d_l ≤ R/2 or (y > R and d_r > R/2)      (when not a dot)
 *   yang otherwise
 *
 * Each sample first picks its target class (cycling 0, 1, 2 in a seeded random
 * order, so classes are balanced up to one sample) and then draws points until
 * one falls in that class. Kriener's generator picks the target class uniformly
 * at random instead (balanced only in expectation).
 *
 * Encoding (papers/003, Fig. 3D): (x, y) → (x, 1 − x, y, 1 − y), each value v in
 * [0, 1] becomes one spike at v·t_max on channels 0…3, plus a bias spike at
 * t_bias on channel 4: five input spikes per sample (Table 3: t_max = 30 ms,
 * t_bias = 0). With the default R = 0.5 all coordinates lie in [0, 1].
 *
 * MNIST latency code (papers/003, "MNIST dataset"): pixel p ∈ 0…255, x = p/255,
 * one spike at (1 − x)·t_max (bright pixels early, Table 3: t_max = 20 ms), no
 * spike for p ≤ 1 ("pixels corresponding to a value of 0 or 1 out of 255 were not
 * converted to spikes"); during training each spike is dropped with probability
 * p_drop (Table 3: 0.2).
 */
import { createRng, shuffledOrder } from './batches.js';

/** One input spike: channel `neuron` at `time` ms (the shape `eventForward` takes). */
export interface TimedSpike {
  time: number;
  neuron: number;
}

export const YIN_YANG_CLASSES = ['yin', 'yang', 'dot'] as const;

export interface YinYangOptions {
  count: number;
  seed?: number;
  /** dot radius r (default 0.1) */
  rSmall?: number;
  /** radius R of the whole figure (default 0.5) */
  rBig?: number;
}

export interface YinYangDataset {
  count: number;
  rSmall: number;
  rBig: number;
  x: Float64Array;
  y: Float64Array;
  /** 0 = yin, 1 = yang, 2 = dot */
  labels: Uint8Array;
}

/** Class of a point inside the figure: 0 yin, 1 yang, 2 dot (Kriener's `which_class`). */
export function yinYangClass(x: number, y: number, rSmall = 0.1, rBig = 0.5): number {
  const dRight = Math.hypot(x - 1.5 * rBig, y - rBig);
  const dLeft = Math.hypot(x - 0.5 * rBig, y - rBig);
  if (dRight < rSmall || dLeft < rSmall) return 2;
  const yin = dRight <= rSmall || (dLeft > rSmall && dLeft <= 0.5 * rBig) || (y > rBig && dRight > 0.5 * rBig);
  return yin ? 0 : 1;
}

/** `count` seeded Yin-Yang points with balanced classes. */
export function yinYang(options: YinYangOptions): YinYangDataset {
  const { count, seed = 42, rSmall = 0.1, rBig = 0.5 } = options;
  if (!(Number.isInteger(count) && count >= 0)) throw new RangeError(`yinYang count must be a non-negative integer, got ${count}`);
  if (!(rBig > 0 && rSmall > 0 && rSmall < 0.5 * rBig)) throw new RangeError(`yinYang needs 0 < rSmall < rBig/2, got rSmall ${rSmall}, rBig ${rBig}`);
  const rng = createRng(seed);
  const order = shuffledOrder(count, seed, 1);
  const x = new Float64Array(count);
  const y = new Float64Array(count);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const goal = order[i] % 3;
    for (;;) {
      const px = rng.next() * 2 * rBig;
      const py = rng.next() * 2 * rBig;
      if (Math.hypot(px - rBig, py - rBig) > rBig) continue;
      if (yinYangClass(px, py, rSmall, rBig) !== goal) continue;
      x[i] = px;
      y[i] = py;
      labels[i] = goal;
      break;
    }
  }
  return { count, rSmall, rBig, x, y, labels };
}

export interface YinYangEncoding {
  /** latest spike time t_max (ms, default 30, Table 3) */
  tMaxMs?: number;
  /** time of the bias spike on channel 4 (ms, default 0, Table 3) */
  tBiasMs?: number;
}

/** Five input spikes of one point: (x, 1 − x, y, 1 − y)·t_max on channels 0…3, bias on 4. */
export function yinYangSpikes(x: number, y: number, encoding: YinYangEncoding = {}): TimedSpike[] {
  const { tMaxMs = 30, tBiasMs = 0 } = encoding;
  if (!(Number.isFinite(tMaxMs) && tMaxMs > 0)) throw new RangeError(`yinYangSpikes tMaxMs must be positive, got ${tMaxMs}`);
  if (!(Number.isFinite(tBiasMs) && tBiasMs >= 0)) throw new RangeError(`yinYangSpikes tBiasMs must be ≥ 0, got ${tBiasMs}`);
  const values = [x, 1 - x, y, 1 - y];
  for (const v of values) {
    if (!(v >= 0 && v <= 1)) throw new RangeError(`yinYangSpikes: coordinates must lie in [0, 1], got (${x}, ${y})`);
  }
  return [...values.map((v, neuron) => ({ time: v * tMaxMs, neuron })), { time: tBiasMs, neuron: 4 }];
}

export interface MnistLatencyOptions {
  /** latest spike time t_max (ms, default 20, Table 3) */
  tMaxMs?: number;
  /** probability of dropping each spike (default 0; Table 3 trains with 0.2) */
  pDrop?: number;
  /** seed of the dropout (needed when pDrop > 0) */
  seed?: number;
}

/** Latency code of one image (pixels 0…255): spike at (1 − p/255)·t_max for p ≥ 2, in channel order. */
export function mnistLatencySpikes(pixels: ArrayLike<number>, options: MnistLatencyOptions = {}): TimedSpike[] {
  const { tMaxMs = 20, pDrop = 0, seed = 0 } = options;
  if (!(Number.isFinite(tMaxMs) && tMaxMs > 0)) throw new RangeError(`mnistLatencySpikes tMaxMs must be positive, got ${tMaxMs}`);
  if (!(pDrop >= 0 && pDrop < 1)) throw new RangeError(`mnistLatencySpikes pDrop must lie in [0, 1), got ${pDrop}`);
  const rng = createRng(seed);
  const out: TimedSpike[] = [];
  for (let j = 0; j < pixels.length; j++) {
    const p = pixels[j];
    if (!(Number.isInteger(p) && p >= 0 && p <= 255)) throw new RangeError(`mnistLatencySpikes: pixel ${j} must be an integer in 0…255, got ${p}`);
    if (p <= 1) continue;
    if (pDrop > 0 && rng.next() < pDrop) continue;
    out.push({ time: (1 - p / 255) * tMaxMs, neuron: j });
  }
  return out;
}
