// Softmax cross-entropy on the readout voltage reduced over time.
//   logit[o] = max_n y[n,o] (REDUCE 0) | (1/T)·Σ_n y[n,o] (1) | Σ_n y[n,o] (2)
//   loss_b = logsumexp(logit) − logit[label];  L = (1/valid)·Σ_b loss_b
//   dL/dy[n,o] = (softmax(logit)[o] − [o = label]) / valid · ∂logit[o]/∂y[n,o]
//   (max: 1 at the first argmax over n, else 0; mean: 1/T; sum: 1)
// Samples b ≥ valid (padding of a short last batch) get zero loss and gradient.
// Entry `main`: one thread per sample; writes grad_voltage and sample_stats[b] =
// (loss_b, correct_b). Entry `accumulate`: one thread adds the batch's sums to
// metrics = (Σ loss, Σ correct, samples, batches).
// Bindings: 0 params, 1 voltage [T][B][O], 2 labels [B] (u32), 3 grad_voltage
// [T][B][O] (write), 4 sample_stats [B][2], 5 metrics [4].
override REDUCE: u32 = 0u;

struct Params {
  steps: u32,
  batch: u32,
  outputs: u32,
  valid: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> voltage: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<u32>;
@group(0) @binding(3) var<storage, read_write> grad_voltage: array<f32>;
@group(0) @binding(4) var<storage, read_write> sample_stats: array<f32>;
@group(0) @binding(5) var<storage, read_write> metrics: array<f32>;

const MAX_OUTPUTS: u32 = 64u;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let b = gid.x;
  if (b >= params.batch) { return; }
  let count = params.batch * params.outputs;
  let base = b * params.outputs;
  if (b >= params.valid) {
    for (var n = 0u; n < params.steps; n++) {
      for (var o = 0u; o < params.outputs; o++) { grad_voltage[n * count + base + o] = 0.0; }
    }
    sample_stats[2u * b] = 0.0;
    sample_stats[2u * b + 1u] = 0.0;
    return;
  }
  var logits: array<f32, MAX_OUTPUTS>;
  var arg_step: array<u32, MAX_OUTPUTS>;
  for (var o = 0u; o < params.outputs; o++) {
    var acc = voltage[base + o];
    var at = 0u;
    for (var n = 1u; n < params.steps; n++) {
      let y = voltage[n * count + base + o];
      if (REDUCE == 0u) {
        if (y > acc) { acc = y; at = n; }
      } else {
        acc += y;
      }
    }
    if (REDUCE == 1u) { acc = acc / f32(params.steps); }
    logits[o] = acc;
    arg_step[o] = at;
  }
  var top = logits[0];
  var best = 0u;
  for (var o = 1u; o < params.outputs; o++) {
    if (logits[o] > top) { top = logits[o]; best = o; }
  }
  var total = 0.0;
  for (var o = 0u; o < params.outputs; o++) { total += exp(logits[o] - top); }
  let label = labels[b];
  let lse = top + log(total);
  sample_stats[2u * b] = lse - logits[label];
  sample_stats[2u * b + 1u] = select(0.0, 1.0, best == label);
  let inv = 1.0 / f32(params.valid);
  for (var o = 0u; o < params.outputs; o++) {
    let p = exp(logits[o] - top) / total;
    let g = (p - select(0.0, 1.0, o == label)) * inv;
    for (var n = 0u; n < params.steps; n++) {
      var d: f32;
      if (REDUCE == 0u) {
        d = select(0.0, g, n == arg_step[o]);
      } else if (REDUCE == 1u) {
        d = g / f32(params.steps);
      } else {
        d = g;
      }
      grad_voltage[n * count + base + o] = d;
    }
  }
}

@compute @workgroup_size(1)
fn accumulate() {
  var loss = 0.0;
  var correct = 0.0;
  for (var b = 0u; b < params.valid; b++) {
    loss += sample_stats[2u * b];
    correct += sample_stats[2u * b + 1u];
  }
  metrics[0] += loss;
  metrics[1] += correct;
  metrics[2] += f32(params.valid);
  metrics[3] += 1.0;
}
