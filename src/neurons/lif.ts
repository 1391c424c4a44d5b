/**
 * Canonical discrete-time LIF (DESIGN.md; Neftci, Mostafa & Zenke 2019, eqs. 4–5).
 *
 *   S[n]   = Θ(U[n] − ϑ)
 *   I[n+1] = α·I[n] + W·S_in[n] (+ V·S[n] for recurrent layers)
 *   U[n+1] = β·U[n] + I[n] − ϑ·S[n]            reset 'subtract'
 *   U[n+1] = β·U[n]·(1 − S[n]) + I[n]           reset 'zero'
 *
 * All states are zero at n = 0. The readout is a non-spiking leaky integrator
 * with the same α, β: Io[n+1] = α·Io[n] + Wo·S_L[n], Uo[n+1] = β·Uo[n] + Io[n],
 * and its output at step n is Uo[n], n = 0…T−1.
 */
import { shader } from '../../kernels/shaders.js';
import type { LifConstants, NeuronKernel, ResetMode } from '../../kernels/types.js';
import type { NeuronModel, SharedNeuronOptions } from './model.js';

export type { ResetMode };

/** α, β, ϑ, reset and detachReset of a LIF layer: the constants its kernels take. */
export type LifParams = LifConstants;

/** The options of a LIF layer: the ones every model shares (src/neurons/model.ts). */
export type LifOptions = SharedNeuronOptions;

export function lifParams(options: LifOptions = {}): LifParams {
  const dt = options.dtMs ?? 1;
  const tauSyn = options.tauSynMs ?? 5;
  const tauMem = options.tauMemMs ?? 10;
  for (const [name, v] of [['dtMs', dt], ['tauSynMs', tauSyn], ['tauMemMs', tauMem]] as const) {
    if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`LIF ${name} must be a positive number, got ${v}`);
  }
  const alpha = options.alpha ?? Math.exp(-dt / tauSyn);
  const beta = options.beta ?? Math.exp(-dt / tauMem);
  const threshold = options.threshold ?? 1;
  for (const [name, v] of [['alpha', alpha], ['beta', beta]] as const) {
    if (!(Number.isFinite(v) && v >= 0 && v <= 1)) throw new RangeError(`LIF ${name} must lie in [0, 1], got ${v}`);
  }
  if (!(Number.isFinite(threshold) && threshold > 0)) throw new RangeError(`LIF threshold must be positive, got ${threshold}`);
  const reset = options.reset ?? 'subtract';
  if (reset !== 'subtract' && reset !== 'zero') throw new RangeError(`LIF reset must be 'subtract' or 'zero', got ${String(reset)}`);
  return { alpha, beta, threshold, reset, detachReset: options.detachReset ?? false };
}

/** LIF as the neuron-agnostic scans take it (kernels/scan/, shaders/neurons/lif.wgsl). */
export function lifKernel(p: LifParams): NeuronKernel {
  return {
    kind: 'lif',
    wgsl: shader('neurons/lif'),
    gradWgsl: shader('neurons/lif-grad'),
    tangentWgsl: shader('neurons/lif-tangent'),
    presynapticTraces: true,
    uniforms: { alpha: p.alpha, beta: p.beta, threshold: p.threshold },
    constants: { RESET_ZERO: p.reset === 'zero', DETACH_RESET: p.detachReset },
    stateFloats: 2, // I, U
    savedFloats: 1, // U[n]
    adjointFloats: 2, // dL/dI, dL/dU
  };
}

export const LIF_MODEL: NeuronModel<LifParams> = {
  kind: 'lif',
  description: 'leaky integrate-and-fire with a current synapse (the default)',
  options: [],
  params: (o = {}) => lifParams(o),
  fromSaved: (s) => lifParams({ alpha: s.alpha, beta: s.beta, threshold: s.threshold, reset: s.reset, detachReset: s.detachReset }),
  kernel: lifKernel,
};
