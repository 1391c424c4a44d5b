/**
 * Divergence that raises no NaN: a loss far above where the run started, or
 * weights beyond any sensible magnitude. The trainer stops with a
 * DivergenceError before such a state is saved over the last good checkpoint.
 */
import { parameterShapes, weightList, type NetworkSpec, type NetworkWeights } from '../model/network.js';

export interface DivergenceLimits {
  /** stop when the running training loss exceeds this many times the run's first reading (default 100; 0: off) */
  maxLossRatio?: number;
  /** stop when any weight's magnitude exceeds this (default 1e4; 0: off) */
  maxWeight?: number;
}

export const DEFAULT_DIVERGENCE_LIMITS: Required<DivergenceLimits> = { maxLossRatio: 100, maxWeight: 1e4 };

export class DivergenceError extends Error {
  constructor(readonly what: string, readonly epoch: number, readonly batch: number | undefined, readonly learningRate: number, readonly checkpoint?: string) {
    super(
      `training diverged at epoch ${epoch}${batch !== undefined ? `, batch ${batch}` : ''}: ${what}; stopped without saving this state. ` +
        `Try a lower learning rate (this run: ${learningRate})` +
        (checkpoint ? `; the last good checkpoint is ${checkpoint}` : '') +
        ' (limits: --max-loss-ratio, --max-weight; 0 turns one off)',
    );
    this.name = 'DivergenceError';
  }
}

export function validateDivergenceLimits(l: DivergenceLimits): Required<DivergenceLimits> {
  const out = { ...DEFAULT_DIVERGENCE_LIMITS, ...l };
  for (const [k, v] of Object.entries(out)) {
    if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`divergence limit ${k} must be a finite number ≥ 0 (0: off), got ${v}`);
  }
  return out;
}

/** What is wrong with the running loss, given the run's first reading, or undefined. */
export function lossDivergence(loss: number, firstLoss: number, maxLossRatio: number): string | undefined {
  if (!maxLossRatio || !(firstLoss > 0)) return undefined;
  if (loss > maxLossRatio * firstLoss) return `the training loss ${loss.toPrecision(4)} is more than ${maxLossRatio}× its first reading ${firstLoss.toPrecision(4)}`;
  return undefined;
}

/** What is wrong with the weights, or undefined. */
export function weightDivergence(spec: NetworkSpec, w: NetworkWeights, maxWeight: number): string | undefined {
  if (!maxWeight) return undefined;
  const names = parameterShapes(spec).map((p) => p.name);
  const tensors = weightList(spec, w);
  for (let k = 0; k < tensors.length; k++) {
    let max = 0;
    for (const x of tensors[k]) max = Math.max(max, Math.abs(x));
    if (max > maxWeight) return `a weight of ${names[k]} reached magnitude ${max.toPrecision(3)}, beyond ${maxWeight}`;
  }
  return undefined;
}
