/**
 * Adaptive LIF (ALIF), the LSNN / e-prop neuron (Bellec et al. 2018, 2020), in
 * discrete time (shaders/neurons/alif.wgsl): a LIF neuron whose threshold
 * ϑ + b·A rises with each spike and relaxes with τ_adapt.
 *
 *   S[n] = Θ(U[n] − ϑ − b·A[n]),  A[n+1] = ρ·A[n] + S[n],  ρ = exp(−Δt/τ_adapt)
 *   I[n+1] = α·I[n] + W·S_in[n],  U[n+1] = β·U[n] + I[n] − ϑ·S[n]
 */
import { shader } from '../../kernels/shaders.js';
import type { NeuronKernel } from '../../kernels/types.js';
import { decay, numberOption, requirePositive, type NeuronModel, type NeuronOptions } from './model.js';

export interface AlifParams {
  readonly alpha: number;
  readonly beta: number;
  /** ϑ, the base threshold */
  readonly threshold: number;
  /** adaptation decay per step, exp(−Δt/τ_adapt) */
  readonly rho: number;
  /** b, the threshold's rise per unit of adaptation A (b ≥ 0; 0 is plain LIF) */
  readonly adaptation: number;
  readonly detachReset: boolean;
}

const ALIF = 'ALIF';

function alifParams(o: NeuronOptions = {}): AlifParams {
  const dtMs = o.dtMs ?? 1;
  const tauSynMs = o.tauSynMs ?? 5;
  const tauMemMs = o.tauMemMs ?? 10;
  const tauAdaptMs = numberOption(ALIF, o, 'tauAdaptMs', 200);
  requirePositive(ALIF, { dtMs, tauSynMs, tauMemMs, tauAdaptMs });
  const threshold = o.threshold ?? 1;
  requirePositive(ALIF, { threshold });
  const adaptation = numberOption(ALIF, o, 'adaptation', 0.2);
  if (!(Number.isFinite(adaptation) && adaptation >= 0)) throw new RangeError(`ALIF adaptation must be a number ≥ 0, got ${adaptation}`);
  if (o.reset !== undefined && o.reset !== 'subtract') throw new RangeError(`ALIF resets by subtracting the base threshold; reset '${o.reset}' is not supported`);
  return {
    alpha: decay(ALIF, 'alpha', o.alpha, dtMs, tauSynMs),
    beta: decay(ALIF, 'beta', o.beta, dtMs, tauMemMs),
    threshold,
    rho: decay(ALIF, 'rho', numberOption(ALIF, o, 'rho', Math.exp(-dtMs / tauAdaptMs)), dtMs, tauAdaptMs),
    adaptation,
    detachReset: o.detachReset ?? false,
  };
}

function alifKernel(p: AlifParams): NeuronKernel {
  return {
    kind: 'alif',
    wgsl: shader('neurons/alif'),
    gradWgsl: shader('neurons/alif-grad'),
    tangentWgsl: shader('neurons/alif-tangent'),
    presynapticTraces: false,
    uniforms: { alpha: p.alpha, beta: p.beta, threshold: p.threshold, rho: p.rho, adaptation: p.adaptation },
    constants: { DETACH_RESET: p.detachReset },
    stateFloats: 3, // I, U, A
    savedFloats: 2, // U[n], A[n]
    adjointFloats: 3,
  };
}

export const ALIF_MODEL: NeuronModel<AlifParams> = {
  kind: 'alif',
  description: 'adaptive LIF (LSNN, e-prop): the threshold rises by b per spike and decays with τ_adapt',
  options: [
    { flag: 'tau-adapt', key: 'tauAdaptMs', help: 'ALIF adaptation time constant τ_adapt in ms (default 200)' },
    { flag: 'adaptation', key: 'adaptation', help: 'ALIF threshold rise b per spike (default 0.2)' },
  ],
  params: alifParams,
  fromSaved: (s) => alifParams(s),
  kernel: alifKernel,
};
