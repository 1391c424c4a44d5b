// One reverse step n (T−1 down to 0) of surrogate BPTT through a recurrent LIF layer.
// Carried: gU' = dL/dU[n+1] in grad_membrane [B][N]; gI' = dL/dI[n+1] = grad_drive[n].
//   gS[n] = grad_spikes[n] + Σ_k V[k,i]·grad_drive[n]_k + reset term
//           (−ϑ·gU' subtract | −β·U[n]·gU' zero; omitted when DETACH_RESET)
//   gU[n] = β·gU'·(RESET_ZERO ? 1 − S[n] : 1) + σ′(U[n] − ϑ)·gS[n]
//   gI[n] = α·gI' + gU'   → written to grad_drive[n−1] (= dL/dI[n])
// Reads row n of grad_drive, writes row n−1: no intra-dispatch races.
// Row T−1 of grad_drive and all of grad_membrane must be zero before n = T−1.
// Bindings: 0 params, 1 membrane, 2 spikes, 3 grad_spikes, 4 recurrent V [N][N],
// 5 grad_drive [T][B][N], 6 grad_membrane [B][N]; group 1: step (dynamic offset).
// Uniforms, step index and thread mapping: common/lif-recurrent.wgsl.
override DETACH_RESET: bool = false;

@group(0) @binding(1) var<storage, read> membrane: array<f32>;
@group(0) @binding(2) var<storage, read> spikes: array<f32>;
@group(0) @binding(3) var<storage, read> grad_spikes: array<f32>;
@group(0) @binding(4) var<storage, read> recurrent: array<f32>;
@group(0) @binding(5) var<storage, read_write> grad_drive: array<f32>;
@group(0) @binding(6) var<storage, read_write> grad_membrane: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let n = (params.steps - 1u) - step.n;   // step slot s runs time step T−1−s
  let t = neuron_thread(flat_id(gid, groups), n);
  if (t.idx >= t.count) { return; }
  let u = membrane[t.at];
  let s = spikes[t.at];
  let g_u_next = grad_membrane[t.idx];
  let g_i_next = grad_drive[t.at];
  var g_s = grad_spikes[t.at];
  for (var k = 0u; k < params.neurons; k++) {
    g_s += recurrent[k * params.neurons + t.i] * grad_drive[t.row + k];
  }
  var keep = 1.0;
  if (RESET_ZERO) {
    keep = 1.0 - s;
    if (!DETACH_RESET) { g_s -= params.beta * u * g_u_next; }
  } else {
    if (!DETACH_RESET) { g_s -= params.threshold * g_u_next; }
  }
  grad_membrane[t.idx] = params.beta * keep * g_u_next + surrogate_grad(u - params.threshold, params.slope) * g_s;
  if (n > 0u) {
    grad_drive[t.at - t.count] = params.alpha * g_i_next + g_u_next;
  }
}
