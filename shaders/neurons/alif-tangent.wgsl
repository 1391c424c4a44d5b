// The forward-mode derivative (tangent) of the ALIF step of neurons/alif.wgsl
// (included after it), for rtrl and per-synapse eligibility traces. A tangent
// t = d(I, U, A)/dθ has the state's fields. With the margin m = U − ϑ − b·A and
// dS[n] = σ′(m[n])·(dU[n] − b·dA[n]):
//   dI[n+1] = α·dI[n] + d drive[n]
//   dU[n+1] = β·dU[n] + dI[n] − ϑ·dS[n]     (−ϑ·dS, the reset term, omitted when DETACH_RESET)
//   dA[n+1] = ρ·dA[n] + dS[n]
// Needs a surrogate snippet defining surrogate_grad(x, slope).

fn neuron_spike_slope(s: NeuronState, p: NeuronParams, slope: f32) -> f32 {
  return surrogate_grad(alif_margin(s.mem, s.adapt, p), slope);
}

fn neuron_margin_tangent(s: NeuronState, t: NeuronState, p: NeuronParams) -> f32 {
  return t.mem - p.adaptation * t.adapt;
}

fn neuron_step_tangent(s: NeuronState, t: NeuronState, spike: f32, d_spike: f32, d_drive: f32, p: NeuronParams) -> NeuronState {
  var reset = p.threshold * d_spike;
  if (DETACH_RESET) { reset = 0.0; }
  return NeuronState(p.alpha * t.syn + d_drive, p.beta * t.mem + t.syn - reset, p.rho * t.adapt + d_spike);
}
