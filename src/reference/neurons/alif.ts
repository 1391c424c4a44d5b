/** The float64 ALIF step (src/neurons/alif.ts; Bellec et al. 2018, 2020), states [I, U, A]. */
import type { AlifParams } from '../../neurons/alif.js';
import type { ReferenceNeuronStep } from './step.js';

export function alifReferenceStep(p: AlifParams): ReferenceNeuronStep {
  return {
    states: ['I', 'U', 'A'],
    rest: () => [0, 0, 0],
    margin: ([, u, a]) => u - p.threshold - p.adaptation * a,
    // I[n+1] = α·I + drive;  U[n+1] = β·U + I − ϑ·S;  A[n+1] = ρ·A + S
    step: ([i, u, a], s, drive) => [p.alpha * i + drive, p.beta * u + i - p.threshold * s, p.rho * a + s],
    stepGrad([gi, gu, ga], _x, _s, gSpike, dSigma) {
      const gS = gSpike + ga + (p.detachReset ? 0 : -p.threshold * gu);
      return [p.alpha * gi + gu, p.beta * gu + dSigma * gS, p.rho * ga - p.adaptation * dSigma * gS];
    },
  };
}
