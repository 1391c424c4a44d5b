// SGD with momentum μ and L2 weight decay, with the clipping factor and skip flag
// of optim/grad-norm:  g = scale·grad + wd·w;  v = μ·v + g;  w −= lr·v
// Bindings 0–3 (params, weights, grad, state): common/weight-update.wgsl;
// 4 velocity. One thread per weight.
struct Params {
  length: u32,
  lr: f32,
  momentum: f32,
  weight_decay: f32,
}

@group(0) @binding(4) var<storage, read_write> velocity: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_id(gid, groups);
  if (!updates_weight(i)) { return; }
  let w = weights[i];
  let g = state.scale * grad[i] + params.weight_decay * w;
  let v = params.momentum * velocity[i] + g;
  velocity[i] = v;
  weights[i] = w - params.lr * v;
}
