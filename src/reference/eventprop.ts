/**
 * Float64 EventProp (Wunderlich & Pehle 2021, papers/003): the exact gradient of
 * a spike-time or voltage loss of the continuous-time LIF network simulated by
 * `eventForward` (`./event-lif.ts`), by the adjoint system of Table 2 integrated
 * backward in time in closed form between events (Algorithm 1).
 *
 * Adjoint, in reverse time (' = −d/dt), λ_V(T) = λ_I(T) = 0, for every neuron:
 *
 *   τ_mem·λ_V' = −λ_V − ∂l_V/∂V                     (Table 2, eq. 32a)
 *   τ_syn·λ_I' = −λ_I + λ_V                           (Table 2, eq. 32b)
 *
 * so going back by Δ from (λ_V₀, λ_I₀):
 *   λ_V = λ_V₀·e^{−Δ/τ_mem},
 *   λ_I = (λ_I₀ − c)·e^{−Δ/τ_syn} + c·e^{−Δ/τ_mem},  c = λ_V₀·τ_mem/(τ_mem − τ_syn).
 *
 * At the k-th spike, of neuron n at t_k (Table 2, eq. 52a; λ_V of the other
 * neurons and every λ_I are continuous, eqs. 52b, 52c):
 *
 *   (λ_V⁻)_n = (λ_V⁺)_n + [ϑ·(λ_V⁺)_n + Σ_m w_mn·(λ_V⁺ − λ_I)_m + ∂l_p/∂t_k] / (τ_mem·V̇⁻_n)
 *   τ_mem·V̇⁻_n = I_n(t_k) − ϑ              (V⁻ = ϑ; I_n(t_k) stored by the forward pass)
 *
 * The gradient samples the target's λ_I whenever a spike crosses a synapse
 * (eq. 2; input spikes as in the "Fixed input spikes" paragraph of the methods):
 *
 *   dL/dw_ji = −τ_syn · Σ_{spikes of i} (λ_I)_j(t_spike)
 *
 * Losses, one sample (average the gradients over a batch):
 * - 'max-voltage' (eq. 4): cross entropy of softmax(max_t V_k(t)) of a readout.
 *   max_t V_k = ∫V_k·δ(t − t_max) dt, so λ_V of readout k jumps by −g_k/τ_mem at
 *   t_max (g_k = ∂L/∂max_k): at an interior maximum (V̇ = 0) and at t = T that is
 *   all; when the maximum is a kink at an incoming spike s, V_k(t_s⁻) also moves
 *   with t_s, which adds ∂l_p/∂t_s = g_k·V̇_k⁻(t_s) to that spike's jump, and the
 *   λ_V jump is placed just before t_s (after the spike's own jump in reverse time).
 * - 'first-spike' (eq. 3): cross entropy of softmax(−t_k/τ₀) over the first
 *   spike time t_k of each output neuron, plus α·(exp(t_label/τ₁) − 1). Eq. (3)
 *   as printed puts the regulariser inside −[…]; the text says it "encourages
 *   early spiking of the label neuron", so it is added with a + sign here. A
 *   competitor (k ≠ label) that does not fire counts with t_k = `missingTimeMs`
 *   (default T), a constant: no gradient flows through it. When the label
 *   neuron does not fire, eq. (3) is infinite (t_label = ∞); the sample then
 *   counts a constant penalty, log K + α·(exp(missingTimeMs/τ₁) − 1) (all K
 *   outputs at missingTimeMs), and gives no gradient at all. Counting the label
 *   at T instead and keeping the cross-entropy gradient of the competitors
 *   pushes every competitor later on exactly the samples the label neuron
 *   misses, which silences the output layer in a runaway (docs/eventprop.md).
 *
 * Near-tangent crossings make 1/V̇⁻ diverge (Discussion of papers/003). With
 * `minSlope` > 0, τ_mem·V̇⁻ = I − ϑ is raised to `minSlope` in the jump when it is
 * smaller and `clipped` counts how often that happened; the result is then no
 * longer the exact gradient. Off by default.
 */
import type { SilentLabelRule } from '../model/event-network.js';
import {
  eventForward,
  eventLayout,
  forEachTarget,
  validateEventSpec,
  type EventForwardOptions,
  type EventForwardResult,
  type EventLifSpec,
  type InputSpike,
} from './event-lif.js';
import type { Float64Weights, WeightsLike } from './lif-network.js';

export type EventLoss =
  | { readonly kind: 'max-voltage'; readonly label: number }
  | {
      readonly kind: 'first-spike';
      readonly label: number;
      /** τ₀ (ms), Table 3: 0.5 */
      readonly tau0Ms: number;
      /** τ₁ (ms), Table 3: 6.4 */
      readonly tau1Ms: number;
      /** regularisation factor α, Table 3: 3e−3 */
      readonly alpha: number;
      /** spike time used for an output neuron that does not fire (default T) */
      readonly missingTimeMs?: number;
      /**
       * a sample whose label neuron does not fire: 'no-gradient' (default) counts
       * the constant penalty and gives no gradient; 'label-at-missing-time' counts
       * the label at missingTimeMs and keeps the competitors' cross-entropy
       * gradient (the rule that silences the output layer; for comparison only)
       */
      readonly silentLabel?: SilentLabelRule;
    };

export type { SilentLabelRule } from '../model/event-network.js';

export interface EventLossValue {
  readonly loss: number;
  /** the quantity each output contributes: max_t V_k ('max-voltage') or t_k ('first-spike') */
  readonly outputs: Float64Array;
  /** ∂L/∂outputs[k] (0 for a missing first spike) */
  readonly dOutputs: Float64Array;
  /** argmax of max V, or argmin of the first spike times (first on ties) */
  readonly predicted: number;
}

export interface EventPropOptions extends EventForwardOptions {
  /** lower bound on τ_mem·V̇⁻ = I − ϑ in the spike jump (default 0: no clip, exact) */
  minSlope?: number;
}

export interface EventPropResult {
  readonly forward: EventForwardResult;
  readonly loss: EventLossValue;
  readonly grads: Float64Weights;
  /** how many spike jumps were not exact: I − ϑ < minSlope (clipped), or I ≤ ϑ (no upward crossing, no jump) */
  readonly clipped: number;
}

function logSoftmaxGrad(z: Float64Array, label: number): { loss: number; grad: Float64Array } {
  let m = -Infinity;
  for (const v of z) m = Math.max(m, v);
  let sum = 0;
  for (const v of z) sum += Math.exp(v - m);
  const lse = m + Math.log(sum);
  const grad = new Float64Array(z.length);
  for (let k = 0; k < z.length; k++) grad[k] = Math.exp(z[k] - lse) - (k === label ? 1 : 0);
  return { loss: lse - z[label], grad };
}

/** The loss of one sample (eq. 3 or eq. 4) and its derivative with respect to the output quantities. */
export function eventLoss(spec: EventLifSpec, forward: EventForwardResult, loss: EventLoss): EventLossValue {
  if (!(Number.isInteger(loss.label) && loss.label >= 0 && loss.label < spec.outputs)) {
    throw new RangeError(`event loss label must be an integer in [0, ${spec.outputs}), got ${loss.label}`);
  }
  if (loss.kind === 'max-voltage') {
    if (!forward.readoutMax) throw new RangeError("the 'max-voltage' loss needs spec.output = 'readout'");
    const outputs = Float64Array.from(forward.readoutMax.value);
    // eq. (4): −log softmax(max_t V)[label]
    const { loss: value, grad } = logSoftmaxGrad(outputs, loss.label);
    let predicted = 0;
    for (let k = 1; k < outputs.length; k++) if (outputs[k] > outputs[predicted]) predicted = k;
    return { loss: value, outputs, dOutputs: grad, predicted };
  }
  if (!forward.firstSpikeTimes) throw new RangeError("the 'first-spike' loss needs spec.output = 'spiking'");
  for (const [name, v] of [['tau0Ms', loss.tau0Ms], ['tau1Ms', loss.tau1Ms]] as const) {
    if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`first-spike loss ${name} must be positive, got ${v}`);
  }
  if (!(Number.isFinite(loss.alpha) && loss.alpha >= 0)) throw new RangeError(`first-spike loss alpha must be ≥ 0, got ${loss.alpha}`);
  const missing = loss.missingTimeMs ?? spec.durationMs;
  const outputs = Float64Array.from(forward.firstSpikeTimes, (t) => (Number.isFinite(t) ? t : missing));
  let predicted = 0;
  for (let k = 1; k < outputs.length; k++) if (outputs[k] < outputs[predicted]) predicted = k;
  const silentLabel = loss.silentLabel ?? 'no-gradient';
  if (silentLabel !== 'no-gradient' && silentLabel !== 'label-at-missing-time') throw new RangeError(`first-spike loss silentLabel must be 'no-gradient' or 'label-at-missing-time', got '${String(silentLabel)}'`);
  if (silentLabel === 'no-gradient' && !Number.isFinite(forward.firstSpikeTimes[loss.label])) {
    // eq. (3) is infinite without a label spike: a constant penalty, no gradient (see the header)
    const value = Math.log(outputs.length) + loss.alpha * (Math.exp(missing / loss.tau1Ms) - 1);
    return { loss: value, outputs, dOutputs: new Float64Array(outputs.length), predicted };
  }
  // eq. (3): −log softmax(−t/τ₀)[label] + α·(exp(t_label/τ₁) − 1)
  const z = Float64Array.from(outputs, (t) => -t / loss.tau0Ms);
  const { loss: ce, grad } = logSoftmaxGrad(z, loss.label);
  const tl = outputs[loss.label];
  const value = ce + loss.alpha * (Math.exp(tl / loss.tau1Ms) - 1);
  const dOutputs = Float64Array.from(grad, (g) => -g / loss.tau0Ms);
  dOutputs[loss.label] += (loss.alpha / loss.tau1Ms) * Math.exp(tl / loss.tau1Ms);
  for (let k = 0; k < outputs.length; k++) if (!Number.isFinite(forward.firstSpikeTimes[k])) dOutputs[k] = 0;
  return { loss: value, outputs, dOutputs, predicted };
}

function zeroGrads(spec: EventLifSpec): Float64Weights {
  let fanIn = spec.inputs;
  const hidden = spec.hidden.map((l) => {
    const w = new Float64Array(l.size * fanIn);
    fanIn = l.size;
    return l.recurrent ? { w, v: new Float64Array(l.size * l.size) } : { w };
  });
  return { hidden, readout: new Float64Array(spec.outputs * fanIn) };
}

/**
 * EventProp backward pass (Algorithm 1) on a stored forward pass: the exact
 * gradient of `loss` with respect to every weight (input, recurrent, output).
 */
export function eventPropBackward(
  spec: EventLifSpec,
  weights: WeightsLike,
  input: readonly InputSpike[],
  forward: EventForwardResult,
  loss: EventLoss,
  options: EventPropOptions = {},
): { loss: EventLossValue; grads: Float64Weights; clipped: number } {
  validateEventSpec(spec, weights);
  const minSlope = options.minSlope ?? 0;
  if (!(Number.isFinite(minSlope) && minSlope >= 0)) throw new RangeError(`minSlope must be ≥ 0, got ${minSlope}`);
  const value = eventLoss(spec, forward, loss);
  const { tauMemMs: tm, tauSynMs: ts, threshold: theta, durationMs: T } = spec;
  const L = spec.hidden.length;
  const { offsets, total } = eventLayout(spec);
  const spikes = forward.spikes;
  const grads = zeroGrads(spec);

  // ∂l_p/∂t_k per stored spike, and λ_V jumps −g/τ_mem of readout neurons (eq. 4).
  const dLdt = new Float64Array(spikes.length);
  const kinkJumps: { spike: number; neuron: number; amount: number }[] = [];
  const timedJumps: { time: number; neuron: number; amount: number }[] = [];
  if (loss.kind === 'max-voltage') {
    const rm = forward.readoutMax!;
    for (let o = 0; o < spec.outputs; o++) {
      const g = value.dOutputs[o];
      const n = offsets[L] + o;
      if (rm.kind[o] === 'interior' || rm.kind[o] === 'end') timedJumps.push({ time: rm.time[o], neuron: n, amount: -g / tm });
      else if (rm.kind[o] === 'kink') {
        const vdotBefore = (rm.current[o] - rm.value[o]) / tm; // τ_mem·V̇ = −V + I (Table 1)
        dLdt[rm.spike[o]] += g * vdotBefore;
        kinkJumps.push({ spike: rm.spike[o], neuron: n, amount: -g / tm });
      }
    }
  } else {
    const first = forward.firstSpikeIndex!;
    for (let o = 0; o < spec.outputs; o++) if (first[o] >= 0) dLdt[first[o]] += value.dOutputs[o];
  }

  // adjoint state, each neuron's known at its own time tAt (lazily moved back)
  const lamV = new Float64Array(total);
  const lamI = new Float64Array(total);
  const tAt = new Float64Array(total).fill(T);
  const back = (n: number, t: number) => {
    const d = tAt[n] - t;
    if (d > 0) {
      const eM = Math.exp(-d / tm);
      const eS = Math.exp(-d / ts);
      const c = (lamV[n] * tm) / (tm - ts);
      lamI[n] = (lamI[n] - c) * eS + c * eM; // eq. (32b), closed form
      lamV[n] *= eM; // eq. (32a), closed form
    }
    tAt[n] = t;
  };

  // reverse-time event list: 0 = network spike, 1 = input spike, 2 = timed λ_V jump
  type Item = { time: number; type: 0 | 1 | 2; index: number };
  const items: Item[] = [];
  spikes.forEach((sp, i) => items.push({ time: sp.time, type: 0, index: i }));
  input.forEach((sp, i) => {
    if (sp.time <= T) items.push({ time: sp.time, type: 1, index: i });
  });
  timedJumps.forEach((j, i) => items.push({ time: j.time, type: 2, index: i }));
  // later first; at equal times a loss jump (type 2) is applied before (in reverse time) the spikes
  items.sort((x, y) => y.time - x.time || y.type - x.type);
  const kinksBySpike = new Map<number, { neuron: number; amount: number }[]>();
  for (const kj of kinkJumps) {
    const list = kinksBySpike.get(kj.spike) ?? [];
    list.push(kj);
    kinksBySpike.set(kj.spike, list);
  }

  const gradOf = (targetLayer: number, which: 'w' | 'v'): Float64Array =>
    targetLayer < L ? (which === 'v' ? grads.hidden[targetLayer].v! : grads.hidden[targetLayer].w) : grads.readout;

  let clipped = 0;
  for (const it of items) {
    if (it.type === 2) {
      const j = timedJumps[it.index];
      back(j.neuron, j.time);
      lamV[j.neuron] += j.amount;
      continue;
    }
    const t = it.time;
    if (it.type === 1) {
      // eq. (2) for a fixed input spike: sample λ_I of the layer-0 targets
      forEachTarget(spec, weights, -1, input[it.index].neuron, (tl, j, _w, idx, which) => {
        const m = offsets[tl] + j;
        back(m, t);
        gradOf(tl, which)[idx] += -ts * lamI[m];
      });
      continue;
    }
    const sp = spikes[it.index];
    const n = offsets[sp.layer] + sp.neuron;
    back(n, t);
    let transmitted = 0;
    forEachTarget(spec, weights, sp.layer, sp.neuron, (tl, j, w, idx, which) => {
      const m = offsets[tl] + j;
      back(m, t);
      transmitted += w * (lamV[m] - lamI[m]); // (W^T(λ_V⁺ − λ_I))_n, Table 2
      gradOf(tl, which)[idx] += -ts * lamI[m]; // eq. (2)
    });
    let slope = sp.current - theta; // τ_mem·V̇⁻
    if (slope < minSlope || !(slope > 0)) {
      slope = minSlope;
      clipped++;
    }
    // Table 2 / eq. (52a): jump of the firing neuron's λ_V; a record with I ≤ ϑ
    // is no upward crossing, its time has no derivative and it gets no jump
    if (slope > 0) lamV[n] += (theta * lamV[n] + transmitted + dLdt[it.index]) / slope;
    for (const kj of kinksBySpike.get(it.index) ?? []) {
      back(kj.neuron, t);
      lamV[kj.neuron] += kj.amount; // eq. (4) loss jump just before the kink
    }
  }
  return { loss: value, grads, clipped };
}

/** Forward pass (`eventForward`) and EventProp gradient of one sample. */
export function eventProp(
  spec: EventLifSpec,
  weights: WeightsLike,
  input: readonly InputSpike[],
  loss: EventLoss,
  options: EventPropOptions = {},
): EventPropResult {
  const forward = eventForward(spec, weights, input, options);
  const { loss: value, grads, clipped } = eventPropBackward(spec, weights, input, forward, loss, options);
  return { forward, loss: value, grads, clipped };
}
