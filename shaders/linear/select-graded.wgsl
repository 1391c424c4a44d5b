// Per-call choice between the binary and the graded variants of the kernels that
// read one spike matrix's row lists (neurons/lif-fused-* with GRADED false / true),
// from the lists' flag word (linear/row-lists: nonzero when some value is neither
// 0 nor 1). The kernels are dispatched indirectly from `indirect`, so the choice
// never leaves the GPU:
//   indirect[3·s .. 3·s + 2] = candidates[3·s ..] if slot s is of the chosen kind, else 0
// Slots 0 … binary_slots − 1 are binary variants, the next graded_slots graded ones.
// Bindings: 0 params, 1 lists (the flag word at flag_index), 2 candidates [3·S],
// 3 indirect [3·S] (written).
struct Params {
  flag_index: u32,
  binary_slots: u32,
  graded_slots: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> lists: array<u32>;
@group(0) @binding(2) var<storage, read> candidates: array<u32>;
@group(0) @binding(3) var<storage, read_write> indirect: array<u32>;

@compute @workgroup_size(1)
fn main() {
  let graded = lists[params.flag_index] != 0u;
  let slots = params.binary_slots + params.graded_slots;
  for (var s = 0u; s < slots; s++) {
    let on = (s >= params.binary_slots) == graded;
    for (var c = 0u; c < 3u; c++) { indirect[3u * s + c] = select(0u, candidates[3u * s + c], on); }
  }
}
