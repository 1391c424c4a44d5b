// Spikes in the 'bits' input format (BatchShape.inputFormat) as f32 values:
//   out[r][k] = bit (k mod 32) of bits[r][⌊k/32⌋]   (0 or 1)
// for the paths that read spike values (dense products, event lists from values);
// fused surrogate BPTT reads the bits themselves (linear/mask-lists, PLAIN).
// Bindings: 0 params, 1 bits [R][⌈K/32⌉], 2 out [R][K] (write).
// Threads: one per output element.
struct Params {
  rows: u32,
  cols: u32,
  words: u32,   // ⌈K/32⌉
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> bits: array<u32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_id(gid, groups);
  if (idx >= params.rows * params.cols) { return; }
  let r = idx / params.cols;
  let k = idx % params.cols;
  out[idx] = f32((bits[r * params.words + k / 32u] >> (k % 32u)) & 1u);
}
