/**
 * Delayed-cue tasks: a short cue early in a long sequence, a delay of background
 * noise, and a second cue near the end (cf. the store/recall and evidence
 * tasks used for e-prop, Bellec et al. 2020). Seeded, browser-safe.
 *
 * Channels, in order: `classes` cue groups of `groupSize` channels, then the
 * late-cue groups, then `noiseChannels` background channels.
 *   steps [cueStart, cueStart + cueSteps):  cue group c fires (rate cueRate)
 *   every step:                             noise channels fire (rate noiseRate)
 *   steps [T − tailSteps − recallSteps, T − tailSteps): the late cue fires
 *
 * Two variants:
 * - 'recall': the late cue is one "go" group; label = c (any number of classes).
 *   A readout that reduces the whole sequence (the library's 'mean'/'sum'
 *   readouts integrate y[n] over all T steps) can answer while the cue is on, so
 *   under such a readout this variant does not test memory; it does with a loss
 *   on the last steps only.
 * - 'match' (delayed match-to-sample): the late cue is a probe group p, equal to
 *   c in half the samples and another class in the others; label = 1 if p = c,
 *   else 0. The cue alone and the probe alone each carry no information about
 *   the label (with 2 classes every (c, p) pair is equally frequent), so
 *   any accuracy above chance needs the cue carried across the delay and
 *   combined with the probe, whatever the readout reduces over.
 * Samples cycle through the cue classes × {match, non-match} (the cue classes
 * for 'recall') in a seeded random order, so labels and cue classes are
 * balanced up to one sample.
 */
import { createRng } from './batches.js';
import type { SpikeSequenceDataset } from './spike-sequences.js';

export type DelayedCueVariant = 'match' | 'recall';

export interface DelayedCueOptions {
  count: number;
  /** time steps T (default 300) */
  steps?: number;
  variant?: DelayedCueVariant;
  /** cue classes (default 2) */
  classes?: number;
  /** channels per cue group (default 8) */
  groupSize?: number;
  /** background channels (default 8) */
  noiseChannels?: number;
  /** first step of the cue (default 2) */
  cueStart?: number;
  /** steps the cue lasts (default 10) */
  cueSteps?: number;
  /** steps the late cue lasts (default 10) */
  recallSteps?: number;
  /** steps after the late cue (default 20) */
  tailSteps?: number;
  /** spike probability per step of a channel of an active cue group (default 0.5) */
  cueRate?: number;
  /** spike probability per step of a background channel (default 0.01) */
  noiseRate?: number;
  seed?: number;
}

export interface DelayedCueDataset extends SpikeSequenceDataset {
  variant: DelayedCueVariant;
  /** cue class c of every sample */
  cue: Uint8Array;
  /** the late cue's class p of every sample ('match'; all 0 for 'recall') */
  probe: Uint8Array;
  /** channel ranges [first, end) and step windows [first, end) */
  layout: {
    cueChannels: [number, number];
    lateChannels: [number, number];
    noiseChannels: [number, number];
    groupSize: number;
    cueWindow: [number, number];
    lateWindow: [number, number];
  };
}

export function delayedCue(options: DelayedCueOptions): DelayedCueDataset {
  const o = {
    steps: 300, variant: 'match' as DelayedCueVariant, classes: 2, groupSize: 8, noiseChannels: 8, cueStart: 2, cueSteps: 10,
    recallSteps: 10, tailSteps: 20, cueRate: 0.5, noiseRate: 0.01, seed: 1, ...options,
  };
  const { count, steps: T, variant, classes: K, groupSize: g } = o;
  for (const k of ['count', 'steps', 'classes', 'groupSize', 'cueSteps', 'recallSteps'] as const) {
    if (!(Number.isInteger(o[k]) && o[k] > 0)) throw new RangeError(`delayedCue: ${k} must be a positive integer, got ${o[k]}`);
  }
  for (const k of ['noiseChannels', 'cueStart', 'tailSteps'] as const) {
    if (!(Number.isInteger(o[k]) && o[k] >= 0)) throw new RangeError(`delayedCue: ${k} must be a non-negative integer, got ${o[k]}`);
  }
  for (const k of ['cueRate', 'noiseRate'] as const) {
    if (!(o[k] >= 0 && o[k] <= 1)) throw new RangeError(`delayedCue: ${k} must be a probability in [0, 1], got ${o[k]}`);
  }
  if (variant !== 'match' && variant !== 'recall') throw new RangeError(`delayedCue: variant must be 'match' or 'recall', got ${String(variant)}`);
  if (K > 255) throw new RangeError(`delayedCue: at most 255 classes, got ${K}`);
  const cueWindow: [number, number] = [o.cueStart, o.cueStart + o.cueSteps];
  const lateWindow: [number, number] = [T - o.tailSteps - o.recallSteps, T - o.tailSteps];
  if (lateWindow[0] < cueWindow[1]) {
    throw new RangeError(`delayedCue: the cue (steps ${cueWindow[0]}…${cueWindow[1] - 1}) and the late cue (${lateWindow[0]}…${lateWindow[1] - 1}) overlap or do not fit in ${T} steps`);
  }
  const lateGroups = variant === 'match' ? K : 1;
  const cueChannels: [number, number] = [0, K * g];
  const lateChannels: [number, number] = [K * g, (K + lateGroups) * g];
  const noiseChannels: [number, number] = [lateChannels[1], lateChannels[1] + o.noiseChannels];
  const N = noiseChannels[1];

  const rng = createRng(o.seed);
  // balanced: sample i takes pair i mod (number of pairs), then a seeded shuffle
  const pairs = variant === 'match' ? 2 * K : K;
  const order = Array.from({ length: count }, (_, i) => i % pairs);
  for (let i = count - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const cue = new Uint8Array(count);
  const probe = new Uint8Array(count);
  const labels = new Uint8Array(count);
  const spikes = new Uint8Array(count * T * N);
  for (let s = 0; s < count; s++) {
    const c = order[s] % K;
    // 'match': half the samples repeat the cue, the others show another class
    const p = variant === 'match' ? (order[s] < K ? c : (c + 1 + (K > 2 ? rng.below(K - 1) : 0)) % K) : 0;
    cue[s] = c;
    probe[s] = p;
    labels[s] = variant === 'match' ? (c === p ? 1 : 0) : c;
    for (let n = 0; n < T; n++) {
      const row = (s * T + n) * N;
      const fire = (from: number, to: number, rate: number) => {
        for (let j = from; j < to; j++) if (rng.next() < rate) spikes[row + j] = 1;
      };
      if (n >= cueWindow[0] && n < cueWindow[1]) fire(c * g, (c + 1) * g, o.cueRate);
      if (n >= lateWindow[0] && n < lateWindow[1]) fire(lateChannels[0] + p * g, lateChannels[0] + (p + 1) * g, o.cueRate);
      fire(noiseChannels[0], noiseChannels[1], o.noiseRate);
    }
  }
  return {
    name: `delayed-cue/${variant}/T${T}/seed${o.seed}`, steps: T, inputs: N, classes: variant === 'match' ? 2 : K, count, spikes, labels,
    variant, cue, probe, layout: { cueChannels, lateChannels, noiseChannels, groupSize: g, cueWindow, lateWindow },
  };
}
