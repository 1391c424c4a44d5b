// Discrete-time adaptive LIF neuron (ALIF; the LSNN / e-prop neuron of Bellec et
// al. 2018, 2020) as a neuron model of the neuron-agnostic scans in shaders/scan/:
// a LIF neuron whose threshold rises by b with each spike and decays by ρ per step.
//   S[n]   = Θ(U[n] − ϑ − b·A[n])
//   I[n+1] = α·I[n] + drive[n]
//   U[n+1] = β·U[n] + I[n] − ϑ·S[n]          (subtracts the base threshold, as e-prop)
//   A[n+1] = ρ·A[n] + S[n]
// States start at zero. The derivative of the step is neurons/alif-grad.wgsl.

// the backward snippet's reset term is left out (declared here: every scan takes the constant)
override DETACH_RESET: bool = false;

struct NeuronParams {
  alpha: f32,
  beta: f32,
  threshold: f32,   // ϑ, the base threshold
  rho: f32,         // ρ = exp(−Δt/τ_adapt)
  adaptation: f32,  // b, the threshold's rise per unit of A
}

struct NeuronState {
  syn: f32,
  mem: f32,
  adapt: f32,
}

// the backward scan needs U[n] and A[n] (the spike's argument)
struct NeuronSaved {
  mem: f32,
  adapt: f32,
}

fn neuron_rest(p: NeuronParams) -> NeuronState {
  return NeuronState(0.0, 0.0, 0.0);
}

fn neuron_saved(s: NeuronState) -> NeuronSaved {
  return NeuronSaved(s.mem, s.adapt);
}

// U[n] − ϑ − b·A[n]: the spike fires where this is positive
fn alif_margin(mem: f32, adapt: f32, p: NeuronParams) -> f32 {
  return mem - p.threshold - p.adaptation * adapt;
}

fn neuron_fires(s: NeuronState, p: NeuronParams) -> f32 {
  return select(0.0, 1.0, alif_margin(s.mem, s.adapt, p) > 0.0);
}

fn neuron_step(s: NeuronState, spike: f32, drive: f32, p: NeuronParams) -> NeuronState {
  return NeuronState(p.alpha * s.syn + drive, p.beta * s.mem + s.syn - p.threshold * spike, p.rho * s.adapt + spike);
}
