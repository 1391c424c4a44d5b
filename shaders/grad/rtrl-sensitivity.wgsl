// Exact forward mode (RTRL; Neftci et al. 2019, §III-B eq. 8, Θ′ → σ′): one step
// of the state sensitivities of hidden layer l to every entry p of one parameter
// tensor θ of layer m ≤ l (DESIGN.md's canonical LIF):
//   dI[n+1] = α·dI[n] + W_l·dS_{l−1}[n] (HAS_BELOW: l > m) + V_l·dS_l[n] (RECURRENT)
//             + [DIRECT: l = m, i = row(p)] S_src[n, col(p)]   (θ = W: S_src = S_in; θ = V: S_src = S_l)
//   dU[n+1] = β·keep·dU[n] + dI[n] − r·dS_l[n]
//     keep = 1 − S[n] (RESET_ZERO) else 1;  r = ϑ (subtract) | β·U[n] (zero) | 0 (DETACH_RESET)
// S[n] = Θ(U[n] − ϑ) is recomputed from U[n]. In place: each thread owns (b, i, p).
// Bindings: 0 params, 1 clock, 2 weights W_l [N][K], 3 recurrent V_l [N][N],
// 4 sens_s_below dS_{l−1} [B][K][P], 5 direct_src ([T][B][cols] if DIRECT_SEQUENCE,
// else [B][cols]), 6 membrane U_l[n] [B][N], 7 sens_s dS_l [B][N][P],
// 8 sens dU then dI, [2][B][N][P]. Unused bindings take any buffer.
// Threads: one per (sample, neuron, parameter).
override HAS_BELOW: bool = false;
override RECURRENT: bool = false;
override DIRECT: bool = false;
override DIRECT_SEQUENCE: bool = false;
override RESET_ZERO: bool = false;
override DETACH_RESET: bool = false;

struct Params {
  batch: u32,
  neurons: u32,     // N
  below: u32,       // K
  params_len: u32,  // P
  cols: u32,        // columns of θ
  alpha: f32,
  beta: f32,
  threshold: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> clock: array<u32>;
@group(0) @binding(2) var<storage, read> weights: array<f32>;
@group(0) @binding(3) var<storage, read> recurrent: array<f32>;
@group(0) @binding(4) var<storage, read> sens_s_below: array<f32>;
@group(0) @binding(5) var<storage, read> direct_src: array<f32>;
@group(0) @binding(6) var<storage, read> membrane: array<f32>;
@group(0) @binding(7) var<storage, read> sens_s: array<f32>;
@group(0) @binding(8) var<storage, read_write> sens: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_id(gid, groups);
  let P = params.params_len;
  let total = params.batch * params.neurons * P;
  if (idx >= total) { return; }
  let bi = idx / P;
  let p = idx % P;
  let b = bi / params.neurons;
  let i = bi % params.neurons;
  let du = sens[idx];
  let di = sens[total + idx];
  var cur = params.alpha * di;
  if (HAS_BELOW) {
    for (var k = 0u; k < params.below; k++) {
      cur += weights[i * params.below + k] * sens_s_below[(b * params.below + k) * P + p];
    }
  }
  if (RECURRENT) {
    for (var k = 0u; k < params.neurons; k++) {
      cur += recurrent[i * params.neurons + k] * sens_s[(b * params.neurons + k) * P + p];
    }
  }
  if (DIRECT && p / params.cols == i) {
    var at = b * params.cols + p % params.cols;
    if (DIRECT_SEQUENCE) { at += clock[0] * params.batch * params.cols; }
    cur += direct_src[at];
  }
  let u = membrane[bi];
  var keep = 1.0;
  var r = params.threshold;
  if (RESET_ZERO) {
    keep = select(1.0, 0.0, u > params.threshold);
    r = params.beta * u;
  }
  if (DETACH_RESET) { r = 0.0; }
  sens[idx] = params.beta * keep * du + di - r * sens_s[idx];
  sens[total + idx] = cur;
}
