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
// 128·⌊(T mod 16)/4⌋ + T mod 4 + 4·t).
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

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_id(gid, groups);
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
