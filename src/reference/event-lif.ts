/**
 * Float64 event-driven simulator of the continuous-time LIF network of
 * Wunderlich & Pehle 2021 (papers/003), Table 1: the executable spec for the
 * event-exact methods (EventProp, `./eventprop.ts`). Clarity over speed.
 *
 * Model, per neuron, in ms, all states zero at t = 0, ϑ = spec.threshold:
 *
 *   τ_mem·V̇ = −V + I,   τ_syn·İ = −I                     (Table 1, free dynamics)
 *   V⁻ = ϑ  ⇒  spike, V⁺ = 0                              (Table 1, transition)
 *   a spike of neuron i adds w_ji to I_j of every target j (Table 1, jump)
 *
 * Layers: hidden layers 0…L−1 of spiking LIF neurons, layer 0 fed by the input
 * spikes (fixed, exact, off-grid times), layer l+1 by layer l, a recurrent
 * layer also by itself (w_jj is ignored: no self-connections, as in Table 1).
 * Layer L is the output layer, fed by layer L−1: either `'spiking'` LIF neurons
 * (time-to-first-spike loss, eq. 3) or a `'readout'` of non-spiking leaky
 * integrators with the same τ_mem, τ_syn (max-over-time voltage loss, eq. 4).
 * Any number of spikes per neuron; no refractory period; no delays.
 *
 * Between events a neuron's state is the two-exponential closed form (papers/002,
 * §Firing time computation and Alg. 1: V = A·e^{−αt} + B·e^{−βt}):
 *
 *   I(s) = I₀·e^{−s/τ_syn}
 *   V(s) = b·e^{−s/τ_mem} + a·e^{−s/τ_syn},  a = I₀·τ_syn/(τ_syn − τ_mem),  b = V₀ − a
 *
 * so V has at most one extremum, at e^{s(1/τ_syn − 1/τ_mem)} = −a·τ_mem/(b·τ_syn).
 * The next threshold crossing after an event is found on the monotone piece of
 * V that first reaches ϑ (bounded by that extremum — so a crossing where V rises
 * above ϑ and falls back before the next event is found — or by the end of the
 * simulation): in closed form when τ_mem = 2·τ_syn (a quadratic in
 * x = e^{−s/τ_mem}) or τ_syn = 2·τ_mem, otherwise by safeguarded Newton/bisection on that bracket.
 * Each prediction is invalidated when the neuron receives an input before it.
 * Events (input spikes, predicted crossings) are kept in a binary heap.
 *
 * Weights reuse the discrete reference's layout (`WeightsLike`): row-major
 * out × in; `readout` holds the output layer's weights in both output modes.
 */
import type { WeightsLike } from '../model/weights.js';
import { validateEventSpec, type EventLifSpec, type EventSpike, type InputSpike, type ReadoutMaxKind } from '../model/event-network.js';

export { validateEventSpec };
export type { EventLifSpec, EventOutputKind, EventSpike, InputSpike, ReadoutMaxKind } from '../model/event-network.js';

export interface ReadoutMaxima {
  /** max_t V_k(t), [outputs] */
  readonly value: Float64Array;
  /** its time t_max (ms) */
  readonly time: Float64Array;
  /** readout current I_k(t_max⁻) (before the jump, for a kink) */
  readonly current: Float64Array;
  readonly kind: ReadoutMaxKind[];
  /** for 'kink': index into `spikes` of the incoming spike at t_max, else −1 */
  readonly spike: Int32Array;
}

export interface EventForwardResult {
  /** all network spikes (hidden and spiking output layer) in time order */
  readonly spikes: EventSpike[];
  /** output layer 'readout' only */
  readonly readoutMax?: ReadoutMaxima;
  /** output layer 'spiking' only: first spike time per output neuron (Infinity if none) */
  readonly firstSpikeTimes?: Float64Array;
  /** index into `spikes` of each output neuron's first spike (−1 if none), 'spiking' only */
  readonly firstSpikeIndex?: Int32Array;
}

/** 'auto': closed form when τ_mem = 2·τ_syn or τ_syn = 2·τ_mem, else Newton; 'newton': always safeguarded Newton/bisection. */
export type CrossingSolver = 'auto' | 'newton';

export interface EventForwardOptions {
  solver?: CrossingSolver;
}

interface NeuronConstants {
  readonly tauMem: number;
  readonly tauSyn: number;
  readonly theta: number;
}

/** V(s) of the free dynamics from (V₀, I₀) (two-exponential closed form, Table 1). */
export function freeVoltage(v0: number, i0: number, s: number, tauMem: number, tauSyn: number): number {
  const a = (i0 * tauSyn) / (tauSyn - tauMem);
  return (v0 - a) * Math.exp(-s / tauMem) + a * Math.exp(-s / tauSyn);
}

/** Time s ∈ (0, horizon) of the extremum of V (V̇ = 0), or NaN if there is none in that range. */
export function freeExtremum(v0: number, i0: number, horizon: number, tauMem: number, tauSyn: number): number {
  const a = (i0 * tauSyn) / (tauSyn - tauMem);
  const b = v0 - a;
  if (b === 0) return NaN;
  const q = (-a * tauMem) / (b * tauSyn);
  if (!(q > 0)) return NaN;
  const s = Math.log(q) / (1 / tauSyn - 1 / tauMem);
  return s > 0 && s < horizon ? s : NaN;
}

/**
 * First time s ∈ [0, horizon] at which V, started at (V₀ < ϑ, I₀) and left free,
 * reaches ϑ; Infinity if it does not. Exact up to float64 rounding.
 */
export function nextCrossing(
  v0: number,
  i0: number,
  horizon: number,
  k: NeuronConstants,
  solver: CrossingSolver = 'auto',
): number {
  const { tauMem, tauSyn, theta } = k;
  if (v0 >= theta) return 0; // only reachable through rounding at an event boundary
  if (!(horizon > 0)) return Infinity;
  const a = (i0 * tauSyn) / (tauSyn - tauMem);
  const b = v0 - a;
  const f = (s: number) => b * Math.exp(-s / tauMem) + a * Math.exp(-s / tauSyn) - theta;
  const sExt = freeExtremum(v0, i0, horizon, tauMem, tauSyn);
  let lo: number;
  let hi: number;
  if (!Number.isNaN(sExt)) {
    if (f(sExt) >= 0) {
      lo = 0; // rising to a maximum above ϑ (possibly falling back below before the next event)
      hi = sExt;
    } else if (f(horizon) >= 0) {
      lo = sExt; // falling to a minimum, then rising
      hi = horizon;
    } else return Infinity;
  } else if (f(horizon) >= 0) {
    lo = 0;
    hi = horizon;
  } else return Infinity;

  if (solver === 'auto' && (tauMem === 2 * tauSyn || tauSyn === 2 * tauMem)) {
    const s = tauMem === 2 * tauSyn ? quadraticCrossing(a, b, theta, lo, hi, tauMem) : quadraticCrossing(b, a, theta, lo, hi, tauSyn);
    if (!Number.isNaN(s)) return s;
  }
  return newtonCrossing(f, (s) => (-b / tauMem) * Math.exp(-s / tauMem) - (a / tauSyn) * Math.exp(-s / tauSyn), lo, hi);
}

/**
 * τ_mem = 2·τ_syn: with x = e^{−s/τ_mem}, e^{−s/τ_syn} = x², so V = ϑ reads
 * a·x² + b·x − ϑ = 0 (called with (a, b, τ_mem)); τ_syn = 2·τ_mem likewise with
 * x = e^{−s/τ_syn}: b·x² + a·x − ϑ = 0 (called with (b, a, τ_syn)). Returns the
 * root with s in [lo, hi] (x in [e^{−hi/τ}, e^{−lo/τ}]), NaN if rounding lost it.
 * Roots by the cancellation-free form q = −(b + sgn(b)·√D)/2, x = q/a, x = −ϑ/q.
 */
function quadraticCrossing(a: number, b: number, theta: number, lo: number, hi: number, tau: number): number {
  const xHi = Math.exp(-lo / tau);
  const xLo = Math.exp(-hi / tau);
  const tol = 1e-12;
  const roots: number[] = [];
  if (a === 0) {
    if (b !== 0) roots.push(theta / b);
  } else {
    const disc = b * b + 4 * a * theta;
    if (disc < 0) return NaN;
    const q = -0.5 * (b + (b >= 0 ? 1 : -1) * Math.sqrt(disc));
    if (q !== 0) roots.push(q / a, -theta / q);
  }
  let best = NaN;
  for (const x of roots) {
    if (x > 0 && x >= xLo * (1 - tol) && x <= xHi * (1 + tol) && !(x <= best)) best = x;
  }
  if (Number.isNaN(best)) return NaN;
  return Math.min(hi, Math.max(lo, -tau * Math.log(best)));
}

/** Safeguarded Newton on a bracket with f(lo) < 0 ≤ f(hi), f monotone increasing there. */
function newtonCrossing(f: (s: number) => number, df: (s: number) => number, lo: number, hi: number): number {
  let s = 0.5 * (lo + hi);
  for (let it = 0; it < 200; it++) {
    const fs = f(s);
    if (fs === 0) return s;
    if (fs < 0) lo = s;
    else hi = s;
    const d = df(s);
    let next = s - fs / d;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    const step = Math.abs(next - s);
    s = next;
    if (step <= 2 * Number.EPSILON * Math.max(1, Math.abs(s)) || hi - lo <= 2 * Number.EPSILON * Math.max(1, hi)) break;
  }
  return s;
}

/** Minimal binary min-heap on (time, seq). */
interface HeapEvent {
  time: number;
  seq: number;
  /** −1 − inputIndex for an input spike, else global neuron id of a predicted crossing */
  who: number;
  version: number;
}

function heapPush(h: HeapEvent[], e: HeapEvent): void {
  h.push(e);
  let i = h.length - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (less(h[p], h[i])) break;
    [h[p], h[i]] = [h[i], h[p]];
    i = p;
  }
}

function heapPop(h: HeapEvent[]): HeapEvent | undefined {
  if (h.length === 0) return undefined;
  const top = h[0];
  const last = h.pop()!;
  if (h.length > 0) {
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && less(h[l], h[m])) m = l;
      if (r < h.length && less(h[r], h[m])) m = r;
      if (m === i) break;
      [h[m], h[i]] = [h[i], h[m]];
      i = m;
    }
  }
  return top;
}

function less(x: HeapEvent, y: HeapEvent): boolean {
  return x.time < y.time || (x.time === y.time && x.seq < y.seq);
}

/** Layer sizes and global neuron offsets: hidden layers, then the output layer. */
export function eventLayout(spec: EventLifSpec): { sizes: number[]; offsets: number[]; total: number } {
  const sizes = [...spec.hidden.map((l) => l.size), spec.outputs];
  const offsets: number[] = [];
  let total = 0;
  for (const s of sizes) {
    offsets.push(total);
    total += s;
  }
  return { sizes, offsets, total };
}

/**
 * Targets of a spike of neuron `neuron` in layer `layer` (−1: an input channel):
 * calls visit(targetLayer, targetNeuron, weight, weightArrayIndex, which) for
 * every synapse, which = 'w' (feed-forward / input / readout) or 'v' (recurrent).
 */
export function forEachTarget(
  spec: EventLifSpec,
  weights: WeightsLike,
  layer: number,
  neuron: number,
  visit: (targetLayer: number, target: number, weight: number, index: number, which: 'w' | 'v') => void,
): void {
  const L = spec.hidden.length;
  const next = layer + 1;
  if (next <= L) {
    const fanIn = layer < 0 ? spec.inputs : spec.hidden[layer].size;
    const m = next < L ? weights.hidden[next].w : weights.readout;
    const size = next < L ? spec.hidden[next].size : spec.outputs;
    for (let j = 0; j < size; j++) visit(next, j, m[j * fanIn + neuron], j * fanIn + neuron, 'w');
  }
  if (layer >= 0 && layer < L && spec.hidden[layer].recurrent) {
    const v = weights.hidden[layer].v!;
    const size = spec.hidden[layer].size;
    for (let j = 0; j < size; j++) if (j !== neuron) visit(layer, j, v[j * size + neuron], j * size + neuron, 'v');
  }
}

/**
 * Simulates the network of Table 1 exactly from t = 0 to T on the given input
 * spikes (any order; times must be finite and ≥ 0; those after T are ignored).
 */
export function eventForward(
  spec: EventLifSpec,
  weights: WeightsLike,
  input: readonly InputSpike[],
  options: EventForwardOptions = {},
): EventForwardResult {
  validateEventSpec(spec, weights);
  const solver = options.solver ?? 'auto';
  const k: NeuronConstants = { tauMem: spec.tauMemMs, tauSyn: spec.tauSynMs, theta: spec.threshold };
  const T = spec.durationMs;
  const L = spec.hidden.length;
  const { sizes, offsets, total } = eventLayout(spec);
  const layerOf = new Int32Array(total);
  sizes.forEach((s, l) => layerOf.fill(l, offsets[l], offsets[l] + s));
  const spiking = (layer: number) => layer < L || spec.output === 'spiking';

  const V = new Float64Array(total);
  const I = new Float64Array(total);
  const tLast = new Float64Array(total);
  const version = new Int32Array(total);
  const heap: HeapEvent[] = [];
  let seq = 0;

  input.forEach((sp, idx) => {
    if (!(Number.isFinite(sp.time) && sp.time >= 0)) throw new RangeError(`input spike ${idx}: time must be finite and ≥ 0, got ${sp.time}`);
    if (!(Number.isInteger(sp.neuron) && sp.neuron >= 0 && sp.neuron < spec.inputs)) {
      throw new RangeError(`input spike ${idx}: neuron must be an integer in [0, ${spec.inputs}), got ${sp.neuron}`);
    }
    if (sp.time <= T) heapPush(heap, { time: sp.time, seq: seq++, who: -1 - idx, version: 0 });
  });

  const advance = (n: number, t: number) => {
    const s = t - tLast[n];
    if (s > 0) {
      V[n] = freeVoltage(V[n], I[n], s, k.tauMem, k.tauSyn);
      I[n] *= Math.exp(-s / k.tauSyn);
    }
    tLast[n] = t;
  };
  const predict = (n: number) => {
    version[n]++;
    if (!spiking(layerOf[n])) return;
    const s = nextCrossing(V[n], I[n], T - tLast[n], k, solver);
    if (Number.isFinite(s)) heapPush(heap, { time: tLast[n] + s, seq: seq++, who: n, version: version[n] });
  };
  const deliver = (layer: number, neuron: number, t: number) => {
    forEachTarget(spec, weights, layer, neuron, (tl, j, w) => {
      const m = offsets[tl] + j;
      advance(m, t);
      I[m] += w; // Table 1: jump of the synaptic current
      predict(m);
    });
  };

  const spikes: EventSpike[] = [];
  for (let e = heapPop(heap); e !== undefined; e = heapPop(heap)) {
    if (e.time > T) break;
    if (e.who < 0) {
      deliver(-1, input[-1 - e.who].neuron, e.time);
      continue;
    }
    const n = e.who;
    if (e.version !== version[n]) continue; // invalidated by a later input
    advance(n, e.time);
    const layer = layerOf[n];
    spikes.push({ time: e.time, neuron: n - offsets[layer], layer, current: I[n] });
    V[n] = 0; // Table 1: reset V⁺ = 0
    predict(n);
    deliver(layer, n - offsets[layer], e.time);
  }

  if (spec.output === 'readout') return { spikes, readoutMax: readoutMaxima(spec, weights, spikes) };
  const firstSpikeTimes = new Float64Array(spec.outputs).fill(Infinity);
  const firstSpikeIndex = new Int32Array(spec.outputs).fill(-1);
  spikes.forEach((sp, idx) => {
    if (sp.layer === L && firstSpikeIndex[sp.neuron] < 0) {
      firstSpikeIndex[sp.neuron] = idx;
      firstSpikeTimes[sp.neuron] = sp.time;
    }
  });
  return { spikes, firstSpikeTimes, firstSpikeIndex };
}

/**
 * max over t ∈ [0, T] of every readout neuron's voltage, exactly: V is the
 * two-exponential closed form between the spikes of the last hidden layer, so the
 * maximum lies at t = 0 (V = 0), at an interior V̇ = 0, at an incoming spike
 * (a kink: V̇ jumps down by w/τ_mem) or at t = T.
 */
export function readoutMaxima(spec: EventLifSpec, weights: WeightsLike, spikes: readonly EventSpike[]): ReadoutMaxima {
  const L = spec.hidden.length;
  const fanIn = spec.hidden[L - 1].size;
  const { tauMemMs: tm, tauSynMs: ts, durationMs: T } = spec;
  const O = spec.outputs;
  const value = new Float64Array(O);
  const time = new Float64Array(O);
  const current = new Float64Array(O);
  const kind: ReadoutMaxKind[] = new Array<ReadoutMaxKind>(O).fill('start');
  const spikeIdx = new Int32Array(O).fill(-1);
  const incoming: number[] = [];
  spikes.forEach((sp, i) => {
    if (sp.layer === L - 1 && sp.time <= T) incoming.push(i);
  });
  for (let o = 0; o < O; o++) {
    let v = 0;
    let c = 0;
    let t = 0;
    const consider = (val: number, at: number, cur: number, kd: ReadoutMaxKind, sp: number) => {
      if (val > value[o]) {
        value[o] = val;
        time[o] = at;
        current[o] = cur;
        kind[o] = kd;
        spikeIdx[o] = sp;
      }
    };
    const segment = (until: number) => {
      const h = until - t;
      const sExt = freeExtremum(v, c, h, tm, ts);
      if (!Number.isNaN(sExt)) consider(freeVoltage(v, c, sExt, tm, ts), t + sExt, c * Math.exp(-sExt / ts), 'interior', -1);
      if (h > 0) {
        v = freeVoltage(v, c, h, tm, ts);
        c *= Math.exp(-h / ts);
      }
      t = until;
    };
    for (const i of incoming) {
      const sp = spikes[i];
      segment(sp.time);
      consider(v, t, c, 'kink', i);
      c += weights.readout[o * fanIn + sp.neuron];
    }
    segment(T);
    consider(v, T, c, 'end', -1);
  }
  return { value, time, current, kind, spike: spikeIdx };
}
