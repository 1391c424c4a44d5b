/**
 * What an EventProp training step did besides the loss: the quantities that
 * show how a run goes wrong (papers/003, Discussion: gradients that ignore
 * spikes appearing or disappearing, and 1/(I − ϑ) at grazing crossings).
 *
 * Per batch, `stepDiagnostics` reads the forward pass and gradients that
 * `eventPropGradients` returned; `EpochDiagnostics` sums them over an epoch.
 */
import type { EventPropGpuResult } from '../methods/eventprop-gpu.js';
import type { FirstSpikeLoss } from './event-trainer.js';

export interface EpochDiagnostics {
  /** first-spike loss only: mean cross-entropy term of eq. (3) */
  crossEntropy?: number;
  /** first-spike loss only: mean regulariser term α·(exp(t_label/τ₁) − 1) of eq. (3) */
  regulariser?: number;
  /** first-spike loss only: fraction of training samples whose label neuron does not fire */
  silentLabel?: number;
  /** first-spike loss only: fraction of (sample, output neuron) pairs without a spike */
  silentOutputs?: number;
  /** largest 1/(I − ϑ) over the output first spikes that carry an error (the factor of ∂t/∂w) */
  maxOutputSlopeFactor?: number;
  /** largest 1/(I − ϑ) over all hidden spikes */
  maxHiddenSlopeFactor: number;
  /** largest global gradient norm of a step, per tensor: hidden layers (input weights) then output */
  maxGradNorm: number[];
  /** mean global gradient norm of a step, per tensor */
  meanGradNorm: number[];
  /** times a batch needed more spike records than the capacity held (the layer was rerun) */
  capacityGrowths: number;
}

/** Per-step values of one batch. */
export interface StepDiagnostics {
  crossEntropy: number;
  regulariser: number;
  silentLabel: number;
  silentOutputs: number;
  maxOutputSlopeFactor: number;
  maxHiddenSlopeFactor: number;
  gradNorms: number[];
}

const norm = (a: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  return Math.sqrt(s);
};

/** Eq. (3)'s two terms for one sample, silent competitors at `missingMs` (as `eventLoss`). */
export function firstSpikeTerms(times: ArrayLike<number>, label: number, loss: FirstSpikeLoss, missingMs: number): { crossEntropy: number; regulariser: number } {
  const t = Array.from(times, (x) => (Number.isFinite(x) ? x : missingMs));
  // a silent label neuron: eq. (3)'s constant penalty (as `eventLoss`)
  if ((loss.silentLabel ?? 'no-gradient') === 'no-gradient' && !Number.isFinite(times[label])) return { crossEntropy: Math.log(t.length), regulariser: loss.alpha * (Math.exp(missingMs / loss.tau1Ms) - 1) };
  const z = t.map((x) => -x / loss.tau0Ms);
  const m = Math.max(...z);
  const lse = m + Math.log(z.reduce((a, v) => a + Math.exp(v - m), 0));
  return { crossEntropy: lse - z[label], regulariser: loss.alpha * (Math.exp(t[label] / loss.tau1Ms) - 1) };
}

export function stepDiagnostics(
  res: EventPropGpuResult, labels: ArrayLike<number>, threshold: number, firstSpike: FirstSpikeLoss | undefined, durationMs: number,
): StepDiagnostics {
  const B = labels.length;
  const hiddenLayers = res.gradients.hidden.length;
  let maxHidden = 0;
  for (let l = 0; l < hiddenLayers; l++) {
    for (const sample of res.layers[l]) for (const s of sample) maxHidden = Math.max(maxHidden, 1 / Math.max(s.current - threshold, 1e-12));
  }
  const gradNorms = [...res.gradients.hidden.map((h) => norm(h.w)), norm(res.gradients.readout)];
  const out: StepDiagnostics = { crossEntropy: 0, regulariser: 0, silentLabel: 0, silentOutputs: 0, maxOutputSlopeFactor: 0, maxHiddenSlopeFactor: maxHidden, gradNorms };
  if (!firstSpike || !res.firstSpikeTimes) return out;
  const missing = durationMs;
  for (let b = 0; b < B; b++) {
    const times = res.firstSpikeTimes[b];
    const terms = firstSpikeTerms(times, labels[b], firstSpike, missing);
    out.crossEntropy += terms.crossEntropy / B;
    out.regulariser += terms.regulariser / B;
    if (!Number.isFinite(times[labels[b]])) out.silentLabel += 1 / B;
    const own = res.layers[hiddenLayers][b];
    times.forEach((t, k) => {
      if (!Number.isFinite(t)) {
        out.silentOutputs += 1 / (B * times.length);
        return;
      }
      const first = own.find((s) => s.neuron === k)!;
      out.maxOutputSlopeFactor = Math.max(out.maxOutputSlopeFactor, 1 / Math.max(first.current - threshold, 1e-12));
    });
  }
  return out;
}

/** Sums step diagnostics over an epoch. */
export class DiagnosticsAccumulator {
  private steps = 0;
  private sums = { crossEntropy: 0, regulariser: 0, silentLabel: 0, silentOutputs: 0 };
  private maxOut = 0;
  private maxHidden = 0;
  private maxNorm: number[] = [];
  private sumNorm: number[] = [];
  capacityGrowths = 0;

  constructor(private readonly firstSpike: boolean) {}

  add(d: StepDiagnostics): void {
    this.steps++;
    this.sums.crossEntropy += d.crossEntropy;
    this.sums.regulariser += d.regulariser;
    this.sums.silentLabel += d.silentLabel;
    this.sums.silentOutputs += d.silentOutputs;
    this.maxOut = Math.max(this.maxOut, d.maxOutputSlopeFactor);
    this.maxHidden = Math.max(this.maxHidden, d.maxHiddenSlopeFactor);
    d.gradNorms.forEach((g, i) => {
      this.maxNorm[i] = Math.max(this.maxNorm[i] ?? 0, g);
      this.sumNorm[i] = (this.sumNorm[i] ?? 0) + g;
    });
  }

  result(): EpochDiagnostics {
    const n = Math.max(1, this.steps);
    const base: EpochDiagnostics = {
      maxHiddenSlopeFactor: this.maxHidden,
      maxGradNorm: this.maxNorm.slice(),
      meanGradNorm: this.sumNorm.map((s) => s / n),
      capacityGrowths: this.capacityGrowths,
    };
    if (!this.firstSpike) return base;
    return {
      crossEntropy: this.sums.crossEntropy / n, regulariser: this.sums.regulariser / n,
      silentLabel: this.sums.silentLabel / n, silentOutputs: this.sums.silentOutputs / n,
      maxOutputSlopeFactor: this.maxOut, ...base,
    };
  }
}
