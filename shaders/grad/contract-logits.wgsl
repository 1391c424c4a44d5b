// Forward-mode gradient from logit sensitivities (RTRL): with g = dL/dlogits
// (loss/cross-entropy on the reduced logits, already divided by the valid batch),
//   grad[p] = Σ_b Σ_o g[b,o] · Q[b,o,p]
// Bindings: 0 params, 1 g [B][O], 2 q [B][O][P], 3 grad [P] (write).
// Threads: one per parameter entry p.
struct Params {
  batch: u32,
  outputs: u32,
  params_len: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> g: array<f32>;
@group(0) @binding(2) var<storage, read> q: array<f32>;
@group(0) @binding(3) var<storage, read_write> grad: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let p = flat_id(gid, groups);
  if (p >= params.params_len) { return; }
  var acc = 0.0;
  for (var bo = 0u; bo < params.batch * params.outputs; bo++) {
    acc += g[bo] * q[bo * params.params_len + p];
  }
  grad[p] = acc;
}
