// Event lists per row straight from a spike matrix S [R][K] (the layout of
// linear/mask-lists' output):
//   lists[r] = #{k : S[r, k] ≠ 0}   (counts, r < R)
//   lists[R + r·K + q] = the q-th such k, ascending
//   lists[R + R·K] |= 1 when some entry is neither 0 nor 1 (zeroed before the dispatch)
// Capacity K per row, so no list can overflow.
// Bindings: 0 params, 1 spikes S [R][K], 2 lists [R + R·K + 1] (write), 3 the spikes again as vec4 (QUADS).
// Threads: one per row. The loop body has no branch: every column writes its index at
// the row's next free place and only a nonzero entry advances it (a CPU adapter pays
// for divergent branches, not for a store that the next column overwrites).
// QUADS: K is a multiple of 4 and the row is read as vec4 values (one index computation,
// and with robustness checks one clamp, per four columns).
override QUADS: bool = false;

struct Params {
  rows: u32,
  cols: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> spikes: array<f32>;
@group(0) @binding(2) var<storage, read_write> lists: array<u32>;
@group(0) @binding(3) var<storage, read> spikes4: array<vec4<f32>>;   // the same buffer (QUADS)

// column k with value x: written at the row's next free place, kept only when nonzero
fn take(out: u32, q: ptr<function, u32>, other: ptr<function, bool>, k: u32, x: f32) {
  lists[out + *q] = k;
  let on = x != 0.0;
  *q += select(0u, 1u, on);
  *other = *other | (on & (x != 1.0));
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let r = flat_id(gid, groups);
  if (r >= params.rows) { return; }
  let K = params.cols;
  let src = r * K;
  let out = params.rows + r * K;
  var q = 0u;
  var other = false;
  if (QUADS) {
    let src4 = src / 4u;
    for (var k = 0u; k < K; k += 4u) {
      let x = spikes4[src4 + k / 4u];
      take(out, &q, &other, k, x.x);
      take(out, &q, &other, k + 1u, x.y);
      take(out, &q, &other, k + 2u, x.z);
      take(out, &q, &other, k + 3u, x.w);
    }
  } else {
    for (var k = 0u; k < K; k++) {
      take(out, &q, &other, k, spikes[src + k]);
    }
  }
  lists[r] = q;
  // every writer stores the same 1, so concurrent writes agree
  if (other) { lists[params.rows + params.rows * K] = 1u; }
}
