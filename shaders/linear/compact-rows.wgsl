// Event lists per row of a spike matrix S [R][K] (row r = one (step, sample)):
//   counts[r] = #{k : S[r,k] ≠ 0},  index[r·K + q] = the q-th such k (ascending).
// Capacity K per row, so no list can overflow. Feeds linear/event-forward.
// Bindings: 0 params, 1 spikes, 2 counts [R] (write), 3 index [R·K] (write).
// Threads: one per row. Uniforms, bindings and the entry point: common/compact-lists.wgsl.

// List r = row r: K entries, entry k at S[r·K + k].
fn list_layout() -> ListLayout {
  return ListLayout(params.rows, params.cols, params.cols, 1u);
}
