// A layer's weights W [N][K] as the rgba32float texture that neurons/lif-fused-forward
// reads with textureLoad (one fetch returns four weights of one thread's neurons):
//   texel (x, k) = (W[i_0, k], W[i_1, k], W[i_2, k], W[i_3, k]),
//   i_c = 512·⌊x/128⌋ + 128·⌊(x mod 128)/32⌋ + ⌊(x mod 32)/8⌋ + 16·(x mod 8) + 4·c
// (zero for i_c ≥ N), for x < P/4 (P = N padded to a multiple of 512) and k < K.
// That is the forward's thread layout: thread l of workgroup w owns neurons
// i0 + 4·t (t < 32, i0 = 512·w + 128·⌊l/4⌋ + l mod 4), and its texels are
// x = 128·w + 32·⌊l/4⌋ + 8·(l mod 4) + j, j < 8, holding t = 4·j + c.
// Bindings: 0 params, 1 weights W [N][K] (TRANSPOSED: Wᵀ [K][N]), 2 texels (write-only storage texture [P/4 × K]).
// Threads: one per texel (x, k) that the scan reads (x < usedTexels(N), kernels/linear/weight-texels.ts).
override TRANSPOSED: bool = false;   // the weights are given as Wᵀ [K][N] (a readout's Wo [O][N] for its N inputs)

struct Params {
  neurons: u32,
  inputs: u32,
  texels: u32,   // P / 4
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> weights: array<f32>;
@group(0) @binding(2) var texels: texture_storage_2d<rgba32float, write>;

fn weight(i: u32, k: u32) -> f32 {
  let n = params.neurons;
  let j = min(i, n - 1u);
  if (TRANSPOSED) { return select(0.0, weights[k * n + j], i < n); }
  return select(0.0, weights[j * params.inputs + k], i < n);
}

@compute @workgroup_size(16, 4)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let x = gid.x;
  let k = gid.y;
  if (x >= params.texels || k >= params.inputs) { return; }
  let i = 512u * (x / 128u) + 128u * ((x % 128u) / 32u) + (x % 32u) / 8u + 16u * (x % 8u);
  textureStore(texels, vec2<u32>(x, k), vec4<f32>(weight(i, k), weight(i + 4u, k), weight(i + 8u, k), weight(i + 12u, k)));
}
