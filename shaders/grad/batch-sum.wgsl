// Sum of rows: out[i] = scale · Σ_b rows[b·length + i]  (+ out[i] when ACCUMULATE)
// (per-sample gradient rows of the event-exact methods → dL/dθ of the batch; the K
// slices of a split matrix product, linear/matmul-tiled).
// Summed in order b = 0 … B−1 in f32 (relative rounding error ≲ B·2⁻²⁴).
// Bindings: 0 params, 1 rows [B][length] (read), 2 out [length] (written; read too when ACCUMULATE).
// Threads: one per element i.
override ACCUMULATE: bool = false;

struct Params {
  length: u32,
  batch: u32,
  scale: f32,
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
  var x = params.scale * sum;
  if (ACCUMULATE) { x += out[i]; }
  out[i] = x;
}
