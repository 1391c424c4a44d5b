/**
 * Quadratic integrate-and-fire (QIF) in discrete time, Euler-stepped
 * (shaders/neurons/qif.wgsl):
 *
 *   τ·dU/dt = (U − U_rest)(U − U_c) + R·I,   I[n+1] = α·I[n] + W·S_in[n]
 *   S[n] = Θ(U[n] − U_peak);  U[n+1] = U_reset where S[n], else the Euler step
 *
 * With U_rest < U_c, a membrane below U_c relaxes to U_rest and one above it runs
 * away to U_peak: the spike is the blow-up the quadratic term makes, not a fixed
 * threshold on a leaky integrator.
 */
import { shader } from '../../kernels/shaders.js';
import type { NeuronKernel } from '../../kernels/types.js';
import { decay, numberOption, requireFinite, requirePositive, type NeuronModel, type NeuronOptions } from './model.js';

export interface QifParams {
  /** synaptic decay per step, exp(−Δt/τ_syn) */
  readonly alpha: number;
  /** Δt/τ, the Euler step's fraction of the membrane time constant */
  readonly dtOverTau: number;
  readonly uRest: number;
  /** U_c, the unstable fixed point: above it the membrane runs away */
  readonly uCrit: number;
  /** U_peak, where the neuron spikes and resets */
  readonly uPeak: number;
  readonly uReset: number;
  /** R, the membrane resistance (input current to voltage) */
  readonly resistance: number;
  readonly detachReset: boolean;
}

const QIF = 'QIF';

function qifParams(o: NeuronOptions = {}): QifParams {
  const dtMs = o.dtMs ?? 1;
  const tauSynMs = o.tauSynMs ?? 5;
  const tauMemMs = o.tauMemMs ?? 10;
  requirePositive(QIF, { dtMs, tauSynMs, tauMemMs });
  const p = {
    alpha: decay(QIF, 'alpha', o.alpha, dtMs, tauSynMs),
    dtOverTau: dtMs / tauMemMs,
    uRest: numberOption(QIF, o, 'uRest', 0),
    uCrit: numberOption(QIF, o, 'uCrit', 0.5),
    uPeak: numberOption(QIF, o, 'uPeak', 1),
    uReset: numberOption(QIF, o, 'uReset', 0),
    resistance: numberOption(QIF, o, 'resistance', 1),
    detachReset: o.detachReset ?? false,
  };
  requireFinite(QIF, { uRest: p.uRest, uCrit: p.uCrit, uPeak: p.uPeak, uReset: p.uReset });
  requirePositive(QIF, { resistance: p.resistance });
  if (!(p.uRest < p.uCrit && p.uCrit < p.uPeak)) {
    throw new RangeError(`QIF needs uRest < uCrit < uPeak (rest, runaway, spike), got ${p.uRest}, ${p.uCrit}, ${p.uPeak}`);
  }
  if (!(p.uReset < p.uPeak)) throw new RangeError(`QIF uReset must lie below uPeak, got ${p.uReset} ≥ ${p.uPeak}`);
  return p;
}

function qifKernel(p: QifParams): NeuronKernel {
  return {
    kind: 'qif',
    wgsl: shader('neurons/qif'),
    gradWgsl: shader('neurons/qif-grad'),
    tangentWgsl: shader('neurons/qif-tangent'),
    presynapticTraces: false,
    uniforms: { alpha: p.alpha, dt_over_tau: p.dtOverTau, u_rest: p.uRest, u_crit: p.uCrit, u_peak: p.uPeak, u_reset: p.uReset, resistance: p.resistance },
    constants: { DETACH_RESET: p.detachReset },
    stateFloats: 2, // I, U
    savedFloats: 2, // U[n], I[n]
    adjointFloats: 2,
  };
}

export const QIF_MODEL: NeuronModel<QifParams> = {
  kind: 'qif',
  description: 'quadratic integrate-and-fire, τ·dU/dt = (U − U_rest)(U − U_c) + R·I, reset at U_peak',
  options: [
    { flag: 'u-rest', key: 'uRest', help: 'QIF resting potential U_rest (default 0)' },
    { flag: 'u-crit', key: 'uCrit', help: 'QIF critical potential U_c (default 0.5)' },
    { flag: 'u-peak', key: 'uPeak', help: 'QIF spike potential U_peak (default 1)' },
    { flag: 'u-reset', key: 'uReset', help: 'QIF reset potential U_reset (default 0)' },
    { flag: 'resistance', key: 'resistance', help: 'QIF membrane resistance R (default 1)' },
  ],
  params: qifParams,
  // dtOverTau = dtMs/tauMemMs: dtMs = the saved ratio with τ = 1 gives it back exactly
  fromSaved: (s) => qifParams({ ...s, dtMs: s.dtOverTau as number, tauMemMs: 1 }),
  kernel: qifKernel,
};
