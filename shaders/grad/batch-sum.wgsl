// Sum of per-sample rows over the batch: out[i] = Σ_b rows[b·length + i]
// (per-sample gradient rows of the event-exact methods → dL/dθ of the batch).
// Summed in order b = 0 … B−1 in f32 (relative rounding error ≲ B·2⁻²⁴).
// Bindings: 0 params, 1 rows [B][length] (read), 2 out [length] (write).
// Threads: one per element i.
struct Params {
  length: u32,
  batch: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> rows: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_id(gid, groups);
  if (i >= params.length) { return; }
  var sum = 0.0;
  for (var b = 0u; b < params.batch; b++) {
    sum += rows[b * params.length + i];
  }
  out[i] = sum;
}
