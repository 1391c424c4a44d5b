// SGD with momentum μ and L2 weight decay, with the clipping factor and skip flag
// of optim/grad-norm:  g = scale·grad + wd·w;  v = μ·v + g;  w −= lr·v
// Bindings: 0 params, 1 weights, 2 grad, 3 velocity, 4 state. One thread per weight.
struct Params {
  length: u32,
  lr: f32,
  momentum: f32,
  weight_decay: f32,
}

struct OptState {
  scale: f32,
  norm: f32,
  updates: u32,
  skipped: u32,
  calls: u32,
  first_bad_call: u32,
  bad: u32,
  _pad: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> weights: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> velocity: array<f32>;
@group(0) @binding(4) var<storage, read> state: OptState;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_id(gid, groups);
  if (i >= params.length || state.bad != 0u) { return; }
  let w = weights[i];
  let g = state.scale * grad[i] + params.weight_decay * w;
  let v = params.momentum * velocity[i] + g;
  velocity[i] = v;
  weights[i] = w - params.lr * v;
}
