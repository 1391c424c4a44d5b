// Dense spike propagation and weight gradients: C (+)= op(A) · op(B).
//   op(A) is M×K: A stored M×K row-major, or K×M when TRANS_A.
//   op(B) is K×N: B stored K×N row-major, or N×K when TRANS_B.
// Uses: drive[T·B, out] = S_in[T·B, in] · Wᵀ          (TRANS_B)
//       grad_in[T·B, in] = dh[T·B, out] · W            (plain)
//       dW[out, in]      = dhᵀ · S_in                  (TRANS_A)
// Bindings: 0 params (uniform), 1 a, 2 b, 3 c.
// Threads: an 8×8 workgroup, each thread a TILE×TILE register tile of C
// (no workgroup memory, no barriers: fast on SwiftShader and on GPUs with caches).
override TRANS_A: bool = false;
override TRANS_B: bool = false;
override ACCUMULATE: bool = false;
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

@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let row0 = gid.y * TILE;
  let col0 = gid.x * TILE;
  if (row0 >= params.m || col0 >= params.n) { return; }
  // Clamp indices so loads stay in range; out-of-range results are not stored.
  var rows: array<u32, 4>;
  var cols: array<u32, 4>;
  for (var t = 0u; t < TILE; t++) {
    rows[t] = min(row0 + t, params.m - 1u);
    cols[t] = min(col0 + t, params.n - 1u);
  }
  var acc: array<array<f32, 4>, 4>;
  for (var kk = 0u; kk < params.k; kk++) {
    let a0 = load_a(rows[0], kk);
    let a1 = load_a(rows[1], kk);
    let a2 = load_a(rows[2], kk);
    let a3 = load_a(rows[3], kk);
    let bv = vec4<f32>(load_b(kk, cols[0]), load_b(kk, cols[1]), load_b(kk, cols[2]), load_b(kk, cols[3]));
    for (var j = 0u; j < TILE; j++) {
      acc[0][j] += a0 * bv[j];
      acc[1][j] += a1 * bv[j];
      acc[2][j] += a2 * bv[j];
      acc[3][j] += a3 * bv[j];
    }
  }
  for (var i = 0u; i < TILE; i++) {
    let r = row0 + i;
    if (r >= params.m) { break; }
    for (var j = 0u; j < TILE; j++) {
      let col = col0 + j;
      if (col >= params.n) { break; }
      let idx = r * params.n + col;
      var v = params.scale * acc[i][j];
      if (ACCUMULATE) { v += c[idx]; }
      c[idx] = v;
    }
  }
}
