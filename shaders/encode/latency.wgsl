// Latency (time-to-first-spike) encoding: each input spikes at most once, brighter
// pixels earlier. With x = pixel/255 and T steps:
//   LINEAR: x > threshold  → t = round((1 − x)·(T − 1))
//   LOG:    x > threshold  → t = round(tau · ln(x / (x − threshold)))   (RC charging time
//           of a unit-capacitance neuron driven by x; dropped when t > T − 1)
//   otherwise no spike.  spike[n,b,j] = [n = t_j]
// T = total_steps. Windows: row r of `spikes` holds global step
//   n = step_offset + r (+ clock[0] when CLOCK_OFFSET); steps n ≥ T produce no spikes.
// Bindings: 0 params, 1 pixels (u8 packed in u32), 2 sample_index, 3 spikes [steps][B][N],
// 4 clock (any u32 buffer when not CLOCK_OFFSET). Threads: one per (row, b, j).
override LOG: bool = false;
override CLOCK_OFFSET: bool = false;

struct Params {
  steps: u32,  // rows written
  batch: u32,
  inputs: u32,
  valid: u32,
  threshold: f32,
  tau: f32,
  step_offset: u32,
  total_steps: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> pixels: array<u32>;
@group(0) @binding(2) var<storage, read> sample_index: array<u32>;
@group(0) @binding(3) var<storage, read_write> spikes: array<f32>;
@group(0) @binding(4) var<storage, read> clock: array<u32>;

fn pixel(sample: u32, j: u32) -> f32 {
  let byte = sample * params.inputs + j;
  return f32((pixels[byte / 4u] >> (8u * (byte % 4u))) & 0xffu) / 255.0;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_id(gid, groups);
  let per_step = params.batch * params.inputs;
  if (idx >= params.steps * per_step) { return; }
  var n = idx / per_step + params.step_offset;
  if (CLOCK_OFFSET) { n += clock[0]; }
  let b = (idx % per_step) / params.inputs;
  let j = idx % params.inputs;
  var s = 0.0;
  if (b < params.valid && n < params.total_steps) {
    let x = pixel(sample_index[b], j);
    if (x > params.threshold) {
      var t: f32;
      if (LOG) {
        t = round(params.tau * log(x / (x - params.threshold)));
      } else {
        t = round((1.0 - x) * f32(params.total_steps - 1u));
      }
      s = select(0.0, 1.0, t == f32(n));
    }
  }
  spikes[idx] = s;
}
