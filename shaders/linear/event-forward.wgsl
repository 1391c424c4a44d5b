// Event-driven spike propagation: drive[r, i] = Σ_k S[r,k]·W[i,k] summed only over
// the active inputs k of row r (lists from linear/compact-rows). Same result as
// linear/matmul with TRANS_B, with work proportional to the number of spikes.
// Bindings 0–3 (params, spikes S [R][K], counts [R], index [R·K]):
// common/spike-lists.wgsl; 4 weights W [N][K], 5 drive [R][N] (write).
// Threads: (x: 8 consecutive outputs i, y: row r); neighbours share r, so they
// walk the same event list.
@group(0) @binding(4) var<storage, read> weights: array<f32>;
@group(0) @binding(5) var<storage, read_write> drive: array<f32>;

@compute @workgroup_size(16, 4)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i0 = gid.x * 8u;
  let r = grid_list(gid, groups);
  if (i0 >= params.outputs || r >= params.rows) { return; }
  let base = r * params.inputs;
  let n = counts[r];
  var lo = vec4<f32>(0.0);
  var hi = vec4<f32>(0.0);
  let w0 = i0 * params.inputs;
  let w1 = clamp_output(i0 + 1u) * params.inputs;
  let w2 = clamp_output(i0 + 2u) * params.inputs;
  let w3 = clamp_output(i0 + 3u) * params.inputs;
  let w4 = clamp_output(i0 + 4u) * params.inputs;
  let w5 = clamp_output(i0 + 5u) * params.inputs;
  let w6 = clamp_output(i0 + 6u) * params.inputs;
  let w7 = clamp_output(i0 + 7u) * params.inputs;
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
