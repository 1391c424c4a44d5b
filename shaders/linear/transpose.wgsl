// Sum of S stacked matrices, transposed:  out[c][r] = Σ_{s<S} in[s][r][c]  for in [S][R][C]
// (row-major, rows of `stride` ≥ C elements; output rows of `out_stride` elements);
// without TRANSPOSE out[r][c] = Σ_s in[s][r][c].
// Used by the fused BPTT path: W [N][K] → Wᵀ [K][N] before the forward scan (so
// that neighbouring neurons read neighbouring weights), and after the backward
// scan the per-chunk slices dWᵀ [C][K][N] → dW [N][K] and dWo [C][O][N] → dWo [O][N].
// Bindings: 0 params, 1 input [S][R][C], 2 output (write).
// Threads: one per element of a slice, neighbouring threads read neighbouring inputs
// (the sum over slices streams through memory; the transposed stores are scattered).
// THREAD_ORDER: input columns are in the thread order of neurons/lif-fused-backward's dWᵀ
// slices (column c of the output's sense, a neuron, sits at 32·T + t for c = 512·⌊T/16⌋ +
// 128·⌊(T mod 16)/4⌋ + T mod 4 + 4·t). Its threads take four neighbouring positions each
// (t = 4j … 4j + 3 of one T: neurons c, c + 4, c + 8, c + 12), read as one vec4 per slice
// (binding 3, the input again), and store the four sums whose neurons are < cols: a quarter
// of the loads (on SwiftShader a vec4 load costs about what a scalar one does).
override TRANSPOSE: bool = true;
override THREAD_ORDER: bool = false;

fn source_column(c: u32) -> u32 {
  if (!THREAD_ORDER) { return c; }
  let rem = c % 512u;
  let r128 = rem % 128u;
  let thread = 16u * (c / 512u) + 4u * (rem / 128u) + r128 % 4u;
  return 32u * thread + r128 / 4u;
}

struct Params {
  rows: u32,
  cols: u32,
  slices: u32,
  stride: u32,       // elements per input row (≥ cols)
  out_stride: u32,   // elements per output row (≥ rows when TRANSPOSE, ≥ cols otherwise)
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> input: array<f32>;
@group(0) @binding(2) var<storage, read_write> output: array<f32>;
@group(0) @binding(3) var<storage, read> input4: array<vec4<f32>>;   // the input as vec4 (THREAD_ORDER)

// THREAD_ORDER: thread idx sums positions 4·q … 4·q + 3 of input row r (q < stride / 4)
fn thread_order_quad(idx: u32) {
  let quads = params.stride / 4u;
  if (idx >= params.rows * quads) { return; }
  let r = idx / quads;
  let q = idx % quads;
  let size4 = params.rows * quads;
  var acc = input4[idx];
  for (var s = 1u; s < params.slices; s++) { acc += input4[s * size4 + idx]; }
  let thread = q / 8u;   // 32 positions per thread
  let c = 512u * (thread / 16u) + 128u * ((thread % 16u) / 4u) + thread % 4u + 16u * (q % 8u);
  for (var j = 0u; j < 4u; j++) {
    if (c + 4u * j < params.cols) { output[(c + 4u * j) * params.out_stride + r] = acc[j]; }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_id(gid, groups);
  if (THREAD_ORDER) {
    thread_order_quad(idx);
    return;
  }
  if (idx >= params.rows * params.cols) { return; }
  let r = idx / params.cols;
  let c = idx % params.cols;
  let src = r * params.stride + source_column(c);
  let size = params.rows * params.stride;
  var acc = input[src];
  for (var s = 1u; s < params.slices; s++) { acc += input[s * size + src]; }
  var dst = r * params.out_stride + c;
  if (TRANSPOSE) { dst = c * params.out_stride + r; }
  output[dst] = acc;
}
