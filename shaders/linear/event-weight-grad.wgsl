// Event-driven weight gradient: dW[i, k] = Σ_r dh[r, i]·S[r, k] summed only over
// the rows r where input k is active (lists from linear/col-lists). Same result
// as linear/matmul with TRANS_A, with work proportional to the number of spikes.
// Bindings 0–3 (params, spikes S [R][K], counts [K], index [K·R]):
// common/spike-lists.wgsl; 4 grad_drive dh [R][N], 5 grad_weights dW [N][K] (write).
// Threads: (x: 4 consecutive outputs i, y: input k); neighbours share k.
@group(0) @binding(4) var<storage, read> grad_drive: array<f32>;
@group(0) @binding(5) var<storage, read_write> grad_weights: array<f32>;

@compute @workgroup_size(16, 4)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let k = grid_list(gid, groups);
  let i0 = gid.x * 4u;
  if (i0 >= params.outputs || k >= params.inputs) { return; }
  let i1 = clamp_output(i0 + 1u);
  let i2 = clamp_output(i0 + 2u);
  let i3 = clamp_output(i0 + 3u);
  let base = k * params.rows;
  let n = counts[k];
  var acc = vec4<f32>(0.0);
  for (var q = 0u; q < n; q++) {
    let r = index[base + q];
    let s = spikes[r * params.inputs + k];
    let g = r * params.outputs;
    acc += s * vec4<f32>(grad_drive[g + i0], grad_drive[g + i1], grad_drive[g + i2], grad_drive[g + i3]);
  }
  for (var j = 0u; j < 4u; j++) {
    if (i0 + j < params.outputs) { grad_weights[(i0 + j) * params.inputs + k] = acc[j]; }
  }
}
