// Event lists per column of a spike matrix S [R][K] (column k = one input neuron):
//   counts[k] = #{r : S[r,k] ≠ 0},  index[k·R + q] = the q-th such r (ascending).
// Capacity R per column, so no list can overflow. Feeds linear/event-weight-grad.
// Bindings: 0 params, 1 spikes, 2 counts [K] (write), 3 index [K·R] (write).
// Threads: one per column (neighbouring threads read neighbouring addresses).
struct Params {
  rows: u32,
  cols: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> spikes: array<f32>;
@group(0) @binding(2) var<storage, read_write> counts: array<u32>;
@group(0) @binding(3) var<storage, read_write> index: array<u32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let k = flat_id(gid, groups);
  if (k >= params.cols) { return; }
  let base = k * params.rows;
  var q = 0u;
  for (var r = 0u; r < params.rows; r++) {
    if (spikes[r * params.cols + k] != 0.0) {
      index[base + q] = r;
      q++;
    }
  }
  counts[k] = q;
}
