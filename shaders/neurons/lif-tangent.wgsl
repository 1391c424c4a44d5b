// The forward-mode derivative (tangent) of the LIF step of neurons/lif.wgsl
// (included after it), for rtrl and per-synapse eligibility traces (Neftci et
// al. 2019, §III-B eq. 8 with Θ′ → σ′). A tangent t = d(I, U)/dθ has the
// state's fields. With dS[n] = σ′(U[n] − ϑ)·dU[n]:
//   dI[n+1] = α·dI[n] + d drive[n]
//   dU[n+1] = β·keep·dU[n] + dI[n] − r·dS[n]
//     keep = 1 − S[n] (RESET_ZERO) else 1;  r = ϑ (subtract) | β·U[n] (zero) | 0 (DETACH_RESET)
// Needs a surrogate snippet defining surrogate_grad(x, slope).

// σ′ of the spike's argument at state s: dS = slope·d(margin)
fn neuron_spike_slope(s: NeuronState, p: NeuronParams, slope: f32) -> f32 {
  return surrogate_grad(s.mem - p.threshold, slope);
}

// d(margin) along the tangent t at state s; margin = U − ϑ
fn neuron_margin_tangent(s: NeuronState, t: NeuronState, p: NeuronParams) -> f32 {
  return t.mem;
}

// the tangent at n + 1 from the tangent t and state s at n, S[n], dS[n] and d drive[n]
fn neuron_step_tangent(s: NeuronState, t: NeuronState, spike: f32, d_spike: f32, d_drive: f32, p: NeuronParams) -> NeuronState {
  var keep = 1.0;
  var r = p.threshold;
  if (RESET_ZERO) {
    keep = 1.0 - spike;
    r = p.beta * s.mem;
  }
  if (DETACH_RESET) { r = 0.0; }
  return NeuronState(p.alpha * t.syn + d_drive, p.beta * keep * t.mem + t.syn - r * d_spike);
}
