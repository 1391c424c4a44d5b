// Poisson (Bernoulli-per-step) rate encoding of pixels gathered on the GPU:
//   spike[n,b,j] = [ u(seed, sample_b, n, j) < rate · x_j ],  x_j = pixel/255 ∈ [0,1]
// u is the counter-based uniform of common/rng.wgsl, so a spike train depends only
// on (seed, sample, step, input) — not on batch composition or thread mapping.
// Pixels: the whole data set as u8 packed 4 per u32; sample_index[b] picks rows.
// Samples b ≥ valid produce no spikes. Windows: row r of `spikes` holds global step
//   n = step_offset + r (+ clock[0] when CLOCK_OFFSET),
// so the rows of window w = [w·k, (w+1)·k) equal rows w·k… of the whole sequence;
// steps n ≥ total_steps produce no spikes. Bindings: 0 params, 1 pixels, 2 sample_index,
// 3 spikes [steps][B][N] (write), 4 clock (any u32 buffer when not CLOCK_OFFSET).
// Threads: one per (row, b, j).
override CLOCK_OFFSET: bool = false;

struct Params {
  steps: u32,  // rows written
  batch: u32,
  inputs: u32,
  valid: u32,
  seed: u32,
  rate: f32,
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
    let sample = sample_index[b];
    // u ≥ 0, so a black pixel never spikes: skip the hash for it (most MNIST pixels)
    let p = params.rate * pixel(sample, j);
    if (p > 0.0) {
      s = select(0.0, 1.0, uniform01(params.seed, sample, n, j) < p);
    }
  }
  spikes[idx] = s;
}
