// Readout weights Wo [O][N] as the rgba32float texture that
// neurons/readout-fused-forward-texels reads:  texel (t, i) = (Wo[4t, i], Wo[4t+1, i],
// Wo[4t+2, i], Wo[4t+3, i]) (zero past O), t < ⌈O/4⌉, i < N.
// Bindings: 0 params, 1 weights Wo [O][N], 2 texels (write-only storage texture [⌈O/4⌉ × N]).
// Threads: one per texel (t, i).
struct Params {
  outputs: u32,
  neurons: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> weights: array<f32>;
@group(0) @binding(2) var texels: texture_storage_2d<rgba32float, write>;

fn weight(o: u32, i: u32) -> f32 {
  return select(0.0, weights[min(o, params.outputs - 1u) * params.neurons + i], o < params.outputs);
}

@compute @workgroup_size(4, 16)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let t = gid.x;
  let i = gid.y;
  if (4u * t >= params.outputs || i >= params.neurons) { return; }
  let o = 4u * t;
  textureStore(texels, vec2<u32>(t, i), vec4<f32>(weight(o, i), weight(o + 1u, i), weight(o + 2u, i), weight(o + 3u, i)));
}
