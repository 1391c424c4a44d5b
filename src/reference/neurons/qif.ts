/** The float64 QIF step (src/neurons/qif.ts), states [I, U]. */
import type { QifParams } from '../../neurons/qif.js';
import type { ReferenceNeuronStep } from './step.js';

export function qifReferenceStep(p: QifParams): ReferenceNeuronStep {
  const h = p.dtOverTau;
  // E = U + (Δt/τ)·((U − U_rest)(U − U_c) + R·I), the Euler step
  const euler = (u: number, i: number) => u + h * ((u - p.uRest) * (u - p.uCrit) + p.resistance * i);
  return {
    states: ['I', 'U'],
    rest: () => [0, p.uRest],
    margin: ([, u]) => u - p.uPeak,
    // U[n+1] = E·(1 − S) + U_reset·S
    step: ([i, u], s, drive) => [p.alpha * i + drive, euler(u, i) * (1 - s) + p.uReset * s],
    stepGrad([gi, gu], [i, u], s, gSpike, dSigma) {
      const gS = gSpike + (p.detachReset ? 0 : (p.uReset - euler(u, i)) * gu);
      const keep = 1 - s;
      return [p.alpha * gi + keep * h * p.resistance * gu, keep * (1 + h * (2 * u - p.uRest - p.uCrit)) * gu + dSigma * gS];
    },
  };
}
