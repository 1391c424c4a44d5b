import { describe, expect, it } from 'vitest';
import { mnistLatencySpikes, yinYang, yinYangClass, yinYangSpikes } from '../../src/data/yin-yang.js';

describe('Yin-Yang dataset', () => {
  it('classifies known points of the figure (R = 0.5, r = 0.1)', () => {
    expect(yinYangClass(0.75, 0.5)).toBe(2); // centre of the right dot
    expect(yinYangClass(0.25, 0.5)).toBe(2); // centre of the left dot
    expect(yinYangClass(0.75, 0.59)).toBe(2); // inside the right dot, near its edge
    expect(yinYangClass(0.5, 0.9)).toBe(0); // top: yin
    expect(yinYangClass(0.5, 0.1)).toBe(1); // bottom: yang
    expect(yinYangClass(0.25, 0.7)).toBe(0); // the yin bulge around the left dot (r < d_l ≤ R/2)
    expect(yinYangClass(0.25, 0.3)).toBe(0); // below the left dot, still inside its R/2 bulge
    expect(yinYangClass(0.75, 0.3)).toBe(1); // below the right dot: yang
    expect(yinYangClass(0.75, 0.7)).toBe(1); // above the right dot, inside its R/2 bulge: yang
    expect(yinYangClass(0.15, 0.25)).toBe(1); // lower left, just outside the left bulge (d_l ≈ 0.27): yang
    expect(yinYangClass(0.85, 0.75)).toBe(0); // upper right, just outside the right bulge (d_r ≈ 0.27): yin
  });

  it('is seeded, balanced, inside the disc, and labels agree with the geometry', () => {
    const a = yinYang({ count: 3000, seed: 7 });
    const b = yinYang({ count: 3000, seed: 7 });
    const c = yinYang({ count: 3000, seed: 8 });
    expect(a.x).toEqual(b.x);
    expect(a.y).toEqual(b.y);
    expect(a.labels).toEqual(b.labels);
    expect(a.x).not.toEqual(c.x);
    const counts = [0, 0, 0];
    for (let i = 0; i < a.count; i++) {
      counts[a.labels[i]]++;
      expect(Math.hypot(a.x[i] - 0.5, a.y[i] - 0.5)).toBeLessThanOrEqual(0.5);
      expect(yinYangClass(a.x[i], a.y[i])).toBe(a.labels[i]);
    }
    expect(counts).toEqual([1000, 1000, 1000]);
    // labels are not sorted: the first 30 samples mix all classes
    expect(new Set(a.labels.subarray(0, 30)).size).toBe(3);
  });

  it('yin and yang have equal area and the dots 8 % of the disc (Monte Carlo on the class function)', () => {
    let n = 0;
    const counts = [0, 0, 0];
    for (let i = 0; i < 400; i++) {
      for (let j = 0; j < 400; j++) {
        const x = (i + 0.5) / 400;
        const y = (j + 0.5) / 400;
        if (Math.hypot(x - 0.5, y - 0.5) > 0.5) continue;
        n++;
        counts[yinYangClass(x, y)]++;
      }
    }
    expect(counts[2] / n).toBeCloseTo(0.08, 2);
    expect(counts[0] / n).toBeCloseTo(0.46, 2);
    expect(counts[1] / n).toBeCloseTo(0.46, 2);
  });

  it('encodes (x, 1 − x, y, 1 − y) as latencies in [0, t_max] plus a bias spike', () => {
    const s = yinYangSpikes(0.2, 0.9, { tMaxMs: 30, tBiasMs: 0 });
    expect(s.map((e) => e.neuron)).toEqual([0, 1, 2, 3, 4]);
    const times = s.map((e) => e.time);
    [0.2 * 30, 0.8 * 30, 0.9 * 30, 0.1 * 30, 0].forEach((t, k) => expect(times[k]).toBeCloseTo(t, 12));
    const ds = yinYang({ count: 300, seed: 3 });
    for (let i = 0; i < ds.count; i++) {
      for (const e of yinYangSpikes(ds.x[i], ds.y[i])) {
        expect(e.time).toBeGreaterThanOrEqual(0);
        expect(e.time).toBeLessThanOrEqual(30);
      }
    }
    expect(() => yinYangSpikes(1.2, 0.5)).toThrow(RangeError);
    expect(() => yinYang({ count: 3, rSmall: 0.3 })).toThrow(RangeError);
  });
});

describe('MNIST latency encoding', () => {
  const pixels = Uint8Array.from({ length: 784 }, (_, j) => (j * 37) % 256);

  it('one spike per pixel ≥ 2 at (1 − p/255)·t_max, none for 0 and 1', () => {
    const s = mnistLatencySpikes(pixels, { tMaxMs: 20 });
    const expected = [...pixels].filter((p) => p > 1).length;
    expect(s.length).toBe(expected);
    for (const e of s) {
      const p = pixels[e.neuron];
      expect(p).toBeGreaterThan(1);
      expect(e.time).toBeCloseTo((1 - p / 255) * 20, 12);
      expect(e.time).toBeGreaterThanOrEqual(0);
      expect(e.time).toBeLessThanOrEqual(20);
    }
    expect(mnistLatencySpikes([0, 1, 2, 255])).toEqual([
      { time: (1 - 2 / 255) * 20, neuron: 2 },
      { time: 0, neuron: 3 },
    ]);
  });

  it('input spike dropout is seeded and drops about p_drop of the spikes', () => {
    const all = mnistLatencySpikes(pixels);
    const a = mnistLatencySpikes(pixels, { pDrop: 0.2, seed: 5 });
    const b = mnistLatencySpikes(pixels, { pDrop: 0.2, seed: 5 });
    const c = mnistLatencySpikes(pixels, { pDrop: 0.2, seed: 6 });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const kept = a.length / all.length;
    expect(kept).toBeGreaterThan(0.74);
    expect(kept).toBeLessThan(0.86);
    const allTimes = new Map(all.map((e) => [e.neuron, e.time]));
    for (const e of a) expect(allTimes.get(e.neuron)).toBe(e.time); // kept spikes are unchanged
    expect(() => mnistLatencySpikes([300])).toThrow(RangeError);
    expect(() => mnistLatencySpikes([3], { pDrop: 1 })).toThrow(RangeError);
  });
});
