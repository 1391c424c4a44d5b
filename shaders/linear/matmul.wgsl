// Dense spike propagation and weight gradients: C (+)= scale · op(A) · op(B).
//   op(A) is M×K: A stored M×K row-major, or K×M when TRANS_A.
//   op(B) is K×N: B stored K×N row-major, or N×K when TRANS_B.
// Uses: drive[T·B, out] = S_in[T·B, in] · Wᵀ          (TRANS_B, SPARSE_A)
//       grad_in[T·B, in] = dh[T·B, out] · W            (plain)
//       dW[out, in]      = dhᵀ · S_in                  (TRANS_A, SPARSE_B, LANES_ALONG_M)
// Bindings: 0 params (uniform), 1 a, 2 b, 3 c.
// Threads: an 8×8 workgroup, each thread a 4×4 register tile of C (no workgroup
// memory, no barriers). Neighbouring invocations take neighbouring column tiles
// (or row tiles when LANES_ALONG_M), so they share the other operand's values.
// SPARSE_A / SPARSE_B: spike operands are mostly zero; an iteration k whose four
// values of that operand are all zero is skipped. With the sparse operand shared
// by neighbouring invocations the skip is uniform across a SIMD group, which is
// what makes it pay off (on SwiftShader and on GPUs).
override TRANS_A: bool = false;
override TRANS_B: bool = false;
override ACCUMULATE: bool = false;
override SPARSE_A: bool = false;
override SPARSE_B: bool = false;
override LANES_ALONG_M: bool = false;
const TILE: u32 = 4u;

struct Params {
  m: u32,
  n: u32,
  k: u32,
  scale: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

fn load_a(row: u32, kk: u32) -> f32 {
  if (TRANS_A) { return a[kk * params.m + row]; }
  return a[row * params.k + kk];
}

fn load_b(kk: u32, col: u32) -> f32 {
  if (TRANS_B) { return b[col * params.k + kk]; }
  return b[kk * params.n + col];
}

fn store_row(r: u32, col0: u32, v: vec4<f32>) {
  if (r >= params.m) { return; }
  for (var j = 0u; j < TILE; j++) {
    let col = col0 + j;
    if (col >= params.n) { return; }
    let idx = r * params.n + col;
    var x = params.scale * v[j];
    if (ACCUMULATE) { x += c[idx]; }
    c[idx] = x;
  }
}

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  var tile = gid.xy;
  if (LANES_ALONG_M) { tile = gid.yx; }
  let row0 = tile.y * TILE;
  let col0 = tile.x * TILE;
  if (row0 >= params.m || col0 >= params.n) { return; }
  // Clamp indices so loads stay in range; out-of-range results are not stored.
  let last_r = params.m - 1u;
  let last_c = params.n - 1u;
  let r0 = row0;
  let r1 = min(row0 + 1u, last_r);
  let r2 = min(row0 + 2u, last_r);
  let r3 = min(row0 + 3u, last_r);
  let c0 = col0;
  let c1 = min(col0 + 1u, last_c);
  let c2 = min(col0 + 2u, last_c);
  let c3 = min(col0 + 3u, last_c);
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  for (var kk = 0u; kk < params.k; kk++) {
    let av = vec4<f32>(load_a(r0, kk), load_a(r1, kk), load_a(r2, kk), load_a(r3, kk));
    if (SPARSE_A && all(av == vec4<f32>(0.0))) { continue; }
    let bv = vec4<f32>(load_b(kk, c0), load_b(kk, c1), load_b(kk, c2), load_b(kk, c3));
    if (SPARSE_B && all(bv == vec4<f32>(0.0))) { continue; }
    acc0 += av.x * bv;
    acc1 += av.y * bv;
    acc2 += av.z * bv;
    acc3 += av.w * bv;
  }
  store_row(row0, col0, acc0);
  store_row(row0 + 1u, col0, acc1);
  store_row(row0 + 2u, col0, acc2);
  store_row(row0 + 3u, col0, acc3);
}
