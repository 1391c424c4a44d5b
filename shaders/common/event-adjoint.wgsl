// Event records and the closed-form backward flow of the EventProp adjoint
// (Wunderlich & Pehle 2021, papers/003, Table 2, eqs. 32a, 32b), shared by the
// event-readout and EventProp kernels.
//   τ_mem·λ_V' = −λ_V,  τ_syn·λ_I' = −λ_I + λ_V   (' = −d/dt, between events)
// going back by Δ from (λ_V₀, λ_I₀):
//   λ_V = λ_V₀·e^{−Δ/τ_mem},
//   λ_I = (λ_I₀ − c)·e^{−Δ/τ_syn} + c·e^{−Δ/τ_mem},  c = λ_V₀·τ_mem/(τ_mem − τ_syn).

// One spike: time (ms), the firing neuron's synaptic current at the spike
// (0 for input spikes), index of the neuron within its layer.
struct SpikeRecord {
  time: f32,
  current: f32,
  neuron: u32,
}

// A readout neuron's maximum voltage over [0, T]: value, time, current at t_max⁻,
// kind (0 start, 1 interior V̇ = 0, 2 kink at an incoming spike, 3 end) and, for a
// kink, the global index of that spike record (else −1). Written by
// neurons/event-readout-max, read by grad/eventprop-readout.
struct ReadoutMax {
  value: f32,
  time: f32,
  current: f32,
  kind: u32,
  spike: i32,
}

// (λ_V, λ_I) known at t_at.
struct Adjoint {
  lam_v: f32,
  lam_i: f32,
  t_at: f32,
}

fn adjoint_back(a: Adjoint, t: f32, tau_mem: f32, tau_syn: f32) -> Adjoint {
  let d = a.t_at - t;
  if (!(d > 0.0)) { return Adjoint(a.lam_v, a.lam_i, t); }
  let e_mem = exp(-d / tau_mem);
  let e_syn = exp(-d / tau_syn);
  let c = a.lam_v * tau_mem / (tau_mem - tau_syn);
  return Adjoint(a.lam_v * e_mem, (a.lam_i - c) * e_syn + c * e_mem, t);
}
