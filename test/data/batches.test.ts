import { describe, expect, it } from 'vitest';
import {
  batchIndices,
  createRng,
  gatherBatch,
  shuffledOrder,
  splitmix32,
  type ImageDataset,
} from '../../src/data/index.js';

function isPermutation(order: Uint32Array, n: number): boolean {
  if (order.length !== n) return false;
  const seen = new Uint8Array(n);
  for (const i of order) {
    if (i >= n || seen[i]) return false;
    seen[i] = 1;
  }
  return true;
}

describe('splitmix32 / createRng', () => {
  it('is deterministic with fixed reference values', () => {
    const a = splitmix32(42);
    const b = splitmix32(42);
    const xs = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(xs);
    // pinned so that any change to the generator (and so to every shuffle) is noticed
    const ref = splitmix32(0);
    const state = 0x9e3779b9;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    expect(ref()).toBe((z ^ (z >>> 16)) >>> 0);
    expect(xs.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32)).toBe(true);
    expect(new Set(xs).size).toBe(5);
  });

  it('next() is in [0,1) with mean ≈ ½ and below(n) is roughly uniform', () => {
    const rng = createRng(7);
    let sum = 0;
    let inRange = true;
    const N = 20000;
    for (let i = 0; i < N; i++) {
      const x = rng.next();
      inRange &&= x >= 0 && x < 1;
      sum += x;
    }
    expect(inRange).toBe(true);
    expect(Math.abs(sum / N - 0.5)).toBeLessThan(0.01);
    const hist = new Array(10).fill(0);
    for (let i = 0; i < N; i++) hist[rng.below(10)]++;
    for (const h of hist) expect(Math.abs(h - N / 10)).toBeLessThan(N / 10 * 0.1);
    expect(() => rng.below(0)).toThrow(RangeError);
  });
});

describe('shuffledOrder', () => {
  it('is a permutation, the same for the same (seed, epoch)', () => {
    const a = shuffledOrder(1000, 123, 4);
    expect(isPermutation(a, 1000)).toBe(true);
    expect(shuffledOrder(1000, 123, 4)).toEqual(a);
    // actually shuffled
    let fixed = 0;
    for (let i = 0; i < a.length; i++) if (a[i] === i) fixed++;
    expect(fixed).toBeLessThan(10);
  });

  it('differs between epochs and between seeds', () => {
    const e0 = shuffledOrder(500, 1, 0);
    const e1 = shuffledOrder(500, 1, 1);
    const s2 = shuffledOrder(500, 2, 0);
    expect(isPermutation(e1, 500) && isPermutation(s2, 500)).toBe(true);
    expect(e1).not.toEqual(e0);
    expect(s2).not.toEqual(e0);
    const epochs = new Set(Array.from({ length: 20 }, (_, e) => shuffledOrder(50, 9, e).join(',')));
    expect(epochs.size).toBe(20);
  });

  it('defaults epoch to 0 and handles tiny counts', () => {
    expect(shuffledOrder(100, 5)).toEqual(shuffledOrder(100, 5, 0));
    expect(shuffledOrder(0, 1, 0)).toEqual(new Uint32Array(0));
    expect(shuffledOrder(1, 1, 3)).toEqual(Uint32Array.from([0]));
  });

  it('puts each element in each position about equally often', () => {
    const n = 4;
    const counts = Array.from({ length: n }, () => new Array(n).fill(0));
    const trials = 4000;
    for (let e = 0; e < trials; e++) {
      const o = shuffledOrder(n, 77, e);
      o.forEach((v, pos) => counts[v][pos]++);
    }
    for (const row of counts) for (const c of row) expect(Math.abs(c - trials / n)).toBeLessThan(trials / n * 0.15);
  });
});

describe('batchIndices', () => {
  const order = Uint32Array.from({ length: 10 }, (_, i) => 9 - i);

  it('splits into consecutive batches with a short last batch', () => {
    const b = batchIndices(order, 4);
    expect(b.map((x) => Array.from(x))).toEqual([
      [9, 8, 7, 6],
      [5, 4, 3, 2],
      [1, 0],
    ]);
  });

  it('drops an incomplete last batch when asked', () => {
    expect(batchIndices(order, 4, true).map((x) => x.length)).toEqual([4, 4]);
    expect(batchIndices(order, 5, true).map((x) => x.length)).toEqual([5, 5]);
    expect(batchIndices(order, 11, true)).toEqual([]);
    expect(batchIndices(order, 11).map((x) => x.length)).toEqual([10]);
  });

  it('rejects bad batch sizes', () => {
    expect(() => batchIndices(order, 0)).toThrow(RangeError);
    expect(() => batchIndices(order, 1.5)).toThrow(RangeError);
  });
});

describe('gatherBatch', () => {
  const ds: ImageDataset = {
    name: 'toy',
    images: Uint8Array.from({ length: 5 * 6 }, (_, i) => (i * 9) % 256),
    labels: Uint8Array.from([3, 1, 4, 1, 5]),
    count: 5,
    rows: 2,
    cols: 3,
    classes: 10,
  };

  it('copies the chosen samples, scaled to [0,1], with their labels', () => {
    const b = gatherBatch(ds, Uint32Array.from([4, 0, 2]));
    expect(b.size).toBe(3);
    expect(b.pixels.length).toBe(3 * 6);
    expect(Array.from(b.labels)).toEqual([5, 3, 4]);
    for (const [slot, idx] of [
      [0, 4],
      [1, 0],
      [2, 2],
    ]) {
      for (let k = 0; k < 6; k++) {
        expect(b.pixels[slot * 6 + k]).toBeCloseTo(ds.images[idx * 6 + k] / 255, 7);
      }
    }
  });

  it('maps 0 → 0 and 255 → 1 exactly', () => {
    const d2 = { ...ds, images: Uint8Array.from([0, 255, 0, 255, 0, 255, ...new Array(24).fill(128)]) };
    const b = gatherBatch(d2, [0]);
    expect(Array.from(b.pixels)).toEqual([0, 1, 0, 1, 0, 1]);
  });

  it('rejects out-of-range indices', () => {
    expect(() => gatherBatch(ds, [5])).toThrow(/index 5 is outside 0..4 of toy/);
  });
});
