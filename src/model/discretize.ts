/**
 * The discrete-time network that surrogate methods train, as a discretisation
 * of the continuous-time network that the event-exact methods use.
 *
 * Continuous model (Wunderlich & Pehle 2021, papers/003, Table 1;
 * `src/reference/event-lif.ts`): τ_mem·V̇ = −V + I, τ_syn·İ = −I, an input spike
 * adds W to I, V reaching ϑ emits a spike and sets V to 0. Discrete model
 * (DESIGN.md; Neftci, Mostafa & Zenke 2019, eqs. 4–5; `lif-network.ts`):
 *
 *   S[n] = Θ(U[n] − ϑ),  I[n+1] = α·I[n] + W̃·S_in[n],  U[n+1] = β·U[n]·(1 − S[n]) + I[n]
 *
 * Mapping for a step Δt (grid t_n = n·Δt):
 *
 * - Decays: α = e^{−Δt/τ_syn}, β = e^{−Δt/τ_mem}, threshold ϑ unchanged.
 * - Input scaling: over one step without events the continuous state moves
 *   exactly as I(t+Δt) = α·I(t) and V(t+Δt) = β·V(t) + c·I(t), with
 *
 *     c = τ_syn·(α − β)/(τ_syn − τ_mem)   (= Δt/τ_mem·(1 + O(Δt)))
 *
 *   (from the two-exponential closed form V(s) = (V₀ − a)e^{−s/τ_mem} + a·e^{−s/τ_syn},
 *   a = I₀·τ_syn/(τ_syn − τ_mem)). So the discrete current is the scaled
 *   continuous one, I[n] = c·I(t_n), U[n] = V(t_n), and every weight (input,
 *   hidden, recurrent, readout) maps to W̃ = c·W. With this c the free
 *   dynamics are integrated exactly; the Euler choice Δt/τ_mem, or 1 − β, would
 *   add an O(Δt) error of its own.
 * - Update order: U[n+1] uses the old current I[n] (the canonical order), which
 *   is what exact integration from t_n asks for: c·I(t_n) is the whole
 *   contribution of the current present at t_n to V(t_{n+1}). A spike entering
 *   through S_in[n] first appears in I[n+1], so it acts as if it arrived at t_{n+1}.
 * - Reset: 'zero'. U[n+1] = β·U[n]·(1 − S[n]) + I[n] is V set to 0 at t_n and
 *   then integrated exactly over the step (β·0 + c·I(t_n)). 'subtract' would
 *   leave the overshoot U[n] − ϑ and subtract an unscaled ϑ: another model.
 * - Input spike at time t (ms): goes to step n = max(0, ⌈t/Δt⌉ − 1), so it acts
 *   from t_{n+1} = ⌈t/Δt⌉·Δt, the first grid time at or after t (delay in [0, Δt);
 *   an input at t = 0 acts from Δt, the discrete states being 0 at n = 0).
 *   Several input spikes of one channel on one step add: S_in[n] is their count.
 * - Output spikes: a spike at step n (U[n] > ϑ, a crossing in (t_{n−1}, t_n]) is
 *   given the time t_n; it reaches the next layer at t_{n+1} (as an input
 *   does). Each layer therefore adds a delay in [0, 2Δt): spike times converge
 *   to the continuous ones at first order in Δt, not better.
 * - Recurrent layers: V maps to c·V with its diagonal set to 0 (Table 1 has no
 *   self-connections).
 * - Output: a 'readout' output (non-spiking leaky integrators, same τ) is the
 *   discrete readout with weights c·W_o: Uo[n] ≈ V_o(t_n). A 'spiking' output
 *   layer becomes one more hidden (spiking) layer of the discrete network; its
 *   discrete readout gets zero weights and is not used.
 * - Duration D: steps = ⌊D/Δt⌋ + 1 (grid times 0…⌊D/Δt⌋·Δt ≤ D).
 *
 * As Δt → 0 the discrete spikes converge to the continuous ones, except where a
 * trajectory grazes ϑ (touches it without crossing), which a finite grid may
 * resolve either way. `convergence` measures this on a network and its inputs.
 */
import type { EventLifSpec, EventSpike, InputSpike } from '../model/event-network.js';
import { eventForward } from '../reference/event-lif.js';
import { referenceForward, type ReferenceForwardResult } from '../reference/lif-network.js';
import { type Float64Weights, type WeightsLike } from '../model/weights.js';
import { lifParams } from '../neurons/lif.js';
import { surrogateByName, type Surrogate } from '../surrogates.js';
import type { NetworkSpec, ReadoutReduce } from './network.js';

/** Drive factor c = τ_syn·(α − β)/(τ_syn − τ_mem): V(t+Δt) = β·V(t) + c·I(t) without events. */
export function driveFactor(dtMs: number, tauMemMs: number, tauSynMs: number): number {
  if (!(dtMs > 0 && tauMemMs > 0 && tauSynMs > 0)) throw new RangeError(`driveFactor needs positive Δt, τ_mem, τ_syn, got ${dtMs}, ${tauMemMs}, ${tauSynMs}`);
  // α − β = β·(e^{Δt/τ_mem − Δt/τ_syn} − 1), with expm1 to keep precision at small Δt
  const beta = Math.exp(-dtMs / tauMemMs);
  if (Math.abs(tauSynMs - tauMemMs) <= 1e-12 * tauMemMs) return (dtMs / tauMemMs) * beta; // the limit τ_syn → τ_mem
  return (tauSynMs * beta * Math.expm1(dtMs / tauMemMs - dtMs / tauSynMs)) / (tauSynMs - tauMemMs);
}

export interface DiscreteModel {
  readonly spec: NetworkSpec;
  readonly weights: Float64Weights;
  readonly dtMs: number;
  /** ⌊D/Δt⌋ + 1 */
  readonly steps: number;
  /** c: every discrete weight is c times the continuous one */
  readonly drive: number;
  /** the continuous network it was made from */
  readonly source: EventLifSpec;
}

export interface DiscretizeOptions {
  /** surrogate of the discrete spec (forward unaffected; default fast-sigmoid) */
  surrogate?: Surrogate;
  /** readout reduction of the discrete spec (forward unaffected; default 'max', as eq. 4) */
  readoutReduce?: ReadoutReduce;
}

/** The discrete network that discretises `spec` (with `weights`) on a grid of step `dtMs` (see the module comment). */
export function discretize(spec: EventLifSpec, weights: WeightsLike, dtMs: number, options: DiscretizeOptions = {}): DiscreteModel {
  if (!(Number.isFinite(dtMs) && dtMs > 0)) throw new RangeError(`discretize: Δt must be a positive finite number, got ${dtMs}`);
  const c = driveFactor(dtMs, spec.tauMemMs, spec.tauSynMs);
  const scale = (a: ArrayLike<number>) => Float64Array.from(a, (x) => c * x);
  const hidden = spec.hidden.map((l, i) => {
    const w = scale(weights.hidden[i].w);
    if (!l.recurrent) return { w };
    const v = scale(weights.hidden[i].v!);
    for (let j = 0; j < l.size; j++) v[j * l.size + j] = 0;
    return { w, v };
  });
  const layers = spec.hidden.map((l) => ({ size: l.size, recurrent: l.recurrent }));
  let readout: Float64Array;
  if (spec.output === 'spiking') {
    hidden.push({ w: scale(weights.readout) });
    layers.push({ size: spec.outputs, recurrent: false });
    readout = new Float64Array(spec.outputs * spec.outputs);
  } else readout = scale(weights.readout);
  const neuron = lifParams({ dtMs, tauMemMs: spec.tauMemMs, tauSynMs: spec.tauSynMs, threshold: spec.threshold, reset: 'zero' });
  return {
    spec: { inputs: spec.inputs, hidden: layers, outputs: spec.outputs, neuron, surrogate: options.surrogate ?? surrogateByName('fast-sigmoid'), readoutReduce: options.readoutReduce ?? 'max' },
    weights: { hidden, readout },
    dtMs,
    steps: Math.floor(spec.durationMs / dtMs + 1e-9) + 1,
    drive: c,
    source: spec,
  };
}

/** Step whose S_in carries an input spike at `timeMs`: max(0, ⌈t/Δt⌉ − 1); it acts from ⌈t/Δt⌉·Δt. */
export function inputStep(timeMs: number, dtMs: number): number {
  const r = timeMs / dtMs;
  // t on a grid point up to rounding (t/Δt = k·(1 ± ε)) counts as that grid point
  const k = Math.abs(r - Math.round(r)) <= 1e-9 * Math.max(1, r) ? Math.round(r) : Math.ceil(r);
  return Math.max(0, k - 1);
}

/** Input spikes as the discrete input S_in, [steps][1][inputs] (spike counts); spikes after the last step are dropped. */
export function discreteInput(model: DiscreteModel, input: readonly InputSpike[]): Float64Array {
  const n = model.spec.inputs;
  const out = new Float64Array(model.steps * n);
  for (const sp of input) {
    if (sp.time > model.source.durationMs) continue;
    const k = inputStep(sp.time, model.dtMs);
    if (k < model.steps) out[k * n + sp.neuron] += 1;
  }
  return out;
}

/** Spike times of a discrete forward pass (batch element `b`): step n ↦ n·Δt, layers numbered as in `EventSpike`. */
export function discreteSpikes(model: DiscreteModel, fwd: ReferenceForwardResult, batch = 1, b = 0): { time: number; neuron: number; layer: number }[] {
  const out: { time: number; neuron: number; layer: number }[] = [];
  fwd.layers.forEach((tr, l) => {
    const n = model.spec.hidden[l].size;
    for (let t = 0; t < model.steps; t++) {
      for (let i = 0; i < n; i++) if (tr.S[(t * batch + b) * n + i] > 0) out.push({ time: t * model.dtMs, neuron: i, layer: l });
    }
  });
  return out.sort((x, y) => x.time - y.time || x.layer - y.layer || x.neuron - y.neuron);
}

/** Voltage of each readout neuron of the continuous network at the given times, from its spikes (exact superposition), [times][outputs]. */
export function eventReadoutTrace(spec: EventLifSpec, weights: WeightsLike, spikes: readonly EventSpike[], times: ArrayLike<number>): Float64Array {
  const L = spec.hidden.length;
  const fanIn = spec.hidden[L - 1].size;
  const { tauMemMs: tm, tauSynMs: ts } = spec;
  const k = ts / (ts - tm);
  const out = new Float64Array(times.length * spec.outputs);
  const incoming = spikes.filter((s) => s.layer === L - 1);
  for (let n = 0; n < times.length; n++) {
    const t = times[n];
    for (const sp of incoming) {
      const s = t - sp.time;
      if (!(s > 0)) continue;
      const kernel = k * (Math.exp(-s / ts) - Math.exp(-s / tm));
      for (let o = 0; o < spec.outputs; o++) out[n * spec.outputs + o] += weights.readout[o * fanIn + sp.neuron] * kernel;
    }
  }
  return out;
}

export interface SpikeMatch {
  /** spike pairs matched (k-th continuous spike of a neuron with its k-th discrete spike) */
  matched: number;
  /** continuous spikes without a discrete partner (the neuron fires fewer times on the grid) */
  missing: number;
  /** discrete spikes without a continuous partner */
  extra: number;
  /** max |t_discrete − t_continuous| over matched pairs (ms; 0 if none) */
  maxError: number;
  /** mean |t_discrete − t_continuous| over matched pairs (ms; NaN if none) */
  meanError: number;
  /** mean (t_discrete − t_continuous) over matched pairs (ms; NaN if none) */
  meanShift: number;
}

/** Matches spikes per (layer, neuron) in time order: the k-th with the k-th; the surplus of either side counts as missing / extra. */
export function matchSpikes(continuous: readonly { time: number; neuron: number; layer: number }[], discrete: readonly { time: number; neuron: number; layer: number }[]): SpikeMatch {
  const group = (list: readonly { time: number; neuron: number; layer: number }[]) => {
    const m = new Map<string, number[]>();
    for (const s of list) {
      const key = `${s.layer}:${s.neuron}`;
      const arr = m.get(key);
      if (arr) arr.push(s.time);
      else m.set(key, [s.time]);
    }
    for (const arr of m.values()) arr.sort((a, b) => a - b);
    return m;
  };
  const a = group(continuous);
  const d = group(discrete);
  let matched = 0;
  let missing = 0;
  let extra = 0;
  let maxError = 0;
  let sumAbs = 0;
  let sum = 0;
  for (const key of new Set([...a.keys(), ...d.keys()])) {
    const x = a.get(key) ?? [];
    const y = d.get(key) ?? [];
    const m = Math.min(x.length, y.length);
    for (let i = 0; i < m; i++) {
      const e = y[i] - x[i];
      maxError = Math.max(maxError, Math.abs(e));
      sumAbs += Math.abs(e);
      sum += e;
    }
    matched += m;
    missing += x.length - m;
    extra += y.length - m;
  }
  return { matched, missing, extra, maxError, meanError: matched ? sumAbs / matched : NaN, meanShift: matched ? sum / matched : NaN };
}

export interface ConvergencePoint extends SpikeMatch {
  dtMs: number;
  steps: number;
  /** spikes of the continuous network (hidden and spiking output layers) */
  continuousSpikes: number;
  discreteSpikes: number;
  /** 'readout' output: max over grid times and outputs of |Uo[n] − V_o(n·Δt)| (NaN for 'spiking') */
  readoutMaxError: number;
  /** 'readout' output: max over grid times and outputs of |V_o(n·Δt)| (the scale of that error) */
  readoutScale: number;
}

/**
 * The continuous network on `inputs` (one or more input spike trains, summed
 * over in the counts, errors taken over all), against its discretisation at each
 * Δt in `dtsMs`.
 */
export function convergence(spec: EventLifSpec, weights: WeightsLike, inputs: readonly (readonly InputSpike[])[], dtsMs: readonly number[]): ConvergencePoint[] {
  const events = inputs.map((inp) => eventForward(spec, weights, inp));
  return dtsMs.map((dt) => {
    const model = discretize(spec, weights, dt);
    const times = Float64Array.from({ length: model.steps }, (_, n) => n * dt);
    const acc: ConvergencePoint = { dtMs: dt, steps: model.steps, matched: 0, missing: 0, extra: 0, maxError: 0, meanError: 0, meanShift: 0, continuousSpikes: 0, discreteSpikes: 0, readoutMaxError: spec.output === 'readout' ? 0 : NaN, readoutScale: spec.output === 'readout' ? 0 : NaN };
    let sumAbs = 0;
    let sum = 0;
    inputs.forEach((inp, s) => {
      const fwd = referenceForward(model.spec, model.weights, discreteInput(model, inp), model.steps, 1, [0]);
      const disc = discreteSpikes(model, fwd);
      const cont = events[s].spikes.filter((x) => x.time <= spec.durationMs);
      const m = matchSpikes(cont, disc);
      acc.matched += m.matched;
      acc.missing += m.missing;
      acc.extra += m.extra;
      acc.maxError = Math.max(acc.maxError, m.maxError);
      if (m.matched) {
        sumAbs += m.meanError * m.matched;
        sum += m.meanShift * m.matched;
      }
      acc.continuousSpikes += cont.length;
      acc.discreteSpikes += disc.length;
      if (spec.output === 'readout') {
        const v = eventReadoutTrace(spec, weights, events[s].spikes, times);
        for (let i = 0; i < v.length; i++) {
          acc.readoutMaxError = Math.max(acc.readoutMaxError, Math.abs(fwd.readout.U[i] - v[i]));
          acc.readoutScale = Math.max(acc.readoutScale, Math.abs(v[i]));
        }
      }
    });
    acc.meanError = acc.matched ? sumAbs / acc.matched : NaN;
    acc.meanShift = acc.matched ? sum / acc.matched : NaN;
    return acc;
  });
}

/**
 * The continuous network whose discretisation at `dtMs` is a given discrete
 * network (the inverse of `discretize` for a 'readout' output): same τ, ϑ,
 * weights divided by c. The discrete network's own reset is not part of the
 * result (the continuous model resets to 0).
 */
export function continuousTwin(spec: NetworkSpec, weights: WeightsLike, dtMs: number, tauMemMs: number, tauSynMs: number, durationMs: number): { spec: EventLifSpec; weights: Float64Weights } {
  const c = driveFactor(dtMs, tauMemMs, tauSynMs);
  const un = (a: ArrayLike<number>) => Float64Array.from(a, (x) => x / c);
  return {
    spec: { inputs: spec.inputs, hidden: spec.hidden.map((h) => ({ size: h.size, recurrent: h.recurrent })), outputs: spec.outputs, output: 'readout', tauMemMs, tauSynMs, threshold: spec.neuron.threshold, durationMs },
    weights: { hidden: weights.hidden.map((h) => (h.v !== undefined ? { w: un(h.w), v: un(h.v) } : { w: un(h.w) })), readout: un(weights.readout) },
  };
}

/**
 * Input spike times of dense input steps [steps][batch][inputs] (batch element
 * `b`): a spike (value ≥ 1, counted by value) at step n is placed at (n + ½)·Δt,
 * which `inputStep` maps back to step n on the grid Δt (it acts from (n + 1)·Δt
 * there) and which is a grid point of every grid Δt/2^k, k ≥ 1 (acting exactly there). Throws on values that are not
 * non-negative integers (a current input, not spikes).
 */
export function inputSpikesFromSteps(input: ArrayLike<number>, steps: number, batch: number, inputs: number, b: number, dtMs: number): InputSpike[] {
  const out: InputSpike[] = [];
  for (let n = 0; n < steps; n++) {
    for (let j = 0; j < inputs; j++) {
      const v = input[(n * batch + b) * inputs + j];
      if (!(Number.isInteger(v) && v >= 0)) throw new RangeError(`input at step ${n}, channel ${j} is ${v}: not a spike count`);
      for (let k = 0; k < v; k++) out.push({ time: (n + 0.5) * dtMs, neuron: j });
    }
  }
  return out;
}
