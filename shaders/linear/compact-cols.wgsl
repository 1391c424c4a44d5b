// Event lists per column of a spike matrix S [R][K] (column k = one input neuron):
//   counts[k] = #{r : S[r,k] ≠ 0},  index[k·R + q] = the q-th such r (ascending).
// Capacity R per column, so no list can overflow. Feeds linear/event-weight-grad.
// Bindings: 0 params, 1 spikes, 2 counts [K] (write), 3 index [K·R] (write).
// Threads: one per column (neighbouring threads read neighbouring addresses).
// Uniforms, bindings and the entry point: common/compact-lists.wgsl.

// List k = column k: R entries, entry r at S[k + r·K].
fn list_layout() -> ListLayout {
  return ListLayout(params.cols, params.rows, 1u, params.cols);
}
