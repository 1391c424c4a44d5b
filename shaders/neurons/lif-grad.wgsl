// The derivative of the LIF step of neurons/lif.wgsl (included after it), for
// the backward scan shaders/scan/backward.wgsl: surrogate-gradient BPTT
// (Neftci et al. 2019, Box 2 eq. 7, Θ′ replaced by σ′(U − ϑ)). With the adjoint
// (gI', gU') = dL/d(I, U)[n+1]:
//   dL/d drive[n] = gI'
//   gS[n] = dL/dS[n] (from above) + reset term: −ϑ·gU' (subtract) | −β·U[n]·gU' (zero),
//           omitted when DETACH_RESET
//   gU[n] = β·gU'·(RESET_ZERO ? 1 − S[n] : 1) + σ′(U[n] − ϑ)·gS[n]
//   gI[n] = α·gI' + gU'
// Needs a surrogate snippet defining surrogate_grad(x, slope).

// dL/dI[n+1], dL/dU[n+1]
struct NeuronAdjoint {
  syn: f32,
  mem: f32,
}

fn neuron_adjoint_end() -> NeuronAdjoint {
  return NeuronAdjoint(0.0, 0.0);
}

// dL/d drive[n], given the adjoint at n + 1
fn neuron_drive_grad(g: NeuronAdjoint) -> f32 {
  return g.syn;
}

// the adjoint at n from that at n + 1, what step n saved, S[n] and dL/dS[n] from above
fn neuron_step_grad(g: NeuronAdjoint, saved: NeuronSaved, spike: f32, grad_spike: f32, p: NeuronParams, slope: f32) -> NeuronAdjoint {
  var g_s = grad_spike;
  var keep = 1.0;
  if (RESET_ZERO) {
    keep = 1.0 - spike;
    if (!DETACH_RESET) { g_s -= p.beta * saved * g.mem; }
  } else {
    if (!DETACH_RESET) { g_s -= p.threshold * g.mem; }
  }
  let g_u = p.beta * keep * g.mem + surrogate_grad(saved - p.threshold, slope) * g_s;
  let g_i = p.alpha * g.syn + g.mem;
  return NeuronAdjoint(g_i, g_u);
}
