import { describe, expect, it } from 'vitest';
import { delayedCue } from '../../src/data/delayed-cue.js';
import { sequenceBatch } from '../../src/data/spike-sequences.js';

/** spikes of sample s in channels [from, to) over steps [n0, n1) */
function count(ds: ReturnType<typeof delayedCue>, s: number, from: number, to: number, n0: number, n1: number): number {
  let c = 0;
  for (let n = n0; n < n1; n++) for (let j = from; j < to; j++) c += ds.spikes[(s * ds.steps + n) * ds.inputs + j];
  return c;
}

describe('delayed-cue task generator', () => {
  it('match-to-sample: shapes, balanced labels and cue pairs, cue and probe where the layout says', () => {
    const ds = delayedCue({ count: 203, steps: 240, seed: 7 });
    const { cueChannels, lateChannels, noiseChannels, groupSize: g, cueWindow, lateWindow } = ds.layout;
    expect(ds.variant).toBe('match');
    expect([ds.steps, ds.inputs, ds.classes, ds.count]).toEqual([240, 40, 2, 203]);
    expect(cueChannels).toEqual([0, 16]);
    expect(lateChannels).toEqual([16, 32]);
    expect(noiseChannels).toEqual([32, 40]);
    expect(cueWindow).toEqual([2, 12]);
    expect(lateWindow).toEqual([210, 220]);
    expect(ds.spikes).toHaveLength(203 * 240 * 40);
    expect(ds.spikes.every((x) => x === 0 || x === 1)).toBe(true);

    const pairs = new Map<string, number>();
    const perLabel = [0, 0];
    for (let s = 0; s < ds.count; s++) {
      const c = ds.cue[s];
      const p = ds.probe[s];
      expect(ds.labels[s]).toBe(c === p ? 1 : 0);
      perLabel[ds.labels[s]]++;
      pairs.set(`${c}${p}`, (pairs.get(`${c}${p}`) ?? 0) + 1);
      // the cue group of c fires during the cue window and nowhere else; likewise the probe group of p
      const cueOn = count(ds, s, c * g, (c + 1) * g, cueWindow[0], cueWindow[1]);
      expect(cueOn).toBeGreaterThan(10); // 8 channels × 10 steps × 0.5
      expect(count(ds, s, cueChannels[0], cueChannels[1], 0, ds.steps)).toBe(cueOn);
      const probeOn = count(ds, s, lateChannels[0] + p * g, lateChannels[0] + (p + 1) * g, lateWindow[0], lateWindow[1]);
      expect(probeOn).toBeGreaterThan(10);
      expect(count(ds, s, lateChannels[0], lateChannels[1], 0, ds.steps)).toBe(probeOn);
    }
    // balanced up to one sample: labels and all four (cue, probe) pairs
    expect(Math.abs(perLabel[0] - perLabel[1])).toBeLessThanOrEqual(1);
    expect([...pairs.keys()].sort()).toEqual(['00', '01', '10', '11']);
    for (const n of pairs.values()) expect(Math.abs(n - 203 / 4)).toBeLessThanOrEqual(1);
    // background noise at about its rate (0.01 per step and channel) through the delay
    const noise = Array.from({ length: ds.count }, (_, s) => count(ds, s, noiseChannels[0], noiseChannels[1], 0, ds.steps)).reduce((a, b) => a + b, 0);
    expect(noise / (ds.count * ds.steps * 8)).toBeGreaterThan(0.008);
    expect(noise / (ds.count * ds.steps * 8)).toBeLessThan(0.012);
  });

  it('the cue alone and the probe alone carry no information about a match label', () => {
    const ds = delayedCue({ count: 400, classes: 3, steps: 100, seed: 3 });
    for (let k = 0; k < 3; k++) {
      const withCue = [...ds.labels].filter((_, s) => ds.cue[s] === k);
      const withProbe = [...ds.labels].filter((_, s) => ds.probe[s] === k);
      expect(Math.abs(withCue.filter((l) => l === 1).length / withCue.length - 0.5)).toBeLessThan(0.02);
      expect(Math.abs(withProbe.filter((l) => l === 1).length / withProbe.length - 0.5)).toBeLessThan(0.15);
    }
  });

  it('recall variant: label = cue class, one go group; seeded and reproducible', () => {
    const ds = delayedCue({ count: 90, variant: 'recall', classes: 3, steps: 150, groupSize: 4, noiseChannels: 5, tailSteps: 0, seed: 9 });
    expect([ds.inputs, ds.classes]).toEqual([3 * 4 + 4 + 5, 3]);
    expect(ds.layout.lateWindow).toEqual([140, 150]);
    expect([0, 1, 2].map((k) => ds.labels.filter((l) => l === k).length)).toEqual([30, 30, 30]);
    for (let s = 0; s < ds.count; s++) {
      expect(ds.labels[s]).toBe(ds.cue[s]);
      expect(count(ds, s, 12, 16, 140, 150)).toBeGreaterThan(0);
    }
    const again = delayedCue({ count: 90, variant: 'recall', classes: 3, steps: 150, groupSize: 4, noiseChannels: 5, tailSteps: 0, seed: 9 });
    const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));
    expect(same(again.spikes, ds.spikes)).toBe(true);
    expect(same(delayedCue({ count: 90, variant: 'recall', classes: 3, steps: 150, groupSize: 4, noiseChannels: 5, tailSteps: 0, seed: 10 }).spikes, ds.spikes)).toBe(false);
  });

  it('rejects windows that do not fit and bad rates', () => {
    expect(() => delayedCue({ count: 4, steps: 30 })).toThrow(/overlap or do not fit in 30 steps/);
    expect(() => delayedCue({ count: 4, noiseRate: 1.5 })).toThrow(/noiseRate must be a probability/);
    expect(() => delayedCue({ count: 0 })).toThrow(/count must be a positive integer/);
  });

  it('sequenceBatch lays samples out as [T][B][N_in] with zero padding', () => {
    const ds = delayedCue({ count: 5, steps: 60, seed: 2 });
    const x = sequenceBatch(ds, [3, 1], 4);
    expect(x).toHaveLength(60 * 4 * ds.inputs);
    for (const n of [0, 5, 59]) {
      for (let j = 0; j < ds.inputs; j++) {
        expect(x[(n * 4 + 0) * ds.inputs + j]).toBe(ds.spikes[(3 * 60 + n) * ds.inputs + j]);
        expect(x[(n * 4 + 1) * ds.inputs + j]).toBe(ds.spikes[(1 * 60 + n) * ds.inputs + j]);
        expect(x[(n * 4 + 3) * ds.inputs + j]).toBe(0);
      }
    }
    expect(() => sequenceBatch(ds, [5])).toThrow(/sample index 5 is outside 0..4/);
  });
});
