// Event lists of a spike matrix S [R][K] (row-major), one list l per row
// (linear/compact-rows; linear/col-lists builds column lists from them): with M = the
// list's capacity (K per row),
//   counts[l] = #{m < M : S at entry (l, m) ≠ 0},  index[l·M + q] = the q-th such m (ascending),
// so no list can overflow. The entry point `main` is here; the including kernel
// gives the lists' layout in S, fn list_layout() -> ListLayout.
// Bindings: 0 params, 1 spikes, 2 counts (write), 3 index (write).
// Threads: one per list.
struct Params {
  rows: u32,
  cols: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> spikes: array<f32>;
@group(0) @binding(2) var<storage, read_write> counts: array<u32>;
@group(0) @binding(3) var<storage, read_write> index: array<u32>;

// `count` lists of `capacity` entries; entry m of list l is S[l·list_stride + m·entry_stride].
struct ListLayout {
  count: u32,
  capacity: u32,
  list_stride: u32,
  entry_stride: u32,
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let l = flat_id(gid, groups);
  let lists = list_layout();
  if (l >= lists.count) { return; }
  let base = l * lists.capacity;
  let first = l * lists.list_stride;
  var q = 0u;
  for (var m = 0u; m < lists.capacity; m++) {
    if (spikes[first + m * lists.entry_stride] != 0.0) {
      index[base + q] = m;
      q++;
    }
  }
  counts[l] = q;
}
