// Dense C (+)= scale · op(A) · op(B) for hardware GPUs, staged through workgroup memory
// (same operands, flags and uses as linear/matmul; see there).
//   op(A) is M×K: A stored M×K row-major, or K×M when TRANS_A.
//   op(B) is K×N: B stored K×N row-major, or N×K when TRANS_B.
// A workgroup of 16×16 threads computes a 64×64 block of C, each thread a 4×4
// register tile (rows 4·ty…, columns 4·tx…). Per step of 16 along K the workgroup
// copies a 64×16 slice of op(A) and a 16×64 slice of op(B) into workgroup memory,
// each thread 4 values of each, with consecutive threads reading consecutive
// addresses whatever the operand's layout (so a transposed operand is read as
// contiguously as a plain one); out-of-range elements are staged as zeros.
// SPLIT: workgroup z takes the K range [z·k_split, (z + 1)·k_split) and writes its raw
// partial product to slice z of c ([S][M][N]); grad/batch-sum then adds the slices
// (with scale and accumulate) into C. For products with few 64×64 blocks and a long K
// (weight gradients summed over T·B rows), so that enough workgroups run at once.
// linear/matmul (no workgroup memory, no barriers) stays the kernel for CPU
// adapters, where barriers are slow.
override TRANS_A: bool = false;
override SPLIT: bool = false;
override TRANS_B: bool = false;
override ACCUMULATE: bool = false;
const BM: u32 = 64u;
const BN: u32 = 64u;
const BK: u32 = 16u;

struct Params {
  m: u32,
  n: u32,
  k: u32,
  scale: f32,
  k_split: u32,   // SPLIT: K elements per slice (a multiple of 16)
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

// op(A) slice: sa[kk][i] (i < 64 rows of the block); op(B) slice: sb[kk][j] (j < 64 columns)
var<workgroup> sa: array<vec4<f32>, 256>;   // [BK][BM / 4]
var<workgroup> sb: array<vec4<f32>, 256>;   // [BK][BN / 4]

fn op_a(row: u32, kk: u32) -> f32 {
  if (row >= params.m || kk >= params.k) { return 0.0; }
  if (TRANS_A) { return a[kk * params.m + row]; }
  return a[row * params.k + kk];
}

fn op_b(kk: u32, col: u32) -> f32 {
  if (kk >= params.k || col >= params.n) { return 0.0; }
  if (TRANS_B) { return b[col * params.k + kk]; }
  return b[kk * params.n + col];
}

fn store_row(slice: u32, r: u32, col0: u32, v: vec4<f32>) {
  if (r >= params.m) { return; }
  for (var j = 0u; j < 4u; j++) {
    let col = col0 + j;
    if (col >= params.n) { return; }
    let idx = r * params.n + col;
    if (SPLIT) {
      c[slice * params.m * params.n + idx] = v[j];
      continue;
    }
    var x = params.scale * v[j];
    if (ACCUMULATE) { x += c[idx]; }
    c[idx] = x;
  }
}

@compute @workgroup_size(16, 16)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let t = lid.y * 16u + lid.x;
  let row_base = wid.y * BM;
  let col_base = wid.x * BN;
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  var k_begin = 0u;
  var k_end = params.k;
  if (SPLIT) {
    k_begin = wid.z * params.k_split;
    k_end = min(params.k, k_begin + params.k_split);
  }
  for (var k0 = k_begin; k0 < k_end; k0 += BK) {
    // stage: thread t fills one vec4 of each slice (4 consecutive rows / columns at one kk);
    // which element it reads follows the stored layout, so that consecutive t read consecutive addresses
    if (TRANS_A) {
      // A stored K×M: consecutive t walk rows (contiguous in memory)
      let kk = t / 16u;
      let i = (t % 16u) * 4u;
      sa[kk * 16u + i / 4u] = vec4<f32>(op_a(row_base + i, k0 + kk), op_a(row_base + i + 1u, k0 + kk),
                                        op_a(row_base + i + 2u, k0 + kk), op_a(row_base + i + 3u, k0 + kk));
    } else {
      // A stored M×K: consecutive t walk kk (contiguous in memory)
      let kk = t % 16u;
      let i = (t / 16u) * 4u;
      sa[kk * 16u + i / 4u] = vec4<f32>(op_a(row_base + i, k0 + kk), op_a(row_base + i + 1u, k0 + kk),
                                        op_a(row_base + i + 2u, k0 + kk), op_a(row_base + i + 3u, k0 + kk));
    }
    if (TRANS_B) {
      // B stored N×K: consecutive t walk kk
      let kk = t % 16u;
      let j = (t / 16u) * 4u;
      sb[kk * 16u + j / 4u] = vec4<f32>(op_b(k0 + kk, col_base + j), op_b(k0 + kk, col_base + j + 1u),
                                        op_b(k0 + kk, col_base + j + 2u), op_b(k0 + kk, col_base + j + 3u));
    } else {
      // B stored K×N: consecutive t walk columns
      let kk = t / 16u;
      let j = (t % 16u) * 4u;
      sb[kk * 16u + j / 4u] = vec4<f32>(op_b(k0 + kk, col_base + j), op_b(k0 + kk, col_base + j + 1u),
                                        op_b(k0 + kk, col_base + j + 2u), op_b(k0 + kk, col_base + j + 3u));
    }
    workgroupBarrier();
    for (var kk = 0u; kk < BK; kk++) {
      let av = sa[kk * 16u + lid.y];
      let bv = sb[kk * 16u + lid.x];
      acc0 += av.x * bv;
      acc1 += av.y * bv;
      acc2 += av.z * bv;
      acc3 += av.w * bv;
    }
    workgroupBarrier();
  }
  let row0 = row_base + lid.y * 4u;
  let col0 = col_base + lid.x * 4u;
  store_row(wid.z, row0, col0, acc0);
  store_row(wid.z, row0 + 1u, col0, acc1);
  store_row(wid.z, row0 + 2u, col0, acc2);
  store_row(wid.z, row0 + 3u, col0, acc3);
}
