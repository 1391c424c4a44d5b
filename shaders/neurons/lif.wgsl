// Discrete-time LIF as a neuron model of the neuron-agnostic scans in
// shaders/scan/ (DESIGN.md; Neftci, Mostafa & Zenke 2019, eqs. 4–5):
//   S[n]   = Θ(U[n] − ϑ)
//   I[n+1] = α·I[n] + drive[n]              (drive = W·S_in, precomputed)
//   U[n+1] = β·U[n] + I[n] − ϑ·S[n]          (RESET_ZERO: β·U[n]·(1 − S[n]) + I[n])
// States start at zero. The forward scan saves U[n] per step for the backward
// scan; the derivative of the step is neurons/lif-grad.wgsl.
override RESET_ZERO: bool = false;
override DETACH_RESET: bool = false;

struct NeuronParams {
  alpha: f32,
  beta: f32,
  threshold: f32,
}

// the state between steps n and n + 1
struct NeuronState {
  syn: f32,
  mem: f32,
}

// what the forward scan keeps of step n for the backward scan: U[n]
alias NeuronSaved = f32;

fn neuron_rest(p: NeuronParams) -> NeuronState {
  return NeuronState(0.0, 0.0);
}

fn neuron_saved(s: NeuronState) -> NeuronSaved {
  return s.mem;
}

// S[n]
fn neuron_fires(s: NeuronState, p: NeuronParams) -> f32 {
  return select(0.0, 1.0, s.mem > p.threshold);
}

// the state at n + 1 from that at n, its spike S[n] and the drive at n
fn neuron_step(s: NeuronState, spike: f32, drive: f32, p: NeuronParams) -> NeuronState {
  var u_next: f32;
  if (RESET_ZERO) {
    u_next = p.beta * s.mem * (1.0 - spike) + s.syn;
  } else {
    u_next = p.beta * s.mem + s.syn - p.threshold * spike;
  }
  return NeuronState(p.alpha * s.syn + drive, u_next);
}
