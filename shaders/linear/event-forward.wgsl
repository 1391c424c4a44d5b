// Event-driven spike propagation: drive[r, i] = Σ_k S[r,k]·W[i,k] summed only over
// the active inputs k of row r (lists from linear/compact-rows). Same result as
// linear/matmul with TRANS_B, with work proportional to the number of spikes.
// Bindings: 0 params, 1 spikes S [R][K], 2 counts [R], 3 index [R·K],
// 4 weights W [N][K], 5 drive [R][N] (write).
// Threads: (x: 8 consecutive outputs i, y: row r); neighbours share r, so they
// walk the same event list.
struct Params {
  rows: u32,
  outputs: u32,
  inputs: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> spikes: array<f32>;
@group(0) @binding(2) var<storage, read> counts: array<u32>;
@group(0) @binding(3) var<storage, read> index: array<u32>;
@group(0) @binding(4) var<storage, read> weights: array<f32>;
@group(0) @binding(5) var<storage, read_write> drive: array<f32>;

@compute @workgroup_size(16, 4)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i0 = gid.x * 8u;
  let r = gid.y + gid.z * groups.y * 4u;
  if (i0 >= params.outputs || r >= params.rows) { return; }
  let last = params.outputs - 1u;
  let base = r * params.inputs;
  let n = counts[r];
  var lo = vec4<f32>(0.0);
  var hi = vec4<f32>(0.0);
  let w0 = i0 * params.inputs;
  let w1 = min(i0 + 1u, last) * params.inputs;
  let w2 = min(i0 + 2u, last) * params.inputs;
  let w3 = min(i0 + 3u, last) * params.inputs;
  let w4 = min(i0 + 4u, last) * params.inputs;
  let w5 = min(i0 + 5u, last) * params.inputs;
  let w6 = min(i0 + 6u, last) * params.inputs;
  let w7 = min(i0 + 7u, last) * params.inputs;
  for (var q = 0u; q < n; q++) {
    let k = index[base + q];
    let s = spikes[base + k];
    lo += s * vec4<f32>(weights[w0 + k], weights[w1 + k], weights[w2 + k], weights[w3 + k]);
    hi += s * vec4<f32>(weights[w4 + k], weights[w5 + k], weights[w6 + k], weights[w7 + k]);
  }
  let out = r * params.outputs;
  for (var j = 0u; j < 4u; j++) {
    if (i0 + j < params.outputs) { drive[out + i0 + j] = lo[j]; }
    if (i0 + 4u + j < params.outputs) { drive[out + i0 + 4u + j] = hi[j]; }
  }
}
