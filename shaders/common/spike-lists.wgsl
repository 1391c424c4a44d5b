// Uniforms and bindings 0–3 of the kernels that walk the event lists of a spike
// matrix S [R][K] (from linear/compact-rows or linear/col-lists) to multiply
// with a dense matrix of `outputs` columns: linear/event-forward,
// linear/event-weight-grad, linear/event-weight-grad-tiled. The including kernel
// declares bindings 4 and 5.
// Bindings: 0 params, 1 spikes S [R][K], 2 counts (per list), 3 index (the lists).
struct Params {
  rows: u32,
  outputs: u32,
  inputs: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> spikes: array<f32>;
@group(0) @binding(2) var<storage, read> counts: array<u32>;
@group(0) @binding(3) var<storage, read> index: array<u32>;

// Output i clamped to the last one: lanes past the end load a valid address (their
// results are not stored).
fn clamp_output(i: u32) -> u32 {
  return min(i, params.outputs - 1u);
}

// The list of a thread of the (16, 4) workgroups of eventGrid (kernels/linear/event-forward.ts):
// y, continued in z past 65535 groups.
fn grid_list(gid: vec3<u32>, groups: vec3<u32>) -> u32 {
  return gid.y + gid.z * groups.y * 4u;
}
