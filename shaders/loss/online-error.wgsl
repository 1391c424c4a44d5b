// Running estimate of dL/dlogits for online learning within a sequence (step
// n = clock[0], after neurons/readout-step has reduced y[n]): the logits so far,
// extrapolated to the whole sequence, r = running·T/(n+1) (running = Σ_{m≤n} y/T
// for 'mean', Σ_{m≤n} y for 'sum'), give
//   err[b,o] = (softmax(r_b)[o] − [o = label_b]) / valid;   0 for padding b ≥ valid.
// At n = T−1 this is the exact derivative of loss/cross-entropy.
// Bindings: 0 params, 1 clock, 2 logits (running) [B][O], 3 labels [B] u32,
// 4 err [B][O] (write). Threads: one per sample.
struct Params {
  batch: u32,
  outputs: u32,
  steps: u32,
  valid: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> clock: array<u32>;
@group(0) @binding(2) var<storage, read> logits: array<f32>;
@group(0) @binding(3) var<storage, read> labels: array<u32>;
@group(0) @binding(4) var<storage, read_write> err: array<f32>;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let b = gid.x;
  if (b >= params.batch) { return; }
  let base = b * params.outputs;
  if (b >= params.valid) {
    for (var o = 0u; o < params.outputs; o++) { err[base + o] = 0.0; }
    return;
  }
  let scale = f32(params.steps) / f32(clock[0] + 1u);
  var top = logits[base] * scale;
  for (var o = 1u; o < params.outputs; o++) { top = max(top, logits[base + o] * scale); }
  var total = 0.0;
  for (var o = 0u; o < params.outputs; o++) { total += exp(logits[base + o] * scale - top); }
  let inv = 1.0 / f32(params.valid);
  for (var o = 0u; o < params.outputs; o++) {
    let p = exp(logits[base + o] * scale - top) / total;
    err[base + o] = (p - select(0.0, 1.0, o == labels[b])) * inv;
  }
}
