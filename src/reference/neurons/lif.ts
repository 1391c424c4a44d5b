/** The float64 LIF step (src/neurons/lif.ts; Neftci et al. 2019, eqs. 4–5), states [I, U]. */
import type { LifParams } from '../../neurons/lif.js';
import type { ReferenceNeuronStep } from './step.js';

export function lifReferenceStep(p: LifParams): ReferenceNeuronStep {
  const zero = p.reset === 'zero';
  return {
    states: ['I', 'U'],
    rest: () => [0, 0],
    margin: ([, u]) => u - p.threshold,
    // I[n+1] = α·I + drive;  U[n+1] = β·U + I − ϑ·S  or  β·U·(1 − S) + I
    step: ([i, u], s, drive) => [p.alpha * i + drive, zero ? p.beta * u * (1 - s) + i : p.beta * u + i - p.threshold * s],
    stepGrad([gi, gu], [, u], s, gSpike, dSigma) {
      // the reset term ∂U[n+1]/∂S[n]·gU[n+1]: −ϑ·gU' (subtract), −β·U·gU' (zero)
      const gS = gSpike + (p.detachReset ? 0 : zero ? -p.beta * u * gu : -p.threshold * gu);
      const keep = zero ? 1 - s : 1;
      return [p.alpha * gi + gu, p.beta * keep * gu + dSigma * gS];
    },
  };
}
