// Fused readout forward for up to 16 outputs (same equations, bindings 0–1 and 3 and
// output as neurons/readout-fused-forward):
//   y[n] = Uo[n];  Uo[n+1] = β·Uo[n] + Io[n];  Io[n+1] = α·Io[n] + Σ_{i : S_L[n,b,i] = 1} Wo[o,i]
// with Wo read as texels (linear/readout-texels: texel (t, i) holds Wo[4t … 4t+3, i]), so
// that one thread per sample carries all outputs in TEXELS vec4 accumulators and each
// spike costs one list load and TEXELS fetches, where the thread-per-output kernel pays a
// list load and a weight load per output (and leaves 6 of 16 lanes idle at 10 outputs).
// Bindings: 0 params, 1 spike_lists (counts [T·B], index [T·B][N]), 2 weight texels
// ([TEXELS × N] rgba32float), 3 voltage y [T][B][O] (write).
// Threads: one per sample b (x, split over y past 65535 workgroups).
override TEXELS: u32 = 3u;   // ⌈O / 4⌉, at most 4

// Params and bindings 0, 1 and 3: common/readout-forward-bindings.wgsl.
@group(0) @binding(2) var weight_texels: texture_2d<f32>;

// y[r, 4t … 4t+3] for the outputs that exist
fn store4(at: u32, t: u32, u: vec4<f32>) {
  let o = 4u * t;
  if (o < params.outputs) { voltage[at + o] = u.x; }
  if (o + 1u < params.outputs) { voltage[at + o + 1u] = u.y; }
  if (o + 2u < params.outputs) { voltage[at + o + 2u] = u.z; }
  if (o + 3u < params.outputs) { voltage[at + o + 3u] = u.w; }
}

@compute @workgroup_size(16)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let b = gid.x + gid.y * groups.x * 16u;
  if (b >= params.batch) { return; }
  let rows = params.steps * params.batch;
  var syn0 = vec4<f32>(0.0);
  var syn1 = vec4<f32>(0.0);
  var syn2 = vec4<f32>(0.0);
  var syn3 = vec4<f32>(0.0);
  var u0 = vec4<f32>(0.0);
  var u1 = vec4<f32>(0.0);
  var u2 = vec4<f32>(0.0);
  var u3 = vec4<f32>(0.0);
  for (var n = 0u; n < params.steps; n++) {
    let r = n * params.batch + b;
    let at = r * params.outputs;
    store4(at, 0u, u0);
    if (TEXELS > 1u) { store4(at, 1u, u1); }
    if (TEXELS > 2u) { store4(at, 2u, u2); }
    if (TEXELS > 3u) { store4(at, 3u, u3); }
    u0 = params.beta * u0 + syn0;
    u1 = params.beta * u1 + syn1;
    u2 = params.beta * u2 + syn2;
    u3 = params.beta * u3 + syn3;
    var d0 = vec4<f32>(0.0);
    var d1 = vec4<f32>(0.0);
    var d2 = vec4<f32>(0.0);
    var d3 = vec4<f32>(0.0);
    let count = spike_lists[r];
    let list = rows + r * params.neurons;
    for (var q = 0u; q < count; q++) {
      let i = spike_lists[list + q];
      d0 += textureLoad(weight_texels, vec2<u32>(0u, i), 0);
      if (TEXELS > 1u) { d1 += textureLoad(weight_texels, vec2<u32>(1u, i), 0); }
      if (TEXELS > 2u) { d2 += textureLoad(weight_texels, vec2<u32>(2u, i), 0); }
      if (TEXELS > 3u) { d3 += textureLoad(weight_texels, vec2<u32>(3u, i), 0); }
    }
    syn0 = params.alpha * syn0 + d0;
    syn1 = params.alpha * syn1 + d1;
    syn2 = params.alpha * syn2 + d2;
    syn3 = params.alpha * syn3 + d3;
  }
}
