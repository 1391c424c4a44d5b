// Feed-forward discrete LIF time scan (DESIGN.md; Neftci et al. 2019, eqs. 4–5):
//   S[n] = Θ(U[n] − ϑ)
//   I[n+1] = α·I[n] + drive[n]              (drive = W·S_in, precomputed by linear/matmul)
//   U[n+1] = β·U[n] + I[n] − ϑ·S[n]          (RESET_ZERO: β·U[n]·(1 − S[n]) + I[n])
// States start at zero. Stores U[n] and S[n] for n = 0…T−1 (layout [T][B][N]).
// Bindings: 0 params, 1 drive (read), 2 membrane (write), 3 spikes (write).
// Threads: one per (sample, neuron), looping over the T steps.
override RESET_ZERO: bool = false;

struct Params {
  steps: u32,
  count: u32,   // batch · neurons
  alpha: f32,
  beta: f32,
  threshold: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> drive: array<f32>;
@group(0) @binding(2) var<storage, read_write> membrane: array<f32>;
@group(0) @binding(3) var<storage, read_write> spikes: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_id(gid, groups);
  if (idx >= params.count) { return; }
  var syn = 0.0;
  var u = 0.0;
  for (var n = 0u; n < params.steps; n++) {
    let at = n * params.count + idx;
    let s = select(0.0, 1.0, u > params.threshold);
    membrane[at] = u;
    spikes[at] = s;
    var u_next: f32;
    if (RESET_ZERO) {
      u_next = params.beta * u * (1.0 - s) + syn;
    } else {
      u_next = params.beta * u + syn - params.threshold * s;
    }
    syn = params.alpha * syn + drive[at];
    u = u_next;
  }
}
