// One time step n = clock[0] of a discrete LIF layer (DESIGN.md; Neftci et al.
// 2019, eqs. 4–5) on [B][N] states, for forward-mode methods that keep no history:
//   entry `spike`:  S[n] = Θ(U[n] − ϑ)                      (all neurons, first)
//   entry `update`: I[n+1] = α·I[n] + W·S_in[n] + V·S[n]     (V when RECURRENT)
//                   U[n+1] = β·U[n] + I[n] − ϑ·S[n]          (RESET_ZERO: β·U[n]·(1 − S[n]) + I[n])
// `spike` runs for every layer before any `update` of step n, so S_in[n] and S[n]
// are complete when the currents are formed. S_in is row n mod rows of the input
// [rows][B][K] (INPUT_SEQUENCE; rows = T, or k for input written in windows of k
// steps) or the layer below's spikes [B][K].
// Bindings: 0 params, 1 clock, 2 spikes_in, 3 weights W [N][K], 4 recurrent V [N][N]
// (any buffer when not RECURRENT), 5 membrane U [B][N], 6 syn_current I [B][N],
// 7 spikes S [B][N]. Threads: one per (sample, neuron).
override RECURRENT: bool = false;
override RESET_ZERO: bool = false;
override INPUT_SEQUENCE: bool = false;

struct Params {
  batch: u32,
  neurons: u32,
  inputs: u32,
  alpha: f32,
  beta: f32,
  threshold: f32,
  rows: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> clock: array<u32>;
@group(0) @binding(2) var<storage, read> spikes_in: array<f32>;
@group(0) @binding(3) var<storage, read> weights: array<f32>;
@group(0) @binding(4) var<storage, read> recurrent: array<f32>;
@group(0) @binding(5) var<storage, read_write> membrane: array<f32>;
@group(0) @binding(6) var<storage, read_write> syn_current: array<f32>;
@group(0) @binding(7) var<storage, read_write> spikes: array<f32>;

@compute @workgroup_size(WG)
fn spike(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_id(gid, groups);
  if (idx >= params.batch * params.neurons) { return; }
  spikes[idx] = select(0.0, 1.0, membrane[idx] > params.threshold);
}

@compute @workgroup_size(WG)
fn update(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_id(gid, groups);
  let count = params.batch * params.neurons;
  if (idx >= count) { return; }
  let b = idx / params.neurons;
  let i = idx % params.neurons;
  var base = b * params.inputs;
  if (INPUT_SEQUENCE) { base += (clock[0] % params.rows) * params.batch * params.inputs; }
  var drive = 0.0;
  for (var k = 0u; k < params.inputs; k++) {
    let s = spikes_in[base + k];
    if (s != 0.0) { drive += weights[i * params.inputs + k] * s; }
  }
  if (RECURRENT) {
    for (var k = 0u; k < params.neurons; k++) {
      let s = spikes[b * params.neurons + k];
      if (s != 0.0) { drive += recurrent[i * params.neurons + k] * s; }
    }
  }
  let u = membrane[idx];
  let syn = syn_current[idx];
  let s = spikes[idx];
  var u_next: f32;
  if (RESET_ZERO) {
    u_next = params.beta * u * (1.0 - s) + syn;
  } else {
    u_next = params.beta * u + syn - params.threshold * s;
  }
  membrane[idx] = u_next;
  syn_current[idx] = params.alpha * syn + drive;
}
