/**
 * The seeded generator of weights, feedback matrices and the float64
 * reference's random networks: mulberry32, deterministic on every runtime.
 * (Data sets, shuffles and the spike encoders keep their own generators,
 * data/batches.ts and encode/rng.ts, whose streams fix today's data and results.)
 */

export interface Rng {
  /** uniform in [0, 1) with 32 random bits */
  next(): number;
  /** uniform in [lo, hi) */
  uniform(lo: number, hi: number): number;
  /** integer uniform in [0, n) */
  int(n: number): number;
}

/** mulberry32: a tiny 32-bit seeded generator (deterministic across runtimes). */
export function createRng(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new RangeError(`rng seed must be a finite number, got ${seed}`);
  let state = Math.trunc(seed) >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    int: (n) => Math.floor(next() * n),
  };
}
