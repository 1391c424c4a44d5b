// Uniforms, bindings and thread mapping of the pixel encoders (encode/poisson,
// encode/latency), which turn data-set pixels gathered on the GPU into input
// spikes [steps][B][N]. The entry point `main` is here: thread idx writes the
// spike of row r, sample b, input j, as the including kernel's
//   fn encode_spike(sample: u32, n: u32, j: u32) -> f32
// gives it for data-set sample `sample` (= sample_index[b]) at global step n.
// Pixels: the whole data set as u8 packed 4 per u32; sample_index[b] picks rows.
// Samples b ≥ valid produce no spikes. Windows: row r of `spikes` holds global step
//   n = step_offset + r (+ clock[0] when CLOCK_OFFSET),
// so the rows of window w = [w·k, (w+1)·k) equal rows w·k… of the whole sequence;
// steps n ≥ total_steps produce no spikes.
// Params holds the fields of both encoders; each reads its own (poisson: seed,
// rate; latency: threshold, tau).
// Bindings: 0 params, 1 pixels, 2 sample_index, 3 spikes [steps][B][N] (write),
// 4 clock (any u32 buffer when not CLOCK_OFFSET). BITS: binding 3 holds the spikes as bits,
// [steps][B][⌈N/32⌉] u32 words, input j in bit j mod 32 of word ⌊j/32⌋ (the including module
// declares `alias SpikeValue = u32;`, else f32).
// Threads: one per (row, b, j); BITS: one per (row, b, word), 32 inputs each (fewer stores: 32
// inputs cost one).
override CLOCK_OFFSET: bool = false;
override BITS: bool = false;

struct Params {
  steps: u32,  // rows written
  batch: u32,
  inputs: u32,
  valid: u32,
  step_offset: u32,
  total_steps: u32,
  seed: u32,        // poisson
  rate: f32,        // poisson
  threshold: f32,   // latency
  tau: f32,         // latency
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> pixels: array<u32>;
@group(0) @binding(2) var<storage, read> sample_index: array<u32>;
@group(0) @binding(3) var<storage, read_write> spikes: array<SpikeValue>;
@group(0) @binding(4) var<storage, read> clock: array<u32>;

// x = pixel/255 ∈ [0, 1] of input j of data-set sample `sample`
fn pixel(sample: u32, j: u32) -> f32 {
  let byte = sample * params.inputs + j;
  return f32((pixels[byte / 4u] >> (8u * (byte % 4u))) & 0xffu) / 255.0;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_id(gid, groups);
  // BITS: thread idx writes word j of row (n, b): inputs 32·j … 32·j + 31
  let cols = select(params.inputs, (params.inputs + 31u) / 32u, BITS);
  let per_step = params.batch * cols;
  if (idx >= params.steps * per_step) { return; }
  var n = idx / per_step + params.step_offset;
  if (CLOCK_OFFSET) { n += clock[0]; }
  let b = (idx % per_step) / cols;
  let j = idx % cols;
  let live = b < params.valid && n < params.total_steps;
  if (BITS) {
    var word = 0u;
    if (live) {
      let sample = sample_index[b];
      let end = min(32u, params.inputs - 32u * j);
      for (var t = 0u; t < end; t++) {
        word |= select(0u, 1u << t, encode_spike(sample, n, 32u * j + t) != 0.0);
      }
    }
    spikes[idx] = SpikeValue(word);
    return;
  }
  var s = 0.0;
  if (live) {
    s = encode_spike(sample_index[b], n, j);
  }
  spikes[idx] = SpikeValue(s);
}
