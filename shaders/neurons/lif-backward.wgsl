// Feed-forward discrete LIF reverse scan: surrogate-gradient BPTT (Neftci et al.
// 2019, Box 2 eq. 7, with Θ′ replaced by σ′(U − ϑ)). With gU' = dL/dU[n+1] and
// gI' = dL/dI[n+1] carried from step n+1 (both zero at n = T−1):
//   dL/d drive[n] = gI'
//   gS[n] = grad_spikes[n] + reset term:  −ϑ·gU'  (subtract)  |  −β·U[n]·gU'  (zero)
//           (the reset term is omitted when DETACH_RESET)
//   gU[n] = β·gU'·(RESET_ZERO ? 1 − S[n] : 1) + σ′(U[n] − ϑ)·gS[n]
//   gI[n] = α·gI' + gU'
// Bindings: 0 params, 1 membrane, 2 spikes, 3 grad_spikes (dL/dS from the next
// layer), 4 grad_drive (write, dL/d drive). Threads: one per (sample, neuron).
// Needs a surrogate snippet defining surrogate_grad(x, slope).
override RESET_ZERO: bool = false;
override DETACH_RESET: bool = false;

struct Params {
  steps: u32,
  count: u32,
  alpha: f32,
  beta: f32,
  threshold: f32,
  slope: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> membrane: array<f32>;
@group(0) @binding(2) var<storage, read> spikes: array<f32>;
@group(0) @binding(3) var<storage, read> grad_spikes: array<f32>;
@group(0) @binding(4) var<storage, read_write> grad_drive: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_id(gid, groups);
  if (idx >= params.count) { return; }
  var g_u_next = 0.0;
  var g_i_next = 0.0;
  for (var step = params.steps; step > 0u; step--) {
    let n = step - 1u;
    let at = n * params.count + idx;
    let u = membrane[at];
    let s = spikes[at];
    grad_drive[at] = g_i_next;
    var g_s = grad_spikes[at];
    var keep = 1.0;
    if (RESET_ZERO) {
      keep = 1.0 - s;
      if (!DETACH_RESET) { g_s -= params.beta * u * g_u_next; }
    } else {
      if (!DETACH_RESET) { g_s -= params.threshold * g_u_next; }
    }
    let g_u = params.beta * keep * g_u_next + surrogate_grad(u - params.threshold, params.slope) * g_s;
    let g_i = params.alpha * g_i_next + g_u_next;
    g_u_next = g_u;
    g_i_next = g_i;
  }
}
