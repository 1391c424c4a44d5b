// Bit masks of a spike matrix S [R][K], in the lane-strided layout that
// linear/mask-lists and the fused BPTT kernels (neurons/lif-fused-*,
// neurons/readout-fused-forward) share:
//   P = ⌈K / 1024⌉ planes, W = 32·P words per row; word (r, p, l) sits at r·W + 32·p + l
//   and its bit j is set  ⇔  S[r, k] ≠ 0  for  k = 1024·p + 32·j + l.
// flag[flag_index] |= 1 when some entry is neither 0 nor 1 (the consumers then weight
// each event by its value); the flag word is the last word of the row-list buffer of
// linear/mask-lists, zeroed before the dispatch.
// Bindings: 0 params, 1 spikes S [R][K], 2 mask [R·W] (write), 3 flag (atomicOr).
// Threads: one per word (x: 32·p + l, y (+ z): row r). Neighbouring threads read
// neighbouring columns k, so every load is one contiguous vector on a SIMD CPU.
struct Params {
  rows: u32,
  cols: u32,
  words: u32,   // W = 32·⌈cols / 1024⌉
  flag_index: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> spikes: array<f32>;
@group(0) @binding(2) var<storage, read_write> mask: array<u32>;
@group(0) @binding(3) var<storage, read_write> flag: array<atomic<u32>>;

@compute @workgroup_size(32, 2)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let w = gid.x;
  let r = gid.y + gid.z * groups.y * 2u;
  if (w >= params.words || r >= params.rows) { return; }
  let k0 = (w / 32u) * 1024u + w % 32u;
  let base = r * params.cols;
  var bits = 0u;
  var other = false;
  // a fixed trip count and no branch in the body (columns past the end read the last
  // column and are masked out): a CPU adapter pays for every divergent branch
  let last = base + params.cols - 1u;
  for (var j = 0u; j < 32u; j++) {
    let k = k0 + 32u * j;
    let x = spikes[min(base + k, last)];
    let on = (k < params.cols) & (x != 0.0);   // & and |, not && and ||: no short-circuit branches
    bits |= select(0u, 1u << j, on);
    other = other | (on & (x != 1.0));
  }
  mask[r * params.words + w] = bits;
  if (other) { atomicOr(&flag[params.flag_index], 1u); }
}
