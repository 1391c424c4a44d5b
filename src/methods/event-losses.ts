/**
 * The per-sample losses of the event-based network's outputs (Wunderlich &
 * Pehle 2021, papers/003), in float64 on the host from what the GPU forward
 * pass reads back, and their derivatives with respect to those outputs:
 *   eq. (4), max-over-time voltage: −log softmax(max_t V)[label]
 *   eq. (3), first spike:           −log softmax(−t/τ₀)[label] + α·(exp(t_label/τ₁) − 1)
 * The tests hold them to the reference's `eventLoss` (src/reference/eventprop.ts):
 * a competitor that does not fire counts with t = missingTimeMs (default the
 * duration T) as a constant, with no gradient through it; a sample whose label
 * neuron does not fire counts a constant penalty and gives no gradient
 * ('no-gradient'), or uses t_label = missingTimeMs ('label-at-missing-time').
 * The predicted class is the largest maximum, or the earliest spike; the lowest
 * index on ties (so 0 when no output fires).
 */
import type { SilentLabelRule } from '../model/event-network.js';

/** Hyperparameters of the first-spike loss, eq. (3) (as the 'first-spike' `EventLoss` of the reference). */
export interface FirstSpikeLossOptions {
  /** τ₀ (ms), Table 3: 0.5 */
  readonly tau0Ms: number;
  /** τ₁ (ms), Table 3: 6.4 */
  readonly tau1Ms: number;
  /** regularisation factor α, Table 3: 3e−3 */
  readonly alpha: number;
  /** spike time used for an output neuron that does not fire (default T); no gradient flows through it */
  readonly missingTimeMs?: number;
  /** a sample whose label neuron does not fire (as the reference's `EventLoss`; default 'no-gradient') */
  readonly silentLabel?: SilentLabelRule;
}

/** One sample's loss, its derivative with respect to each output (max voltage or first-spike time) and the predicted class. */
export interface SampleLoss {
  readonly loss: number;
  readonly dOutputs: Float64Array;
  readonly predicted: number;
}

/** −log softmax(z)[label] and its gradient softmax(z) − onehot(label). */
export function logSoftmaxGrad(z: ArrayLike<number>, label: number): { loss: number; grad: Float64Array } {
  let m = -Infinity;
  for (let k = 0; k < z.length; k++) m = Math.max(m, z[k]);
  let sum = 0;
  for (let k = 0; k < z.length; k++) sum += Math.exp(z[k] - m);
  const lse = m + Math.log(sum);
  const grad = new Float64Array(z.length);
  for (let k = 0; k < z.length; k++) grad[k] = Math.exp(z[k] - lse) - (k === label ? 1 : 0);
  return { loss: lse - z[label], grad };
}

/** Throws a RangeError naming the first invalid hyperparameter of the first-spike loss. */
export function checkFirstSpikeLoss(o: FirstSpikeLossOptions): void {
  for (const [name, v] of [['tau0Ms', o.tau0Ms], ['tau1Ms', o.tau1Ms]] as const) {
    if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`first-spike loss ${name} must be a positive finite number, got ${v}`);
  }
  if (!(Number.isFinite(o.alpha) && o.alpha >= 0)) throw new RangeError(`first-spike loss alpha must be a finite number ≥ 0, got ${o.alpha}`);
  if (o.missingTimeMs !== undefined && !Number.isFinite(o.missingTimeMs)) throw new RangeError(`first-spike loss missingTimeMs must be finite, got ${o.missingTimeMs}`);
  const rule = o.silentLabel ?? 'no-gradient';
  if (rule !== 'no-gradient' && rule !== 'label-at-missing-time') throw new RangeError(`first-spike loss silentLabel must be 'no-gradient' or 'label-at-missing-time', got '${String(rule)}'`);
}

/** Eq. (4) of one sample from its readout maxima. */
export function maxVoltageLoss(maxima: ArrayLike<number>, label: number): SampleLoss {
  const { loss, grad } = logSoftmaxGrad(maxima, label);
  let predicted = 0;
  for (let k = 1; k < maxima.length; k++) if (maxima[k] > maxima[predicted]) predicted = k;
  return { loss, dOutputs: grad, predicted };
}

/** Eq. (3) of one sample from its output neurons' first spike times (ms; Infinity where a neuron does not fire). */
export function firstSpikeLoss(times: ArrayLike<number>, label: number, o: FirstSpikeLossOptions, durationMs: number): SampleLoss {
  const missing = o.missingTimeMs ?? durationMs;
  const t = Float64Array.from(times, (x) => (Number.isFinite(x) ? x : missing));
  let predicted = 0;
  for (let k = 1; k < t.length; k++) if (t[k] < t[predicted]) predicted = k;
  if ((o.silentLabel ?? 'no-gradient') === 'no-gradient' && !Number.isFinite(times[label])) {
    // eq. (3) is infinite without a label spike: a constant penalty, no gradient
    return { loss: Math.log(t.length) + o.alpha * (Math.exp(missing / o.tau1Ms) - 1), dOutputs: new Float64Array(t.length), predicted };
  }
  const { loss: ce, grad } = logSoftmaxGrad(Float64Array.from(t, (x) => -x / o.tau0Ms), label);
  const growth = Math.exp(t[label] / o.tau1Ms);
  const dOutputs = Float64Array.from(grad, (g) => -g / o.tau0Ms);
  dOutputs[label] += (o.alpha / o.tau1Ms) * growth;
  for (let k = 0; k < t.length; k++) if (!Number.isFinite(times[k])) dOutputs[k] = 0;
  return { loss: ce + o.alpha * (growth - 1), dOutputs, predicted };
}
