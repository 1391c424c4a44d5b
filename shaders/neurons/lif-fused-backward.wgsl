// Fused reverse scan of a feed-forward LIF layer for surrogate BPTT (Neftci et
// al. 2019, Box 2 eq. 7 with σ′(U − ϑ) in place of Θ′), with its weight gradient
// and, for the layer under the readout, its gradient through the readout:
//   gS[n]  = TOP ? Σ_o gDo[n,b,o]·Wo[o,i] : grad_in[n,b,i]     (gDo = dL/d readout drive)
//   TOP: the readout is linear (neurons/readout-backward: gDo[n] = GI[n+1], GI[n] = αo·GI[n+1] + GU[n+1],
//   GU[n] = dL/dy[n] + βo·GU[n+1]), so Wo·gDo obeys the same recurrence per neuron:
//   gS[n] = P[n+1],  P[n] = αo·P[n+1] + Q[n+1],  Q[n] = Σ_o Wo[o,i]·dL/dy[n,b,o] + βo·Q[n+1]
//   (P[T] = Q[T] = 0): two multiply-adds per step, and the sum over outputs only on steps
//   where dL/dy is nonzero (one step per output and sample for a max-over-time readout).
//   then as neurons/lif-backward, with gU' = dL/dU[n+1], gI' = dL/dI[n+1]:
//   dL/d drive[n] = gI';  gS[n] −= ϑ·gU' (subtract) | β·U[n]·gU' (zero) unless DETACH_RESET
//   gU[n] = β·gU'·(RESET_ZERO ? 1 − S[n] : 1) + σ′(U[n] − ϑ)·gS[n];   gI[n] = α·gI' + gU'
//   dWᵀ[k][i] += S_in[n,b,k]·dL/d drive[n]   over the active inputs k of row (n, b)
// S[n] = Θ(U[n] − ϑ) is recomputed from the stored membrane (the same comparison
// as the forward scan; with f16 storage, HALF, the forward rounds U so that the
// comparison keeps its outcome, see neurons/lif-fused-forward). Sums over (n, b) stay in the thread that owns neuron i
// and sample chunk c, so dWᵀ is accumulated in place, without atomics, into per-chunk
// slices that linear/transpose sums afterwards. (The readout's own weight gradient is
// neurons/readout-fused-backward's.)
// Bindings: 0 params, 1 membrane U [T][B][N], 2 grad_in (TOP: dL/dy [T][B][O], the
// readout voltage gradient; else dL/dS [T][B][N]), 3 out_weights Wo [O][N] (TOP),
// 4 in_spikes S_in [T·B][K], 5 in_lists (counts, index, flag; linear/mask-lists),
// 6 grad_weights_t dWᵀ [C][K][P] in thread order (written; P = N padded to a multiple of
// 512: in each row the 32 neurons of a thread are contiguous, neuron i0 + 4·t at 32·T + t for
// thread T = 16·wx + l, so that a thread updates them as 8 vec4 values; linear/transpose
// with THREAD_ORDER reads them back; only when
// WEIGHT_GRAD), 7 grad_drive [T][B][N] (written when WRITE_GRAD_DRIVE), 8 row_live [T·B]
// (TOP: from neurons/readout-fused-backward; O ≤ 32: bit o set where dL/dy[r, o] ≠ 0, and
// the sum visits only those outputs, in a loop of as many iterations; more outputs: nonzero
// where some dL/dy is, and the sum runs over all outputs with a nonzero dL/dy), 9 out_tex
// (TOP with OUT_TEXTURE: Wo as the texels of linear/weight-texels, TRANSPOSED: texel (x, o)
// holds Wo[o, ·] of a thread's four neurons, so that the sum fetches 8 texels per output where
// the buffer costs 32 per-lane loads; the loop body runs at least once per step, masked,
// even where no output is live).
// Threads: x: 32 neurons i0 + 4·t (t < 32) with i0 = 512·wx + 128·⌊l/4⌋ + l mod 4 for
// local index l (a workgroup of 16 covers 512 neurons; the 4 neighbouring
// invocations that a CPU adapter runs as one vector handle 4 neighbouring neurons),
// y: sample chunk c, looping over its samples (c, c + C, …) and over the
// steps in reverse. The 32 neurons share each event's index (and value) loads:
// on a CPU adapter the per-event cost of walking a list is much larger than one
// update, so the tile is wide. Neighbouring threads read and update neighbouring
// addresses. Steps whose dL/d drive is zero for the whole tile (after the last
// step that reaches the loss) skip the event loop. GRADED: inputs other than 0 and 1
// (each event's update is weighted by its value; the binary variant has no value load
// and no multiply; see neurons/lif-fused-forward). Needs a surrogate snippet defining
// surrogate_grad(x, slope).
override TOP: bool = true;
override RESET_ZERO: bool = false;
override DETACH_RESET: bool = false;
override WRITE_GRAD_DRIVE: bool = false;
override WEIGHT_GRAD: bool = true;    // false: dW is left to linear/event-weight-grad-tiled (from grad_drive)
override HALF: bool = false;           // membrane stored as packed f16 pairs
override GRADED: bool = false;
override OUT_TEXTURE: bool = false;   // TOP: Wo from out_tex (texels) instead of out_weights
const WG: u32 = 16u;
const LANES: u32 = 4u;   // SIMD width of a CPU adapter: neighbouring invocations run as one vector

struct Params {
  steps: u32,
  batch: u32,
  neurons: u32,
  inputs: u32,
  outputs: u32,
  chunks: u32,   // sample chunks C
  padded: u32,   // P: columns of a dWᵀ row
  half_words: u32,  // membrane words per row when HALF
  alpha: f32,
  beta: f32,
  threshold: f32,
  slope: f32,
  readout_alpha: f32,
  readout_beta: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> membrane: array<u32>;
@group(0) @binding(2) var<storage, read> grad_in: array<f32>;
@group(0) @binding(3) var<storage, read> out_weights: array<f32>;
@group(0) @binding(4) var<storage, read> in_spikes: array<f32>;
@group(0) @binding(5) var<storage, read> in_lists: array<u32>;
@group(0) @binding(6) var<storage, read_write> grad_weights_t: array<vec4<f32>>;
@group(0) @binding(7) var<storage, read_write> grad_drive: array<f32>;
@group(0) @binding(8) var<storage, read> row_live: array<u32>;
@group(0) @binding(9) var out_tex: texture_2d<f32>;

struct Carry {
  g_u: f32,   // dL/dU[n+1]
  g_i: f32,   // dL/dI[n+1]
}

// One neuron's reverse step n (row r) given its U[n] and gS[n] (readout or
// upper-layer term); returns the carry for step n − 1.
// Neurons i ≥ N (in a layer's last, partial tile) run the same arithmetic on the clamped
// loads of neuron N − 1: finite values that reach only the padding columns of dWᵀ; no
// per-neuron branch (a CPU adapter pays for each).
fn step_back(r: u32, i: u32, u: f32, g_in: f32, c: Carry) -> Carry {
  if (WRITE_GRAD_DRIVE) {
    if (i < params.neurons) { grad_drive[r * params.neurons + i] = c.g_i; }
  }
  var g_s = g_in;
  var keep = 1.0;
  if (RESET_ZERO) {
    keep = select(1.0, 0.0, u > params.threshold);
    if (!DETACH_RESET) { g_s -= params.beta * u * c.g_u; }
  } else {
    if (!DETACH_RESET) { g_s -= params.threshold * c.g_u; }
  }
  return Carry(params.beta * keep * c.g_u + surrogate_grad(u - params.threshold, params.slope) * g_s,
               params.alpha * c.g_i + c.g_u);
}

// Whether some component is nonzero, NaN included (compares bits, not floats, so
// that a NaN gradient is never skipped).
fn nonzero(g: vec4<f32>) -> bool {
  return any((bitcast<vec4<u32>>(g) & vec4<u32>(0x7fffffffu)) != vec4<u32>(0u));
}

// U[n] of neurons i, i + 4, i + 8, i + 12 of row r (f32: indices clamped to N − 1;
// HALF: i = i0 + 16·k of this thread, two packed words).
fn membrane4(r: u32, i: u32) -> vec4<f32> {
  if (HALF) {
    let w = r * params.half_words + 64u * (i / 128u) + 4u * ((i % 128u) / 8u) + i % 4u;
    return vec4<f32>(unpack2x16float(membrane[w]), unpack2x16float(membrane[w + 4u]));
  }
  let row = r * params.neurons;
  let last = params.neurons - 1u;
  return vec4<f32>(bitcast<f32>(membrane[row + min(i, last)]), bitcast<f32>(membrane[row + min(i + LANES, last)]),
                   bitcast<f32>(membrane[row + min(i + 2u * LANES, last)]), bitcast<f32>(membrane[row + min(i + 3u * LANES, last)]));
}
fn out_weights4(row: u32, i: u32) -> vec4<f32> {
  let last = params.neurons - 1u;
  return vec4<f32>(out_weights[row + min(i, last)], out_weights[row + min(i + LANES, last)],
                   out_weights[row + min(i + 2u * LANES, last)], out_weights[row + min(i + 3u * LANES, last)]);
}
// Wo[o, ·] of this thread's neurons i0 + 4·(4j + c), c < 4 (from the texels at xb + j, or the buffer)
fn out_weights_tile(o: u32, wo: u32, i: u32, xb: u32, j: u32) -> vec4<f32> {
  if (OUT_TEXTURE) { return textureLoad(out_tex, vec2<u32>(xb + j, o), 0); }
  return out_weights4(wo, i);
}
fn grad_in4(row: u32, i: u32) -> vec4<f32> {
  let last = params.neurons - 1u;
  return vec4<f32>(grad_in[row + min(i, last)], grad_in[row + min(i + LANES, last)],
                   grad_in[row + min(i + 2u * LANES, last)], grad_in[row + min(i + 3u * LANES, last)]);
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let N = params.neurons;
  let K = params.inputs;
  let P = params.padded;
  let chunk = wid.y;
  let i0 = wid.x * 512u + (lid.x / 4u) * (4u * 32u) + lid.x % 4u;
  if (i0 >= N || chunk >= params.chunks) { return; }
  let rows = params.steps * params.batch;
  // this chunk's dWᵀ slice [K][P] (vec4 index): row k of this thread's neurons at gw + k·P/4
  let gw = (chunk * K * P + (wid.x * 16u + lid.x) * 32u) / 4u;
  let P4 = P / 4u;
  let xb = wid.x * 128u + (lid.x / 4u) * 32u + (lid.x % 4u) * 8u;   // OUT_TEXTURE: this thread's first texel column
  if (WEIGHT_GRAD) {
    for (var k = 0u; k < K; k++) {
      for (var j = 0u; j < 8u; j++) { grad_weights_t[gw + k * P4 + j] = vec4<f32>(0.0); }
    }
  }
  for (var b = chunk; b < params.batch; b += params.chunks) {
    var a0 = Carry(0.0, 0.0);
    var a1 = Carry(0.0, 0.0);
    var a2 = Carry(0.0, 0.0);
    var a3 = Carry(0.0, 0.0);
    var a4 = Carry(0.0, 0.0);
    var a5 = Carry(0.0, 0.0);
    var a6 = Carry(0.0, 0.0);
    var a7 = Carry(0.0, 0.0);
    var a8 = Carry(0.0, 0.0);
    var a9 = Carry(0.0, 0.0);
    var a10 = Carry(0.0, 0.0);
    var a11 = Carry(0.0, 0.0);
    var a12 = Carry(0.0, 0.0);
    var a13 = Carry(0.0, 0.0);
    var a14 = Carry(0.0, 0.0);
    var a15 = Carry(0.0, 0.0);
    var a16 = Carry(0.0, 0.0);
    var a17 = Carry(0.0, 0.0);
    var a18 = Carry(0.0, 0.0);
    var a19 = Carry(0.0, 0.0);
    var a20 = Carry(0.0, 0.0);
    var a21 = Carry(0.0, 0.0);
    var a22 = Carry(0.0, 0.0);
    var a23 = Carry(0.0, 0.0);
    var a24 = Carry(0.0, 0.0);
    var a25 = Carry(0.0, 0.0);
    var a26 = Carry(0.0, 0.0);
    var a27 = Carry(0.0, 0.0);
    var a28 = Carry(0.0, 0.0);
    var a29 = Carry(0.0, 0.0);
    var a30 = Carry(0.0, 0.0);
    var a31 = Carry(0.0, 0.0);
    // TOP: P[n+1] and Q[n+1] of the tile's neurons (component c of entry j: neuron i0 + 4·(4j + c))
    var p0 = vec4<f32>(0.0);
    var p1 = vec4<f32>(0.0);
    var p2 = vec4<f32>(0.0);
    var p3 = vec4<f32>(0.0);
    var p4 = vec4<f32>(0.0);
    var p5 = vec4<f32>(0.0);
    var p6 = vec4<f32>(0.0);
    var p7 = vec4<f32>(0.0);
    var q0 = vec4<f32>(0.0);
    var q1 = vec4<f32>(0.0);
    var q2 = vec4<f32>(0.0);
    var q3 = vec4<f32>(0.0);
    var q4 = vec4<f32>(0.0);
    var q5 = vec4<f32>(0.0);
    var q6 = vec4<f32>(0.0);
    var q7 = vec4<f32>(0.0);
    for (var step = params.steps; step > 0u; step--) {
      let r = (step - 1u) * params.batch + b;
      // dWᵀ[k][i] += S_in[n,b,k]·dL/d drive[n],  dL/d drive[n] = gI[n+1]
      let g0 = vec4<f32>(a0.g_i, a1.g_i, a2.g_i, a3.g_i);
      let g1 = vec4<f32>(a4.g_i, a5.g_i, a6.g_i, a7.g_i);
      let g2 = vec4<f32>(a8.g_i, a9.g_i, a10.g_i, a11.g_i);
      let g3 = vec4<f32>(a12.g_i, a13.g_i, a14.g_i, a15.g_i);
      let g4 = vec4<f32>(a16.g_i, a17.g_i, a18.g_i, a19.g_i);
      let g5 = vec4<f32>(a20.g_i, a21.g_i, a22.g_i, a23.g_i);
      let g6 = vec4<f32>(a24.g_i, a25.g_i, a26.g_i, a27.g_i);
      let g7 = vec4<f32>(a28.g_i, a29.g_i, a30.g_i, a31.g_i);
      // | and &, not || and &&: each short-circuit is a branch, which a CPU adapter pays for
      if (WEIGHT_GRAD & (nonzero(g0) | nonzero(g1) | nonzero(g2) | nonzero(g3) | nonzero(g4) | nonzero(g5) | nonzero(g6) | nonzero(g7))) {
        let count = in_lists[r];
        let list = rows + r * K;
        let src = r * K;
        for (var q = 0u; q < count; q++) {
          let k = in_lists[list + q];
          let w = gw + k * P4;
          // the event's value (1 for binary inputs: no load, no multiply)
          var e0 = g0;
          var e1 = g1;
          var e2 = g2;
          var e3 = g3;
          var e4 = g4;
          var e5 = g5;
          var e6 = g6;
          var e7 = g7;
          if (GRADED) {
            let x = in_spikes[src + k];
            e0 = x * g0;
            e1 = x * g1;
            e2 = x * g2;
            e3 = x * g3;
            e4 = x * g4;
            e5 = x * g5;
            e6 = x * g6;
            e7 = x * g7;
          }
          grad_weights_t[w + 0u] += e0;
          grad_weights_t[w + 1u] += e1;
          grad_weights_t[w + 2u] += e2;
          grad_weights_t[w + 3u] += e3;
          grad_weights_t[w + 4u] += e4;
          grad_weights_t[w + 5u] += e5;
          grad_weights_t[w + 6u] += e6;
          grad_weights_t[w + 7u] += e7;
        }
      }
      let row = r * N;
      let u0 = membrane4(r, i0 + 0u * LANES);
      let u1 = membrane4(r, i0 + 4u * LANES);
      let u2 = membrane4(r, i0 + 8u * LANES);
      let u3 = membrane4(r, i0 + 12u * LANES);
      let u4 = membrane4(r, i0 + 16u * LANES);
      let u5 = membrane4(r, i0 + 20u * LANES);
      let u6 = membrane4(r, i0 + 24u * LANES);
      let u7 = membrane4(r, i0 + 28u * LANES);
      var s0 = vec4<f32>(0.0);
      var s1 = vec4<f32>(0.0);
      var s2 = vec4<f32>(0.0);
      var s3 = vec4<f32>(0.0);
      var s4 = vec4<f32>(0.0);
      var s5 = vec4<f32>(0.0);
      var s6 = vec4<f32>(0.0);
      var s7 = vec4<f32>(0.0);
      if (TOP) {
        s0 = p0;
        s1 = p1;
        s2 = p2;
        s3 = p3;
        s4 = p4;
        s5 = p5;
        s6 = p6;
        s7 = p7;
        let go = r * params.outputs;
        // E[n] = Σ_o Wo[o,i]·dL/dy[n,b,o] over the outputs whose dL/dy is nonzero (NaN is), on the
        // rows that neurons/readout-fused-backward flagged as having one
        var e0 = vec4<f32>(0.0);
        var e1 = vec4<f32>(0.0);
        var e2 = vec4<f32>(0.0);
        var e3 = vec4<f32>(0.0);
        var e4 = vec4<f32>(0.0);
        var e5 = vec4<f32>(0.0);
        var e6 = vec4<f32>(0.0);
        var e7 = vec4<f32>(0.0);
        // a CPU adapter runs an if-block even where it is skipped (masked), so the outputs to
        // sum are the iterations of a loop: one per set bit, not a test per output
        var bits = row_live[r];
        var visits = countOneBits(bits);
        if (params.outputs > 32u) { visits = select(0u, params.outputs, bits != 0u); }
        for (var j = 0u; j < visits; j++) {
          var o = j;
          if (params.outputs <= 32u) {
            o = firstTrailingBit(bits);
            bits &= bits - 1u;
          }
          let g = grad_in[go + o];
          let wo = o * N;
          e0 += g * out_weights_tile(o, wo, i0 + 0u * LANES, xb, 0u);
          e1 += g * out_weights_tile(o, wo, i0 + 4u * LANES, xb, 1u);
          e2 += g * out_weights_tile(o, wo, i0 + 8u * LANES, xb, 2u);
          e3 += g * out_weights_tile(o, wo, i0 + 12u * LANES, xb, 3u);
          e4 += g * out_weights_tile(o, wo, i0 + 16u * LANES, xb, 4u);
          e5 += g * out_weights_tile(o, wo, i0 + 20u * LANES, xb, 5u);
          e6 += g * out_weights_tile(o, wo, i0 + 24u * LANES, xb, 6u);
          e7 += g * out_weights_tile(o, wo, i0 + 28u * LANES, xb, 7u);
        }
        let ra = params.readout_alpha;
        let rb = params.readout_beta;
        p0 = ra * p0 + q0;
        p1 = ra * p1 + q1;
        p2 = ra * p2 + q2;
        p3 = ra * p3 + q3;
        p4 = ra * p4 + q4;
        p5 = ra * p5 + q5;
        p6 = ra * p6 + q6;
        p7 = ra * p7 + q7;
        q0 = e0 + rb * q0;
        q1 = e1 + rb * q1;
        q2 = e2 + rb * q2;
        q3 = e3 + rb * q3;
        q4 = e4 + rb * q4;
        q5 = e5 + rb * q5;
        q6 = e6 + rb * q6;
        q7 = e7 + rb * q7;
      } else {
        s0 = grad_in4(row, i0 + 0u * LANES);
        s1 = grad_in4(row, i0 + 4u * LANES);
        s2 = grad_in4(row, i0 + 8u * LANES);
        s3 = grad_in4(row, i0 + 12u * LANES);
        s4 = grad_in4(row, i0 + 16u * LANES);
        s5 = grad_in4(row, i0 + 20u * LANES);
        s6 = grad_in4(row, i0 + 24u * LANES);
        s7 = grad_in4(row, i0 + 28u * LANES);
      }
      a0 = step_back(r, i0 + 0u * LANES, u0.x, s0.x, a0);
      a1 = step_back(r, i0 + 1u * LANES, u0.y, s0.y, a1);
      a2 = step_back(r, i0 + 2u * LANES, u0.z, s0.z, a2);
      a3 = step_back(r, i0 + 3u * LANES, u0.w, s0.w, a3);
      a4 = step_back(r, i0 + 4u * LANES, u1.x, s1.x, a4);
      a5 = step_back(r, i0 + 5u * LANES, u1.y, s1.y, a5);
      a6 = step_back(r, i0 + 6u * LANES, u1.z, s1.z, a6);
      a7 = step_back(r, i0 + 7u * LANES, u1.w, s1.w, a7);
      a8 = step_back(r, i0 + 8u * LANES, u2.x, s2.x, a8);
      a9 = step_back(r, i0 + 9u * LANES, u2.y, s2.y, a9);
      a10 = step_back(r, i0 + 10u * LANES, u2.z, s2.z, a10);
      a11 = step_back(r, i0 + 11u * LANES, u2.w, s2.w, a11);
      a12 = step_back(r, i0 + 12u * LANES, u3.x, s3.x, a12);
      a13 = step_back(r, i0 + 13u * LANES, u3.y, s3.y, a13);
      a14 = step_back(r, i0 + 14u * LANES, u3.z, s3.z, a14);
      a15 = step_back(r, i0 + 15u * LANES, u3.w, s3.w, a15);
      a16 = step_back(r, i0 + 16u * LANES, u4.x, s4.x, a16);
      a17 = step_back(r, i0 + 17u * LANES, u4.y, s4.y, a17);
      a18 = step_back(r, i0 + 18u * LANES, u4.z, s4.z, a18);
      a19 = step_back(r, i0 + 19u * LANES, u4.w, s4.w, a19);
      a20 = step_back(r, i0 + 20u * LANES, u5.x, s5.x, a20);
      a21 = step_back(r, i0 + 21u * LANES, u5.y, s5.y, a21);
      a22 = step_back(r, i0 + 22u * LANES, u5.z, s5.z, a22);
      a23 = step_back(r, i0 + 23u * LANES, u5.w, s5.w, a23);
      a24 = step_back(r, i0 + 24u * LANES, u6.x, s6.x, a24);
      a25 = step_back(r, i0 + 25u * LANES, u6.y, s6.y, a25);
      a26 = step_back(r, i0 + 26u * LANES, u6.z, s6.z, a26);
      a27 = step_back(r, i0 + 27u * LANES, u6.w, s6.w, a27);
      a28 = step_back(r, i0 + 28u * LANES, u7.x, s7.x, a28);
      a29 = step_back(r, i0 + 29u * LANES, u7.y, s7.y, a29);
      a30 = step_back(r, i0 + 30u * LANES, u7.z, s7.z, a30);
      a31 = step_back(r, i0 + 31u * LANES, u7.w, s7.w, a31);
    }
  }
}
