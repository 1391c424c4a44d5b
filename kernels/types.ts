/**
 * The few plain types the kernels take from the layers above: structural
 * values only, so that kernels/ depends on nothing in src/. The library's own
 * types (LifParams, Surrogate, the network spec) extend or repeat these.
 */

/** How a discrete-time LIF neuron resets after a spike. */
export type ResetMode = 'subtract' | 'zero';

/** The constants of one discrete-time LIF step (src/neurons/lif.ts: LifParams). */
export interface LifConstants {
  /** synaptic decay per step, α = exp(−Δt/τ_syn) */
  readonly alpha: number;
  /** membrane decay per step, β = exp(−Δt/τ_mem) */
  readonly beta: number;
  /** firing threshold ϑ */
  readonly threshold: number;
  readonly reset: ResetMode;
  /** when true the backward pass does not differentiate the reset term */
  readonly detachReset: boolean;
}

/** What a kernel needs of a surrogate derivative (src/surrogates.ts: Surrogate). */
export interface SurrogateSnippet {
  /** kebab-case name, e.g. 'fast-sigmoid'; part of the pipeline key */
  readonly name: string;
  /** slope / sharpness parameter k, passed as a uniform */
  readonly slope: number;
  /** WGSL defining `fn surrogate_grad(x: f32, slope: f32) -> f32` */
  readonly wgsl: string;
}

/** How a readout's membrane trace over time becomes logits. */
export type ReadoutReduce = 'max' | 'mean' | 'sum';

/**
 * A neuron model as the neuron-agnostic scans (kernels/scan/) take it: a WGSL
 * snippet with its parameter struct, state and step, and one with the step's
 * derivative (see shaders/neurons/lif.wgsl and lif-grad.wgsl for the functions
 * they define), the values of its parameters, and the override
 * constants of its structural choices. src/neurons/ builds these.
 */
export interface NeuronKernel {
  /** the model's kind, e.g. 'lif': part of every pipeline name and key */
  readonly kind: string;
  /** WGSL of the parameters, state and one forward step (shaders/neurons/lif.wgsl) */
  readonly wgsl: string;
  /** WGSL of the step's derivative, included after `wgsl` (shaders/neurons/lif-grad.wgsl) */
  readonly gradWgsl: string;
  /** WGSL of the step's forward-mode derivative, included after `wgsl` (shaders/neurons/lif-tangent.wgsl) */
  readonly tangentWgsl: string;
  /**
   * true when dU_i/dW_ij through the neuron's own step, its reset left out, is
   * the same for every postsynaptic neuron i (a linear step with no
   * spike-dependent term besides the reset): eligibility traces may then be
   * kept per presynaptic input instead of per synapse.
   */
  readonly presynapticTraces: boolean;
  /** the fields of the snippet's NeuronParams */
  readonly uniforms: Readonly<Record<string, number>>;
  /** override constants the snippet declares (e.g. RESET_ZERO) */
  readonly constants: Readonly<Record<string, number | boolean>>;
  /** f32 fields of NeuronState, NeuronSaved and NeuronAdjoint (their array strides are 4 bytes each) */
  readonly stateFloats: number;
  readonly savedFloats: number;
  readonly adjointFloats: number;
}
