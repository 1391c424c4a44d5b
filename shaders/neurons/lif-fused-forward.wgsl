// Fused event-driven forward scan of a feed-forward LIF layer (DESIGN.md; Neftci
// et al. 2019, eqs. 4–5): the input propagation drive = W·S_in and the LIF time
// scan in one dispatch, states in registers for all T steps:
//   S[n] = Θ(U[n] − ϑ)
//   I[n+1] = α·I[n] + Σ_{k active in row (n, b)} S_in[n,b,k]·W[i,k]
//   U[n+1] = β·U[n] + I[n] − ϑ·S[n]          (RESET_ZERO: β·U[n]·(1 − S[n]) + I[n])
// The sum runs over the row's event list (linear/row-lists or linear/mask-lists), so its cost follows the
// number of active inputs. Stores U[n], S[n] ([T][B][N]) and the spike bits of S in
// the thread-word layout of linear/mask-lists: each thread's 32 neurons are one word,
// built without branches and written with one store per step.
// Bindings: 0 params, 1 in_spikes S_in [T·B][K], 2 in_lists (counts [T·B], then
// index [T·B][K], flag: nonzero when some input value is neither 0 nor 1), 3 weights_t
// Wᵀ [K][P] (P = N padded to a multiple of 512; unless TEXTURE), 4 membrane (write; u32
// words, see below), 5 spikes (written when WRITE_SPIKES: a store per neuron and step that
// only observers read; the backward recomputes S from U and the next layer reads the bits), 6 spike_mask [T·B·W] (written; zeroed before the
// dispatch for the words of threads past N), 7 weights_tex (TEXTURE: W as the rgba32float texels of linear/weight-texels).
// TEXTURE: one textureLoad fetches four of the thread's weights of an event, where a
// storage buffer costs four per-lane loads on a CPU adapter (18 % less time for the scan
// on SwiftShader at 784-512, p = 0.02).
// Membrane storage: f32 (HALF false): word r·N + i holds the bits of U[r, i].
// f16 (HALF true): U is rounded to half precision and packed two per word
// (pack2x16float): the pair of neurons i and i + 4 with ⌊(i mod 128)/4⌋ even sits in
// word r·H + 64·⌊i/128⌋ + 4·⌊(i mod 128)/8⌋ + i mod 4, i in the low half;
// H = 64·⌈N/128⌉ words per row. The pairs are those of one thread, so each thread
// writes whole words, and neighbouring threads neighbouring words. Rounding keeps
// the spike: a half that lands on the other side of ϑ than U moves by one unit in
// the last place (|error| < 1 ulp instead of ½), so the backward's U > ϑ is the
// forward's. |U| must stay below 65504 (the largest half).
// Threads: x: 32 neurons i0 + 4·t (t < 32) with i0 = 512·wx + 128·⌊l/4⌋ + l mod 4 for
// local index l (a workgroup of 16 covers 512 neurons; the 4 neighbouring
// invocations that a CPU adapter runs as one vector read 4 neighbouring neurons),
// y (+ z): sample b. The 32 neurons share each event's index (and
// value) loads: on a CPU adapter the per-event cost of walking the list is much
// larger than one weight load, so the tile is wide. Neighbouring threads share b,
// so they walk the same event list and read neighbouring weights.
// GRADED: the inputs may take values other than 0 and 1 (each event is weighted by its
// value). The binary variant has no value loads and no branch between the two loops;
// for a layer fed with data, linear/select-graded runs the variant that the row
// lists' flag asks for (indirect dispatch), so the choice stays on the GPU.
// PARTIAL: N is not a multiple of 128, so some thread has neurons ≥ N (checked per
// neuron); without it the per-neuron bounds branch is compiled out.
override RESET_ZERO: bool = false;
override PARTIAL: bool = true;
override GRADED: bool = false;
override HALF: bool = false;
override TEXTURE: bool = false;
override WRITE_SPIKES: bool = true;   // false: S as f32 is not stored (only the bits), for runs that nobody observes
const WGX: u32 = 16u;
const LANES: u32 = 4u;   // SIMD width of a CPU adapter: neighbouring invocations run as one vector

struct Params {
  steps: u32,
  batch: u32,
  neurons: u32,
  inputs: u32,
  words: u32,   // mask words per row of S: 16·⌈N / 512⌉
  padded: u32,  // P: columns of a Wᵀ row, N rounded up to a multiple of 512
  half_words: u32,  // H: membrane words per row when HALF
  threshold_half: u32,  // bits of the largest half ≤ ϑ (HALF)
  alpha: f32,
  beta: f32,
  threshold: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> in_spikes: array<f32>;
@group(0) @binding(2) var<storage, read> in_lists: array<u32>;
@group(0) @binding(3) var<storage, read> weights_t: array<f32>;
@group(0) @binding(4) var<storage, read_write> membrane: array<u32>;
@group(0) @binding(5) var<storage, read_write> spikes: array<f32>;
@group(0) @binding(6) var<storage, read_write> spike_mask: array<u32>;
@group(0) @binding(7) var weights_tex: texture_2d<f32>;

// One neuron's step: store U[n] (f32 storage) and S[n], return U[n+1]. PARTIAL: a neuron
// i ≥ N stores nothing and stays at 0 (no early return: wgpu, in Deno, hangs on one here).
fn step_out(r: u32, i: u32, u: f32, syn: f32) -> f32 {
  let inside = !PARTIAL | (i < params.neurons);
  let at = r * params.neurons + i;
  let s = select(0.0, 1.0, u > params.threshold);
  if (inside) {
    if (!HALF) { membrane[at] = bitcast<u32>(u); }
    if (WRITE_SPIKES) { spikes[at] = s; }
  }
  var next = params.beta * u + syn - params.threshold * s;
  if (RESET_ZERO) { next = params.beta * u * (1.0 - s) + syn; }
  return select(0.0, next, inside);
}

// Mask bits 4j … 4j + 3 of this thread's word for U[n] of its neurons 4j … 4j + 3 (no branch).
fn bits4(u: vec4<f32>, j: u32) -> u32 {
  let f = select(vec4<u32>(0u), vec4<u32>(1u, 2u, 4u, 8u), u > vec4<f32>(params.threshold));
  return (f.x | f.y | f.z | f.w) << (4u * j);
}

// U rounded to halves (pack2x16float), each kept on U's side of ϑ (ϑ > 0): a
// positive half h is > ϑ exactly when its bits exceed those of ⌊ϑ⌋_f16, the largest
// half ≤ ϑ (params.threshold_half), so a crossing rounding moves to that half or
// the next. Integer selects only (a float compare per lane).
fn pack_keep(u: vec2<f32>) -> u32 {
  let w = pack2x16float(u);
  let h = vec2<u32>(w & 0xffffu, w >> 16u);
  let a = vec2<u32>(params.threshold_half);
  let fired = u > vec2<f32>(params.threshold);
  var k = select(h, a + vec2<u32>(1u), fired & (h <= a));
  k = select(k, a, !fired & (h > a) & (h < vec2<u32>(0x8000u)));
  return k.x | (k.y << 16u);
}

// Weights W[i0 + 4·(4j + c), k] for c < 4 (component c): from texel (xb + j, k), or from
// Wᵀ at w = k·P + i0.
fn weights4(k: u32, w: u32, xb: u32, j: u32) -> vec4<f32> {
  if (TEXTURE) { return textureLoad(weights_tex, vec2<u32>(xb + j, k), 0); }
  let at = w + 16u * j;
  return vec4<f32>(weights_t[at], weights_t[at + LANES], weights_t[at + 2u * LANES], weights_t[at + 3u * LANES]);
}

@compute @workgroup_size(WGX)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let b = wid.y + wid.z * groups.y;
  let N = params.neurons;
  let K = params.inputs;
  let i0 = wid.x * 512u + (lid.x / 4u) * (4u * 32u) + lid.x % 4u;
  if (b >= params.batch || i0 >= N) { return; }
  let rows = params.steps * params.batch;
  var syn0 = vec4<f32>(0.0);
  var u0 = vec4<f32>(0.0);
  var syn1 = vec4<f32>(0.0);
  var u1 = vec4<f32>(0.0);
  var syn2 = vec4<f32>(0.0);
  var u2 = vec4<f32>(0.0);
  var syn3 = vec4<f32>(0.0);
  var u3 = vec4<f32>(0.0);
  var syn4 = vec4<f32>(0.0);
  var u4 = vec4<f32>(0.0);
  var syn5 = vec4<f32>(0.0);
  var u5 = vec4<f32>(0.0);
  var syn6 = vec4<f32>(0.0);
  var u6 = vec4<f32>(0.0);
  var syn7 = vec4<f32>(0.0);
  var u7 = vec4<f32>(0.0);
  let xb = wid.x * 128u + (lid.x / 4u) * 32u + (lid.x % 4u) * 8u;   // TEXTURE: this thread's first texel column
  // f16 storage: this thread's first word of a row (pairs (i0 + 8m, i0 + 8m + 4) at + 4m)
  let half_base = wid.x * 256u + (lid.x / 4u) * 64u + lid.x % 4u;
  // bits of the neurons < N (PARTIAL: the thread's last neurons may lie past N)
  var valid = 0xffffffffu;
  if (PARTIAL) {
    valid = select(0xffffffffu, (1u << ((N - i0 + 3u) / 4u)) - 1u, i0 + 4u * 31u >= N);
  }
  let mask_word = wid.x * 16u + lid.x;   // this thread's word in a row of the mask
  for (var n = 0u; n < params.steps; n++) {
    let r = n * params.batch + b;
    spike_mask[r * params.words + mask_word] = valid & (bits4(u0, 0u) | bits4(u1, 1u) | bits4(u2, 2u) | bits4(u3, 3u) |
                                                        bits4(u4, 4u) | bits4(u5, 5u) | bits4(u6, 6u) | bits4(u7, 7u));
    if (HALF) {
      let hw = r * params.half_words + half_base;
      membrane[hw + 0u] = pack_keep(u0.xy);
      membrane[hw + 4u] = pack_keep(u0.zw);
      membrane[hw + 8u] = pack_keep(u1.xy);
      membrane[hw + 12u] = pack_keep(u1.zw);
      membrane[hw + 16u] = pack_keep(u2.xy);
      membrane[hw + 20u] = pack_keep(u2.zw);
      membrane[hw + 24u] = pack_keep(u3.xy);
      membrane[hw + 28u] = pack_keep(u3.zw);
      membrane[hw + 32u] = pack_keep(u4.xy);
      membrane[hw + 36u] = pack_keep(u4.zw);
      membrane[hw + 40u] = pack_keep(u5.xy);
      membrane[hw + 44u] = pack_keep(u5.zw);
      membrane[hw + 48u] = pack_keep(u6.xy);
      membrane[hw + 52u] = pack_keep(u6.zw);
      membrane[hw + 56u] = pack_keep(u7.xy);
      membrane[hw + 60u] = pack_keep(u7.zw);
    }
    u0 = vec4<f32>(step_out(r, i0 + 0u * LANES, u0.x, syn0.x), step_out(r, i0 + 1u * LANES, u0.y, syn0.y), step_out(r, i0 + 2u * LANES, u0.z, syn0.z), step_out(r, i0 + 3u * LANES, u0.w, syn0.w));
    u1 = vec4<f32>(step_out(r, i0 + 4u * LANES, u1.x, syn1.x), step_out(r, i0 + 5u * LANES, u1.y, syn1.y), step_out(r, i0 + 6u * LANES, u1.z, syn1.z), step_out(r, i0 + 7u * LANES, u1.w, syn1.w));
    u2 = vec4<f32>(step_out(r, i0 + 8u * LANES, u2.x, syn2.x), step_out(r, i0 + 9u * LANES, u2.y, syn2.y), step_out(r, i0 + 10u * LANES, u2.z, syn2.z), step_out(r, i0 + 11u * LANES, u2.w, syn2.w));
    u3 = vec4<f32>(step_out(r, i0 + 12u * LANES, u3.x, syn3.x), step_out(r, i0 + 13u * LANES, u3.y, syn3.y), step_out(r, i0 + 14u * LANES, u3.z, syn3.z), step_out(r, i0 + 15u * LANES, u3.w, syn3.w));
    u4 = vec4<f32>(step_out(r, i0 + 16u * LANES, u4.x, syn4.x), step_out(r, i0 + 17u * LANES, u4.y, syn4.y), step_out(r, i0 + 18u * LANES, u4.z, syn4.z), step_out(r, i0 + 19u * LANES, u4.w, syn4.w));
    u5 = vec4<f32>(step_out(r, i0 + 20u * LANES, u5.x, syn5.x), step_out(r, i0 + 21u * LANES, u5.y, syn5.y), step_out(r, i0 + 22u * LANES, u5.z, syn5.z), step_out(r, i0 + 23u * LANES, u5.w, syn5.w));
    u6 = vec4<f32>(step_out(r, i0 + 24u * LANES, u6.x, syn6.x), step_out(r, i0 + 25u * LANES, u6.y, syn6.y), step_out(r, i0 + 26u * LANES, u6.z, syn6.z), step_out(r, i0 + 27u * LANES, u6.w, syn6.w));
    u7 = vec4<f32>(step_out(r, i0 + 28u * LANES, u7.x, syn7.x), step_out(r, i0 + 29u * LANES, u7.y, syn7.y), step_out(r, i0 + 30u * LANES, u7.z, syn7.z), step_out(r, i0 + 31u * LANES, u7.w, syn7.w));
    var d0 = vec4<f32>(0.0);
    var d1 = vec4<f32>(0.0);
    var d2 = vec4<f32>(0.0);
    var d3 = vec4<f32>(0.0);
    var d4 = vec4<f32>(0.0);
    var d5 = vec4<f32>(0.0);
    var d6 = vec4<f32>(0.0);
    var d7 = vec4<f32>(0.0);
    let count = in_lists[r];
    let list = rows + r * K;
    if (!GRADED) {
      for (var q = 0u; q < count; q++) {
        let k = in_lists[list + q];
        let w = k * params.padded + i0;
        d0 += weights4(k, w, xb, 0u);
        d1 += weights4(k, w, xb, 1u);
        d2 += weights4(k, w, xb, 2u);
        d3 += weights4(k, w, xb, 3u);
        d4 += weights4(k, w, xb, 4u);
        d5 += weights4(k, w, xb, 5u);
        d6 += weights4(k, w, xb, 6u);
        d7 += weights4(k, w, xb, 7u);
      }
    } else {
      let src = r * K;
      for (var q = 0u; q < count; q++) {
        let k = in_lists[list + q];
        let x = in_spikes[src + k];
        let w = k * params.padded + i0;
        d0 += x * weights4(k, w, xb, 0u);
        d1 += x * weights4(k, w, xb, 1u);
        d2 += x * weights4(k, w, xb, 2u);
        d3 += x * weights4(k, w, xb, 3u);
        d4 += x * weights4(k, w, xb, 4u);
        d5 += x * weights4(k, w, xb, 5u);
        d6 += x * weights4(k, w, xb, 6u);
        d7 += x * weights4(k, w, xb, 7u);
      }
    }
    syn0 = params.alpha * syn0 + d0;
    syn1 = params.alpha * syn1 + d1;
    syn2 = params.alpha * syn2 + d2;
    syn3 = params.alpha * syn3 + d3;
    syn4 = params.alpha * syn4 + d4;
    syn5 = params.alpha * syn5 + d5;
    syn6 = params.alpha * syn6 + d6;
    syn7 = params.alpha * syn7 + d7;
  }
}
