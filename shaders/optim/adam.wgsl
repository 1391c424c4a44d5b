// Adam (Kingma & Ba 2015) with optional decoupled weight decay (AdamW), applied to
// one parameter buffer with the clipping factor and skip flag of optim/grad-norm:
//   g = scale·grad;  m = β1·m + (1−β1)·g;  v = β2·v + (1−β2)·g²
//   w −= lr·( m/(1−β1^t) / (sqrt(v/(1−β2^t)) + ε) + wd·w ),   t = state.updates
//   (1 − β^t: state.bias1, state.bias2, computed by optim/grad-norm's finalize)
// Bindings 0–3 (params, weights, grad, state): common/weight-update.wgsl;
// 4 moment1, 5 moment2. Threads: one per weight.
struct Params {
  length: u32,
  lr: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  weight_decay: f32,
}

@group(0) @binding(4) var<storage, read_write> moment1: array<f32>;
@group(0) @binding(5) var<storage, read_write> moment2: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_id(gid, groups);
  if (!updates_weight(i)) { return; }
  let g = state.scale * grad[i];
  let m = params.beta1 * moment1[i] + (1.0 - params.beta1) * g;
  let v = params.beta2 * moment2[i] + (1.0 - params.beta2) * g * g;
  moment1[i] = m;
  moment2[i] = v;
  // bias corrections 1 − β^t from optim/grad-norm's finalize (once per step, not per weight)
  let m_hat = m / state.bias1;
  let v_hat = v / state.bias2;
  let w = weights[i];
  weights[i] = w - params.lr * (m_hat / (sqrt(v_hat) + params.eps) + params.weight_decay * w);
}
