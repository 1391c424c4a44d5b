// The derivative of the ALIF step of neurons/alif.wgsl (included after it), for
// surrogate-gradient BPTT (Θ′ replaced by σ′ of the margin m = U − ϑ − b·A).
// With the adjoint (gI', gU', gA') = dL/d(I, U, A)[n+1]:
//   dL/d drive[n] = gI'
//   gS[n] = dL/dS[n] (from above) + gA' − ϑ·gU'   (−ϑ·gU', the reset term, omitted when DETACH_RESET)
//   gU[n] = β·gU' + σ′(m[n])·gS[n]
//   gA[n] = ρ·gA' − b·σ′(m[n])·gS[n]
//   gI[n] = α·gI' + gU'
// Needs a surrogate snippet defining surrogate_grad(x, slope).

struct NeuronAdjoint {
  syn: f32,
  mem: f32,
  adapt: f32,
}

fn neuron_adjoint_end() -> NeuronAdjoint {
  return NeuronAdjoint(0.0, 0.0, 0.0);
}

fn neuron_drive_grad(g: NeuronAdjoint) -> f32 {
  return g.syn;
}

fn neuron_step_grad(g: NeuronAdjoint, saved: NeuronSaved, spike: f32, grad_spike: f32, p: NeuronParams, slope: f32) -> NeuronAdjoint {
  var g_s = grad_spike + g.adapt;
  if (!DETACH_RESET) { g_s -= p.threshold * g.mem; }
  let through_spike = surrogate_grad(alif_margin(saved.mem, saved.adapt, p), slope) * g_s;
  return NeuronAdjoint(p.alpha * g.syn + g.mem, p.beta * g.mem + through_spike, p.rho * g.adapt - p.adaptation * through_spike);
}
