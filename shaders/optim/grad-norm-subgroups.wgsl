enable subgroups;
// Global gradient norm: entry `partial_subgroups`, the subgroup variant of
// `partial` in optim/grad-norm.wgsl, used only on devices with the 'subgroups'
// feature. Composed first (the directive must open the module), before
// common/grid and optim/grad-norm, whose declarations it uses; `finalize` is the same.
// Workgroup w covers grad[w·WG·CHUNK … (w+1)·WG·CHUNK) and writes one partial,
// partials[offset + w] = Σ g² over it (the portable `partial` writes one per
// CHUNK, so `finalize` sums WG× fewer partials). Thread l sums g² over elements
// w·WG·CHUNK + l + k·WG, k = 0…CHUNK−1 (adjacent threads read adjacent
// elements); subgroupAdd reduces each subgroup's sums; lane 0 of each subgroup
// stores its subgroup's sum at its local index in `lane_sums` (the other lanes
// store 0, so no subgroup index or layout is assumed); thread 0 adds the WG
// entries in local-index order. A NaN or ±Inf square propagates through every
// sum, so a non-finite gradient still gives a non-finite norm.
// Bindings: as optim/grad-norm (0 params, 1 grad, 2 partials, 3 state unused here).
var<workgroup> lane_sums: array<f32, WG>;

@compute @workgroup_size(WG)
fn partial_subgroups(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) groups: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
  @builtin(subgroup_invocation_id) lane: u32,
) {
  let w = wid.x + wid.y * groups.x;
  let start = w * WG * CHUNK;
  if (start >= params.length) { return; } // the whole workgroup (uniform)
  let stop = min(start + WG * CHUNK, params.length);
  var acc = 0.0;
  for (var i = start + lid; i < stop; i += WG) { acc += grad[i] * grad[i]; }
  let sum = subgroupAdd(acc);
  lane_sums[lid] = select(0.0, sum, lane == 0u);
  workgroupBarrier();
  if (lid == 0u) {
    var total = 0.0;
    for (var j = 0u; j < WG; j++) { total += lane_sums[j]; }
    partials[params.offset + w] = total;
  }
}
