/**
 * The float64 step of a neuron model, per neuron, for the reference network
 * (src/reference/lif-network.ts) that tests hold the GPU scans to. State
 * vectors list the model's `states` in order; index 0 is always the synaptic
 * current I, which receives the drive (W·S_in[n] + V·S[n]) of step n, so that
 * dL/d drive[n] is the adjoint of I at n + 1.
 */
export interface ReferenceNeuronStep {
  /** state names, I first and U second, e.g. ['I', 'U', 'A'] */
  readonly states: readonly string[];
  /** the state at n = 0 */
  rest(): number[];
  /** the spike's argument at state x: S = Θ(margin) (U − ϑ for LIF); σ′ is taken at it */
  margin(x: readonly number[]): number;
  /** the state at n + 1 from the state at n, its spike S[n] and the drive at n */
  step(x: readonly number[], spike: number, drive: number): number[];
  /**
   * The adjoint at n from the adjoint at n + 1, the state and spike at n,
   * dL/dS[n] from outside the neuron (layers above, recurrent weights) and
   * σ′(margin(x)); it adds the neuron's own paths through S[n] (reset, adaptation).
   */
  stepGrad(gNext: readonly number[], x: readonly number[], spike: number, gSpike: number, surrogateGrad: number): number[];
}
