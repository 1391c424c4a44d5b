// Event-driven weight gradient, register-tiled for CPU adapters:
//   dW[i, k] = Σ_r dh[r, i]·S[r, k]  summed over the rows r where input k is active
// (lists from linear/col-lists). Same result as linear/event-weight-grad; each
// thread owns 32 outputs, so the per-event cost of walking a list (the row index
// and value loads, the loop) is shared by 32 accumulations held in registers.
// Bindings 0–3 (params, spikes S [R][K], counts [K], index [K·R]):
// common/spike-lists.wgsl; 4 grad_drive dh [R][N], 5 grad_weights dW [N][K] (write).
// Threads: x: 32 outputs i0 + 4·t (t < 32) with i0 = 512·wx + 128·⌊l/4⌋ + l mod 4 for
// local index l (a workgroup of 16 covers 512 outputs; the 4 neighbouring
// invocations that run as one vector on a CPU adapter read 4 neighbouring
// outputs), y (+ z): input k.
const WG: u32 = 16u;
const LANES: u32 = 4u;

@group(0) @binding(4) var<storage, read> grad_drive: array<f32>;
@group(0) @binding(5) var<storage, read_write> grad_weights: array<f32>;

fn load4(g: u32, i: u32) -> vec4<f32> {
  return vec4<f32>(grad_drive[g + clamp_output(i)], grad_drive[g + clamp_output(i + LANES)],
                   grad_drive[g + clamp_output(i + 2u * LANES)], grad_drive[g + clamp_output(i + 3u * LANES)]);
}

fn store(k: u32, i: u32, v: f32) {
  if (i < params.outputs) { grad_weights[i * params.inputs + k] = v; }
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let k = wid.y + wid.z * groups.y;
  let i0 = wid.x * 512u + (lid.x / LANES) * (LANES * 32u) + lid.x % LANES;
  if (k >= params.inputs || i0 >= params.outputs) { return; }
  let K = params.inputs;
  let n = counts[k];
  let base = k * params.rows;
  var a0 = vec4<f32>(0.0);
  var a1 = vec4<f32>(0.0);
  var a2 = vec4<f32>(0.0);
  var a3 = vec4<f32>(0.0);
  var a4 = vec4<f32>(0.0);
  var a5 = vec4<f32>(0.0);
  var a6 = vec4<f32>(0.0);
  var a7 = vec4<f32>(0.0);
  for (var q = 0u; q < n; q++) {
    let r = index[base + q];
    let s = spikes[r * K + k];
    let g = r * params.outputs;
    a0 += s * load4(g, i0 + 0u * LANES);
    a1 += s * load4(g, i0 + 4u * LANES);
    a2 += s * load4(g, i0 + 8u * LANES);
    a3 += s * load4(g, i0 + 12u * LANES);
    a4 += s * load4(g, i0 + 16u * LANES);
    a5 += s * load4(g, i0 + 20u * LANES);
    a6 += s * load4(g, i0 + 24u * LANES);
    a7 += s * load4(g, i0 + 28u * LANES);
  }
  store(k, i0 + 0u * LANES, a0.x);
  store(k, i0 + 1u * LANES, a0.y);
  store(k, i0 + 2u * LANES, a0.z);
  store(k, i0 + 3u * LANES, a0.w);
  store(k, i0 + 4u * LANES, a1.x);
  store(k, i0 + 5u * LANES, a1.y);
  store(k, i0 + 6u * LANES, a1.z);
  store(k, i0 + 7u * LANES, a1.w);
  store(k, i0 + 8u * LANES, a2.x);
  store(k, i0 + 9u * LANES, a2.y);
  store(k, i0 + 10u * LANES, a2.z);
  store(k, i0 + 11u * LANES, a2.w);
  store(k, i0 + 12u * LANES, a3.x);
  store(k, i0 + 13u * LANES, a3.y);
  store(k, i0 + 14u * LANES, a3.z);
  store(k, i0 + 15u * LANES, a3.w);
  store(k, i0 + 16u * LANES, a4.x);
  store(k, i0 + 17u * LANES, a4.y);
  store(k, i0 + 18u * LANES, a4.z);
  store(k, i0 + 19u * LANES, a4.w);
  store(k, i0 + 20u * LANES, a5.x);
  store(k, i0 + 21u * LANES, a5.y);
  store(k, i0 + 22u * LANES, a5.z);
  store(k, i0 + 23u * LANES, a5.w);
  store(k, i0 + 24u * LANES, a6.x);
  store(k, i0 + 25u * LANES, a6.y);
  store(k, i0 + 26u * LANES, a6.z);
  store(k, i0 + 27u * LANES, a6.w);
  store(k, i0 + 28u * LANES, a7.x);
  store(k, i0 + 29u * LANES, a7.y);
  store(k, i0 + 30u * LANES, a7.z);
  store(k, i0 + 31u * LANES, a7.w);
}
