/**
 * The continuous-time LIF network of Wunderlich & Pehle 2021 (papers/003,
 * Table 1) as the event-driven kernels, EventProp and its float64 reference
 * (src/reference/event-lif.ts) all take it: sizes, time constants, threshold,
 * output kind, and the spike records that pass between layers.
 */
import type { WeightsLike } from './weights.js';

export type EventOutputKind = 'readout' | 'spiking';

export interface EventLifSpec {
  readonly inputs: number;
  readonly hidden: readonly { readonly size: number; readonly recurrent: boolean }[];
  readonly outputs: number;
  /** 'readout': non-spiking leaky integrators (eq. 4); 'spiking': LIF neurons (eq. 3) */
  readonly output: EventOutputKind;
  readonly tauMemMs: number;
  readonly tauSynMs: number;
  /** ϑ */
  readonly threshold: number;
  /** simulation end T (ms); events after T are not simulated */
  readonly durationMs: number;
}

/**
 * What the first-spike loss (eq. 3) does with a sample whose label neuron does
 * not fire: 'no-gradient' counts a constant loss and gives no gradient;
 * 'label-at-missing-time' counts the label at the missing time and keeps the
 * competitors' cross-entropy gradient (for comparison only; docs/eventprop.md).
 */
export type SilentLabelRule = 'no-gradient' | 'label-at-missing-time';

/** One input spike: channel `neuron` (0…inputs−1) at `time` ms. */
export interface InputSpike {
  readonly time: number;
  readonly neuron: number;
}

/** One spike of the network, as EventProp's forward pass stores it (Algorithm 1). */
export interface EventSpike {
  /** ms */
  readonly time: number;
  /** index within its layer */
  readonly neuron: number;
  /** hidden layer index, or hidden.length for the spiking output layer */
  readonly layer: number;
  /** the firing neuron's synaptic current I(t) at the spike (τ_mem·V̇⁻ = I − ϑ) */
  readonly current: number;
}

/** Where a readout neuron's voltage maximum over [0, T] lies. */
export type ReadoutMaxKind =
  /** V ≤ 0 throughout: the maximum is V(0) = 0 */
  | 'start'
  /** between events, where V̇ = 0 */
  | 'interior'
  /** at the time of an incoming spike (V̇⁻ ≥ 0 ≥ V̇⁺) */
  | 'kink'
  /** at t = T */
  | 'end';

/** Checks the spec and the weight shapes; throws a RangeError naming the problem. */
export function validateEventSpec(spec: EventLifSpec, weights: WeightsLike): void {
  const posInt = (name: string, v: number) => {
    if (!(Number.isInteger(v) && v > 0)) throw new RangeError(`event LIF ${name} must be a positive integer, got ${v}`);
  };
  posInt('inputs', spec.inputs);
  posInt('outputs', spec.outputs);
  spec.hidden.forEach((l, i) => posInt(`hidden[${i}].size`, l.size));
  if (spec.hidden.length === 0) throw new RangeError('event LIF needs at least one hidden layer');
  for (const [name, v] of [['tauMemMs', spec.tauMemMs], ['tauSynMs', spec.tauSynMs], ['threshold', spec.threshold], ['durationMs', spec.durationMs]] as const) {
    if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`event LIF ${name} must be a positive finite number, got ${v}`);
  }
  if (Math.abs(spec.tauMemMs - spec.tauSynMs) <= 1e-9 * spec.tauMemMs) {
    throw new RangeError(`event LIF needs tauMemMs ≠ tauSynMs (the two-exponential closed form), got ${spec.tauMemMs} and ${spec.tauSynMs}`);
  }
  if (spec.output !== 'readout' && spec.output !== 'spiking') throw new RangeError(`event LIF output must be 'readout' or 'spiking', got ${String(spec.output)}`);
  if (weights.hidden.length !== spec.hidden.length) throw new RangeError(`event LIF weights have ${weights.hidden.length} hidden layers, spec ${spec.hidden.length}`);
  let fanIn = spec.inputs;
  spec.hidden.forEach((l, i) => {
    const w = weights.hidden[i];
    if (w.w.length !== l.size * fanIn) throw new RangeError(`event LIF hidden[${i}].w has ${w.w.length} entries, expected ${l.size}×${fanIn}`);
    if (l.recurrent && (!w.v || w.v.length !== l.size * l.size)) throw new RangeError(`event LIF hidden[${i}].v must have ${l.size}×${l.size} entries`);
    fanIn = l.size;
  });
  if (weights.readout.length !== spec.outputs * fanIn) throw new RangeError(`event LIF readout has ${weights.readout.length} entries, expected ${spec.outputs}×${fanIn}`);
}

