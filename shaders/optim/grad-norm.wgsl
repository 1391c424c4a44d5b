// Global gradient norm, non-finite detection and clipping factor, on the GPU.
// Entry `partial`: thread t writes Σ g² over grad[t·CHUNK … (t+1)·CHUNK) to
// partials[offset + t] (one dispatch per gradient buffer).
// (On devices with 'subgroups' the entry `partial_subgroups` of
// optim/grad-norm-subgroups.wgsl replaces it: one partial per workgroup.)
// Entry `finalize` (one thread): norm = sqrt(Σ partials); a non-finite norm marks
// the step bad (the optimizers then skip it) and records the first bad call;
// otherwise scale = max_norm / norm when max_norm > 0 and norm > max_norm, else 1, and
// the bias corrections 1 − β^t of the step (t = applied steps), once for every weight.
// Bindings: 0 params, 1 grad, 2 partials, 3 state (OptState, common/opt-state.wgsl).
const CHUNK: u32 = 256u;
const NONE: u32 = 0xffffffffu;

struct Params {
  length: u32,      // elements of this gradient buffer (partial)
  offset: u32,      // first partial slot of this buffer (partial) | number of partials (finalize)
  max_norm: f32,    // 0: no clipping
  beta1: f32,       // finalize: Adam's β1, β2 for the bias corrections (0 for SGD)
  beta2: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> grad: array<f32>;
@group(0) @binding(2) var<storage, read_write> partials: array<f32>;
@group(0) @binding(3) var<storage, read_write> state: OptState;

@compute @workgroup_size(WG)
fn partial(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let t = flat_id(gid, groups);
  let start = t * CHUNK;
  if (start >= params.length) { return; }
  let stop = min(start + CHUNK, params.length);
  var acc = 0.0;
  for (var i = start; i < stop; i++) { acc += grad[i] * grad[i]; }
  partials[params.offset + t] = acc;
}

fn is_finite(x: f32) -> bool {
  return (bitcast<u32>(x) & 0x7f800000u) != 0x7f800000u;
}

@compute @workgroup_size(1)
fn finalize() {
  var total = 0.0;
  for (var i = 0u; i < params.offset; i++) { total += partials[i]; }
  let norm = sqrt(total);
  state.norm = norm;
  state.calls += 1u;
  if (!is_finite(norm)) {
    state.bad = 1u;
    state.skipped += 1u;
    state.scale = 0.0;
    if (state.first_bad_call == NONE) { state.first_bad_call = state.calls; }
    return;
  }
  state.bad = 0u;
  state.updates += 1u;
  let t = f32(state.updates);
  state.bias1 = 1.0 - pow(params.beta1, t);
  state.bias2 = 1.0 - pow(params.beta2, t);
  if (params.max_norm > 0.0 && norm > params.max_norm) {
    state.scale = params.max_norm / norm;
  } else {
    state.scale = 1.0;
  }
}
