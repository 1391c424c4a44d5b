// The forward-mode derivative (tangent) of the QIF step of neurons/qif.wgsl
// (included after it), for rtrl and per-synapse eligibility traces. A tangent
// t = d(I, U)/dθ has the state's fields. With h = Δt/τ, the Euler step E[n] and
// dS[n] = σ′(U[n] − U_peak)·dU[n]:
//   dI[n+1] = α·dI[n] + d drive[n]
//   dE[n]   = (1 + h·(2U[n] − U_rest − U_c))·dU[n] + h·R·dI[n]
//   dU[n+1] = (1 − S[n])·dE[n] + (U_reset − E[n])·dS[n]   (the reset term omitted when DETACH_RESET)
// Needs a surrogate snippet defining surrogate_grad(x, slope).

fn neuron_spike_slope(s: NeuronState, p: NeuronParams, slope: f32) -> f32 {
  return surrogate_grad(s.mem - p.u_peak, slope);
}

fn neuron_margin_tangent(s: NeuronState, t: NeuronState, p: NeuronParams) -> f32 {
  return t.mem;
}

fn neuron_step_tangent(s: NeuronState, t: NeuronState, spike: f32, d_spike: f32, d_drive: f32, p: NeuronParams) -> NeuronState {
  let h = p.dt_over_tau;
  let d_euler = (1.0 + h * (2.0 * s.mem - p.u_rest - p.u_crit)) * t.mem + h * p.resistance * t.syn;
  var d_u = (1.0 - spike) * d_euler;
  if (!DETACH_RESET) { d_u += (p.u_reset - qif_euler(s.mem, s.syn, p)) * d_spike; }
  return NeuronState(p.alpha * t.syn + d_drive, d_u);
}
