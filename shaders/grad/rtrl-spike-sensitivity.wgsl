// Exact forward mode (RTRL; Neftci et al. 2019, eq. 8 with Θ′ → σ′), spike
// sensitivities of one layer at step n, for every parameter p of one tensor:
//   dS[b,i,p] = σ′(U[b,i] − ϑ) · dU[b,i,p]
// Bindings: 0 params, 1 membrane U[n] [B][N], 2 sens_u dU [B][N][P],
// 3 sens_s dS [B][N][P] (write). Threads: one per (sample, neuron, parameter).
// Needs a surrogate snippet defining surrogate_grad(x, slope).
struct Params {
  count: u32,       // B·N·P
  params_len: u32,  // P
  threshold: f32,
  slope: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> membrane: array<f32>;
@group(0) @binding(2) var<storage, read> sens_u: array<f32>;
@group(0) @binding(3) var<storage, read_write> sens_s: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_id(gid, groups);
  if (idx >= params.count) { return; }
  let u = membrane[idx / params.params_len];
  sens_s[idx] = surrogate_grad(u - params.threshold, params.slope) * sens_u[idx];
}
