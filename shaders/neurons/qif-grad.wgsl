// The derivative of the QIF step of neurons/qif.wgsl (included after it), for
// surrogate-gradient BPTT (Θ′ replaced by σ′(U − U_peak)). With the adjoint
// (gI', gU') = dL/d(I, U)[n+1], h = Δt/τ and E[n] the Euler step:
//   dL/d drive[n] = gI'
//   gS[n] = dL/dS[n] (from above) + (U_reset − E[n])·gU'   (the reset term, omitted when DETACH_RESET)
//   gU[n] = (1 − S[n])·(1 + h·(2U[n] − U_rest − U_c))·gU' + σ′(U[n] − U_peak)·gS[n]
//   gI[n] = α·gI' + (1 − S[n])·h·R·gU'
// Needs a surrogate snippet defining surrogate_grad(x, slope).

struct NeuronAdjoint {
  syn: f32,
  mem: f32,
}

fn neuron_adjoint_end() -> NeuronAdjoint {
  return NeuronAdjoint(0.0, 0.0);
}

fn neuron_drive_grad(g: NeuronAdjoint) -> f32 {
  return g.syn;
}

fn neuron_step_grad(g: NeuronAdjoint, saved: NeuronSaved, spike: f32, grad_spike: f32, p: NeuronParams, slope: f32) -> NeuronAdjoint {
  let u = saved.mem;
  var g_s = grad_spike;
  if (!DETACH_RESET) { g_s += (p.u_reset - qif_euler(u, saved.syn, p)) * g.mem; }
  let keep = 1.0 - spike;
  let g_u = keep * (1.0 + p.dt_over_tau * (2.0 * u - p.u_rest - p.u_crit)) * g.mem + surrogate_grad(u - p.u_peak, slope) * g_s;
  let g_i = p.alpha * g.syn + keep * p.dt_over_tau * p.resistance * g.mem;
  return NeuronAdjoint(g_i, g_u);
}
