/**
 * Per-synapse eligibility traces of one weight tensor of a hidden layer, for a
 * neuron model whose own-dynamics sensitivity depends on the postsynaptic
 * neuron (QIF, ALIF): the float64 spec of grad/synapse-eligibility.
 *
 * For every sample b, neuron i and presynaptic source j the trace is the
 * forward-mode sensitivity t = d x_i/dW_ij of neuron i's state vector through
 * its own step alone (other neurons' sensitivities and the layers above are left
 * out, as in e-prop):
 *   t[n+1] = J(x_i[n], S_i[n])·t[n] + e_I·S_src,j[n]
 * where J is the total Jacobian of the step, the neuron's own spike path
 * included (its reset unless detachReset, its adaptation), and e_I puts the
 * drive on the synaptic current. J is built from the model's float64 adjoint
 * step: row r of J = stepGrad(e_r, x, S, 0, σ′). The gradient is
 *   dW_ij += Σ_b δ_i[n]·(∂m/∂x · t)   (m the spike's argument, δ = σ′(m)·λ),
 * which equals λ_i·dS_i/dW_ij.
 */
import type { ReferenceNeuronStep } from './neurons/step.js';

export interface SynapseTraces {
  /** grad[i][j] += Σ_b δ[b][i]·(∂m/∂x · t[b][i][j]) at step n */
  accumulate(n: number, delta: ArrayLike<number>, grad: Float64Array): void;
  /** every trace to step n + 1 */
  step(n: number): void;
}

export function synapseTraces(
  model: ReferenceNeuronStep,
  states: readonly Float64Array[],
  spikes: ArrayLike<number>,
  source: ArrayLike<number>,
  derivative: (x: number) => number,
  dims: { batch: number; neurons: number; sources: number },
): SynapseTraces {
  const { batch: B, neurons: N, sources: K } = dims;
  const k = model.states.length;
  const traces = new Float64Array(B * N * K * k);
  const stateOf = (n: number, b: number, i: number) => states.map((x) => x[(n * B + b) * N + i]);
  const unit = (r: number) => Array.from({ length: k }, (_, c) => (c === r ? 1 : 0));
  const zero = unit(-1);
  const marginGrad = (x: number[], s: number) => model.stepGrad(zero, x, s, 1, 1);
  const dot = (a: readonly number[], t: Float64Array, at: number) => a.reduce((sum, ac, c) => sum + ac * t[at + c], 0);
  return {
    accumulate(n, delta, grad) {
      for (let b = 0; b < B; b++) for (let i = 0; i < N; i++) {
        const d = delta[b * N + i];
        if (d === 0) continue;
        const x = stateOf(n, b, i);
        const dm = marginGrad(x, spikes[(n * B + b) * N + i]);
        for (let j = 0; j < K; j++) grad[i * K + j] += d * dot(dm, traces, ((b * N + i) * K + j) * k);
      }
    },
    step(n) {
      for (let b = 0; b < B; b++) for (let i = 0; i < N; i++) {
        const x = stateOf(n, b, i);
        const s = spikes[(n * B + b) * N + i];
        const sigma = derivative(model.margin(x));
        const rows = Array.from({ length: k }, (_, r) => model.stepGrad(unit(r), x, s, 0, sigma));
        for (let j = 0; j < K; j++) {
          const at = ((b * N + i) * K + j) * k;
          const next = rows.map((row) => dot(row, traces, at));
          next[0] += source[(n * B + b) * K + j];
          next.forEach((v, c) => (traces[at + c] = v));
        }
      }
    },
  };
}
