/**
 * Δt convergence of the compared network: the continuous-time twin of the
 * discrete network (`continuousTwin`, src/model/discretize.ts: same τ_mem,
 * τ_syn, ϑ; weights divided by the drive factor c(Δt0); reset to 0), fed the
 * probe samples' input spikes (a spike at step n placed at (n + ½)·Δt0), is
 * simulated event by event (float64, `eventForward`) and discretised again at
 * each Δt of a sweep (`discretize`); per Δt the discrete spikes are matched
 * against the continuous ones per neuron in time order. CPU only (float64).
 *
 * At Δt0 the discretisation is the compared network itself when its reset is
 * 'zero'; with reset 'subtract' it differs from it by the reset.
 */
import { continuousTwin, convergence, inputSpikesFromSteps, type ConvergencePoint } from '../model/discretize.js';
import type { NetworkSpec } from '../model/network.js';
import type { WeightsLike } from '../model/weights.js';
import type { EventLifSpec, InputSpike } from '../model/event-network.js';

export interface ConvergenceSection {
  /** whose weights (e.g. 'bptt (final)') */
  weightsFrom: string;
  /** probe samples simulated */
  samples: number;
  /** Δt of the compared network (ms) */
  dt0Ms: number;
  tauMemMs: number;
  tauSynMs: number;
  threshold: number;
  /** (T − 1)·Δt0: the grid times of every Δt end there */
  durationMs: number;
  /** the compared network's reset; 'subtract' means the Δt0 row is not exactly the compared network */
  reset: 'zero' | 'subtract';
  points: ConvergencePoint[];
  /** set instead of points when the network has no continuous twin (τ_mem = τ_syn, input not spikes) */
  skipped?: string;
}

export interface NetworkConvergenceOptions {
  /** Δt values (ms); default Δt0·[1, 1/2, 1/4, 1/8, 1/16] */
  dtsMs?: number[];
  /** probe samples to simulate (default 2) */
  samples?: number;
  weightsFrom?: string;
}

/**
 * Convergence of the discretisations of `spec`'s continuous twin on the first
 * `samples` samples of a dense input [steps][batch][inputs] of spike counts.
 */
export function networkConvergence(
  spec: NetworkSpec,
  weights: WeightsLike,
  dt0Ms: number,
  input: ArrayLike<number>,
  steps: number,
  batch: number,
  options: NetworkConvergenceOptions = {},
): ConvergenceSection {
  const { alpha, beta, threshold, reset } = spec.neuron;
  const tauSynMs = -dt0Ms / Math.log(alpha);
  const tauMemMs = -dt0Ms / Math.log(beta);
  const samples = Math.min(options.samples ?? 2, batch);
  const durationMs = (steps - 1) * dt0Ms;
  const dts = options.dtsMs ?? [1, 0.5, 0.25, 0.125, 0.0625].map((f) => f * dt0Ms);
  const base: ConvergenceSection = { weightsFrom: options.weightsFrom ?? '', samples, dt0Ms, tauMemMs, tauSynMs, threshold, durationMs, reset, points: [] };
  const other = spec.hidden.findIndex((h) => (h.neuron?.kind ?? 'lif') !== 'lif');
  if (other >= 0) return { ...base, skipped: `hidden layer ${other} is '${spec.hidden[other].neuron!.kind}': the continuous-time twin exists for LIF layers only` };
  if (!(Number.isFinite(tauMemMs) && Number.isFinite(tauSynMs) && tauMemMs > 0 && tauSynMs > 0)) {
    return { ...base, skipped: `α = ${alpha}, β = ${beta} give no finite positive time constants` };
  }
  if (Math.abs(tauMemMs - tauSynMs) <= 1e-9 * tauMemMs) return { ...base, skipped: 'τ_mem = τ_syn: the event-driven model needs two different time constants' };
  if (!(durationMs > 0)) return { ...base, skipped: 'T = 1 step: no duration to simulate' };
  for (const dt of dts) if (!(Number.isFinite(dt) && dt > 0)) throw new RangeError(`convergence Δt must be positive, got ${dt}`);
  let trains;
  try {
    trains = Array.from({ length: samples }, (_, b) => inputSpikesFromSteps(input, steps, batch, spec.inputs, b, dt0Ms));
  } catch (e) {
    return { ...base, skipped: `the input is not spikes (${(e as Error).message})` };
  }
  const twin = continuousTwin(spec, weights, dt0Ms, tauMemMs, tauSynMs, durationMs);
  return { ...base, points: convergence(twin.spec, twin.weights, trains, dts) };
}

/**
 * Convergence of the discretisations of a continuous-time network itself (the
 * event comparison): `espec` with `weights`, fed the input spike trains
 * `inputs` (one per sample), simulated event by event and discretised at each Δt
 * of `dtsMs` (`discretize`: weights × c(Δt), reset to zero, an input at t on step
 * max(0, ⌈t/Δt⌉ − 1)). `dt0Ms` is the grid the discrete method trains on.
 */
export function eventNetworkConvergence(
  espec: EventLifSpec,
  weights: WeightsLike,
  inputs: readonly (readonly InputSpike[])[],
  dt0Ms: number,
  options: NetworkConvergenceOptions = {},
): ConvergenceSection {
  const samples = Math.min(options.samples ?? 2, inputs.length);
  const dts = options.dtsMs ?? [2, 1, 0.5, 0.25, 0.125, 0.0625].map((f) => f * dt0Ms);
  for (const dt of dts) if (!(Number.isFinite(dt) && dt > 0)) throw new RangeError(`convergence Δt must be positive, got ${dt}`);
  const base: ConvergenceSection = {
    weightsFrom: options.weightsFrom ?? '', samples, dt0Ms, tauMemMs: espec.tauMemMs, tauSynMs: espec.tauSynMs, threshold: espec.threshold,
    durationMs: espec.durationMs, reset: 'zero', points: [],
  };
  if (Math.abs(espec.tauMemMs - espec.tauSynMs) <= 1e-9 * espec.tauMemMs) return { ...base, skipped: 'τ_mem = τ_syn: the event-driven model needs two different time constants' };
  return { ...base, points: convergence(espec, weights, inputs.slice(0, samples), dts) };
}
