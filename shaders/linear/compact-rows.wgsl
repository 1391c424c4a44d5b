// Event lists per row of a spike matrix S [R][K] (row r = one (step, sample)):
//   counts[r] = #{k : S[r,k] ≠ 0},  index[r·K + q] = the q-th such k (ascending).
// Capacity K per row, so no list can overflow. Feeds linear/event-forward.
// Bindings: 0 params, 1 spikes, 2 counts [R] (write), 3 index [R·K] (write).
// Threads: one per row.
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
  let r = flat_id(gid, groups);
  if (r >= params.rows) { return; }
  let base = r * params.cols;
  var q = 0u;
  for (var k = 0u; k < params.cols; k++) {
    if (spikes[base + k] != 0.0) {
      index[base + q] = k;
      q++;
    }
  }
  counts[r] = q;
}
