// Event lists per row from bit masks of a spike matrix S [R][K] in the thread-word
// layout that the fused BPTT forward scan writes (neurons/lif-fused-forward: one word per
// thread of its 32 neurons):
//   W = 16·⌈K / 512⌉ words per row; bit j of word (r, w) is set  ⇔  S[r, k] ≠ 0  for
//   k = k0(w) + 4·j,  k0(w) = 512·⌊w/16⌋ + 128·⌊(w mod 16)/4⌋ + w mod 4.
// Output:
//   lists[r] = #{k : S[r, k] ≠ 0}   (counts, r < R)
//   lists[R + r·K + q] = the q-th such k, words in ascending order, bits ascending
//   within a word.
// Capacity K per row, so no list can overflow. The buffer's last word (index R + R·K)
// is the flag of linear/row-lists (nonzero when some value is neither 0 nor 1) and is not
// written here (a layer's spikes are binary). Feeds the fused BPTT kernels.
// PLAIN: the masks are in the 'bits' input format instead (BatchShape.inputFormat): W = ⌈K/32⌉
// words per row, bit j of word w is column 32·w + j, so the lists are those of linear/row-lists
// (ascending columns).
// Bindings: 0 params, 1 mask [R·W], 2 lists [R + R·K + 1] (write).
// Threads: one per row.
override PLAIN: bool = false;

struct Params {
  rows: u32,
  cols: u32,
  words: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> mask: array<u32>;
@group(0) @binding(2) var<storage, read_write> lists: array<u32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let r = flat_id(gid, groups);
  if (r >= params.rows) { return; }
  let out = params.rows + r * params.cols;
  var q = 0u;
  for (var w = 0u; w < params.words; w++) {
    var bits = mask[r * params.words + w];
    var k0 = (w / 16u) * 512u + ((w % 16u) / 4u) * 128u + w % 4u;
    var spacing = 4u;
    if (PLAIN) {
      k0 = 32u * w;
      spacing = 1u;
    }
    while (bits != 0u) {
      let j = firstTrailingBit(bits);
      bits &= bits - 1u;
      lists[out + q] = k0 + spacing * j;
      q++;
    }
  }
  lists[r] = q;
}
