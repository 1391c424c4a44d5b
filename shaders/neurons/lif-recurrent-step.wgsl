// One time step n of a recurrent discrete LIF layer (DESIGN.md; Neftci et al. 2019, eqs. 4–5):
//   S[n]   = Θ(U[n] − ϑ)                       (recomputed from U[n] for every neuron k)
//   I[n+1] = α·I[n] + drive[n] + Σ_k V[i,k]·S_k[n]
//   U[n+1] = β·U[n] + I[n] − ϑ·S[n]             (RESET_ZERO: β·U[n]·(1 − S[n]) + I[n])
// Dispatched once per n = 0…T−1; reads row n of membrane, writes row n of spikes and
// row n+1 of membrane (so no thread reads what another writes in the same dispatch).
// Row 0 of membrane and syn_current must be zero before n = 0.
// Bindings: 0 params, 1 drive [T][B][N], 2 recurrent V [N][N], 3 membrane [T][B][N],
// 4 spikes [T][B][N], 5 syn_current [B][N]; group 1: step (dynamic offset).
// Uniforms, step index and thread mapping: common/lif-recurrent.wgsl.
@group(0) @binding(1) var<storage, read> drive: array<f32>;
@group(0) @binding(2) var<storage, read> recurrent: array<f32>;
@group(0) @binding(3) var<storage, read_write> membrane: array<f32>;
@group(0) @binding(4) var<storage, read_write> spikes: array<f32>;
@group(0) @binding(5) var<storage, read_write> syn_current: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let n = step.n;
  let t = neuron_thread(flat_id(gid, groups), n);
  if (t.idx >= t.count) { return; }
  let u = membrane[t.at];
  let s = select(0.0, 1.0, u > params.threshold);
  spikes[t.at] = s;
  var rec = 0.0;
  for (var k = 0u; k < params.neurons; k++) {
    if (membrane[t.row + k] > params.threshold) { rec += recurrent[t.i * params.neurons + k]; }
  }
  let syn = syn_current[t.idx];
  if (n + 1u < params.steps) {
    var u_next: f32;
    if (RESET_ZERO) {
      u_next = params.beta * u * (1.0 - s) + syn;
    } else {
      u_next = params.beta * u + syn - params.threshold * s;
    }
    membrane[(n + 1u) * t.count + t.idx] = u_next;
  }
  syn_current[t.idx] = params.alpha * syn + drive[t.at] + rec;
}
