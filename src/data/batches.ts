/**
 * Deterministic shuffling and mini-batch assembly. Browser-safe.
 */

import type { ImageDataset } from './dataset.js';

/**
 * splitmix32: a 32-bit seeded PRNG (state += 0x9E3779B9, then the murmur3-style
 * finaliser with constants 0x85EBCA6B / 0xC2B2AE35 and shifts 16/13/16).
 * Returns a function giving uniform uint32 values; identical on every platform.
 */
export function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A seeded PRNG: `nextU32()` uniform in [0, 2^32), `next()` uniform in [0, 1), `below(n)` uniform integer in [0, n). */
export interface Rng {
  nextU32(): number;
  next(): number;
  below(n: number): number;
}

/** Wrap splitmix32 into an Rng. `below` is unbiased (rejection sampling). */
export function createRng(seed: number): Rng {
  const u32 = splitmix32(seed);
  return {
    nextU32: u32,
    next: () => u32() / 4294967296,
    below(n: number): number {
      if (!Number.isInteger(n) || n < 1 || n > 4294967296) throw new RangeError(`below(${n}): need an integer in 1..2^32`);
      // reject the top partial range so that every residue is equally likely
      const limit = 4294967296 - (4294967296 % n);
      for (;;) {
        const x = u32();
        if (x < limit) return x % n;
      }
    },
  };
}

/**
 * Seed of an epoch's shuffle for a given (seed, epoch): mixes both through splitmix32 so that nearby
 * seeds / epochs give unrelated streams.
 */
export function shuffleSeed(seed: number, epoch: number): number {
  const a = splitmix32((seed >>> 0) ^ 0x5bd1e995)();
  return splitmix32((a ^ Math.imul(epoch >>> 0, 0x27d4eb2f)) >>> 0)();
}

/**
 * A permutation of 0..count-1, by Fisher–Yates with the PRNG `createRng(shuffleSeed(seed, epoch))`.
 * The same (count, seed, epoch) always gives the same order, on every platform.
 */
export function shuffledOrder(count: number, seed: number, epoch = 0): Uint32Array {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`shuffledOrder: count ${count} is not a non-negative integer`);
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  const rng = createRng(shuffleSeed(seed, epoch));
  for (let i = count - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/**
 * Split `order` into consecutive batches of `batchSize`; each batch is a
 * subarray view of `order` (no copy). The last batch is shorter unless `dropLast`,
 * in which case an incomplete last batch is left out.
 */
export function batchIndices(order: Uint32Array, batchSize: number, dropLast = false): Uint32Array[] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchIndices: batchSize ${batchSize} must be a positive integer`);
  const batches: Uint32Array[] = [];
  for (let s = 0; s < order.length; s += batchSize) {
    const e = Math.min(s + batchSize, order.length);
    if (dropLast && e - s < batchSize) break;
    batches.push(order.subarray(s, e));
  }
  return batches;
}

export interface Batch {
  /** size × (rows·cols) pixels scaled to [0, 1] (pixel / 255), row-major per image */
  pixels: Float32Array;
  labels: Uint32Array;
  size: number;
}

const INV255 = new Float32Array(256).map((_, i) => i / 255);

/** Gather the samples `indices` of `ds` into a dense batch. */
export function gatherBatch(ds: ImageDataset, indices: ArrayLike<number>): Batch {
  const size = indices.length;
  const px = ds.rows * ds.cols;
  const pixels = new Float32Array(size * px);
  const labels = new Uint32Array(size);
  for (let b = 0; b < size; b++) {
    const i = indices[b];
    if (!Number.isInteger(i) || i < 0 || i >= ds.count) {
      throw new RangeError(`gatherBatch: index ${i} is outside 0..${ds.count - 1} of ${ds.name}`);
    }
    const src = i * px;
    const dst = b * px;
    for (let k = 0; k < px; k++) pixels[dst + k] = INV255[ds.images[src + k]];
    labels[b] = ds.labels[i];
  }
  return { pixels, labels, size };
}
