/**
 * The learning rate of one optimizer step under a schedule, shared by every
 * training loop so that a schedule means the same thing in each.
 *
 * - 'constant': the base rate throughout.
 * - 'cosine': half a cosine over the whole run, per step, from the base rate
 *   down to a floor of 1e-3 of it (a zero rate would waste the last steps).
 * - 'exponential': the base rate times `decay` once per epoch, counted from
 *   `decayFromEpoch` (a resumed run given a new base rate decays from there).
 */
export const LEARNING_RATE_SCHEDULES = ['constant', 'cosine', 'exponential'] as const;
export type LearningRateSchedule = (typeof LEARNING_RATE_SCHEDULES)[number];

export interface SchedulePosition {
  /** 0-based epoch of the step */
  epoch: number;
  /** 0-based batch of the step within its epoch */
  batch: number;
  batchesPerEpoch: number;
  /** epochs of the whole run (the cosine's length) */
  epochs: number;
  /** per-epoch factor of the exponential schedule */
  decay?: number;
  /** epoch the exponential decay counts from (default 0) */
  decayFromEpoch?: number;
}

const COSINE_FLOOR = 1e-3;

export function scheduledLearningRate(baseLr: number, schedule: LearningRateSchedule, at: SchedulePosition): number {
  switch (schedule) {
    case 'constant':
      return baseLr;
    case 'cosine': {
      const progress = (at.epoch * at.batchesPerEpoch + at.batch) / (at.epochs * at.batchesPerEpoch);
      return Math.max(baseLr * 0.5 * (1 + Math.cos(Math.PI * progress)), baseLr * COSINE_FLOOR);
    }
    case 'exponential':
      if (at.decay === undefined) throw new RangeError('the exponential learning-rate schedule needs a decay factor');
      return baseLr * at.decay ** (at.epoch - (at.decayFromEpoch ?? 0));
    default:
      throw new RangeError(`learning-rate schedule must be constant, cosine or exponential, got '${String(schedule)}'`);
  }
}
