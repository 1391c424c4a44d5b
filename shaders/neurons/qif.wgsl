// Discrete-time quadratic integrate-and-fire neuron (QIF), Euler-stepped, as a
// neuron model of the neuron-agnostic scans in shaders/scan/:
//   τ·dU/dt = (U − U_rest)(U − U_c) + R·I
//   S[n]   = Θ(U[n] − U_peak)
//   I[n+1] = α·I[n] + drive[n]
//   E[n]   = U[n] + (Δt/τ)·((U[n] − U_rest)(U[n] − U_c) + R·I[n])     (the Euler step)
//   U[n+1] = E[n]·(1 − S[n]) + U_reset·S[n]
// States start at I = 0, U = U_rest. Below U_c the membrane relaxes to U_rest;
// above it, it runs away to U_peak, the spike. The derivative of the step is
// neurons/qif-grad.wgsl.

// the backward snippet's reset term is left out (declared here: every scan takes the constant)
override DETACH_RESET: bool = false;

struct NeuronParams {
  alpha: f32,
  dt_over_tau: f32,   // Δt/τ
  u_rest: f32,
  u_crit: f32,        // U_c
  u_peak: f32,
  u_reset: f32,
  resistance: f32,    // R
}

struct NeuronState {
  syn: f32,
  mem: f32,
}

// the backward scan needs U[n] and I[n] (the Euler step E[n] enters the reset term)
struct NeuronSaved {
  mem: f32,
  syn: f32,
}

fn neuron_rest(p: NeuronParams) -> NeuronState {
  return NeuronState(0.0, p.u_rest);
}

fn neuron_saved(s: NeuronState) -> NeuronSaved {
  return NeuronSaved(s.mem, s.syn);
}

fn neuron_fires(s: NeuronState, p: NeuronParams) -> f32 {
  return select(0.0, 1.0, s.mem > p.u_peak);
}

fn qif_euler(u: f32, i: f32, p: NeuronParams) -> f32 {
  return u + p.dt_over_tau * ((u - p.u_rest) * (u - p.u_crit) + p.resistance * i);
}

fn neuron_step(s: NeuronState, spike: f32, drive: f32, p: NeuronParams) -> NeuronState {
  let u_next = qif_euler(s.mem, s.syn, p) * (1.0 - spike) + p.u_reset * spike;
  return NeuronState(p.alpha * s.syn + drive, u_next);
}
