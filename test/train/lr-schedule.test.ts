import { describe, expect, it } from 'vitest';
import { scheduledLearningRate } from '../../src/train/lr-schedule.js';

const at = (epoch: number, batch: number) => ({ epoch, batch, batchesPerEpoch: 4, epochs: 10, decay: 0.9 });

describe('scheduledLearningRate', () => {
  it('constant keeps the base rate', () => {
    expect(scheduledLearningRate(0.01, 'constant', at(7, 3))).toBe(0.01);
  });

  it('cosine runs per step from the base rate through half of it to the floor', () => {
    expect(scheduledLearningRate(0.01, 'cosine', at(0, 0))).toBeCloseTo(0.01, 12);
    expect(scheduledLearningRate(0.01, 'cosine', at(5, 0))).toBeCloseTo(0.005, 12);
    const q = scheduledLearningRate(0.01, 'cosine', at(2, 2)); // progress 10/40
    expect(q).toBeCloseTo(0.01 * 0.5 * (1 + Math.cos(Math.PI / 4)), 12);
    expect(scheduledLearningRate(0.01, 'cosine', at(9, 3))).toBeGreaterThanOrEqual(1e-5);
    expect(scheduledLearningRate(0.01, 'cosine', { ...at(10, 0) })).toBeCloseTo(1e-5, 12);
  });

  it('exponential decays once per epoch, from the epoch it is told to count from', () => {
    expect(scheduledLearningRate(0.01, 'exponential', at(0, 3))).toBeCloseTo(0.01, 12);
    expect(scheduledLearningRate(0.01, 'exponential', at(3, 0))).toBeCloseTo(0.01 * 0.9 ** 3, 12);
    expect(scheduledLearningRate(0.01, 'exponential', at(3, 2))).toBeCloseTo(0.01 * 0.9 ** 3, 12);
    expect(scheduledLearningRate(0.01, 'exponential', { ...at(5, 0), decayFromEpoch: 4 })).toBeCloseTo(0.009, 12);
  });

  it('names what is wrong', () => {
    expect(() => scheduledLearningRate(0.01, 'exponential', { ...at(1, 0), decay: undefined })).toThrow(/decay factor/);
    expect(() => scheduledLearningRate(0.01, 'step' as never, at(1, 0))).toThrow(/constant, cosine or exponential, got 'step'/);
  });
});
