// Exact forward mode (RTRL; Neftci et al. 2019, §III-B eq. 8 with Θ′ → σ′), for
// any neuron model (its step and tangent snippets of shaders/neurons/): one
// step of the state sensitivities t = d state/dθ_p of hidden layer l to every
// entry p of one parameter tensor θ of layer m ≤ l:
//   d drive[n] = W_l·dS_{l−1}[n] (HAS_BELOW: l > m) + V_l·dS_l[n] (RECURRENT)
//                + [DIRECT: l = m, i = row(p)] S_src[n, col(p)]   (θ = W: S_src = S_in; θ = V: S_src = S_l)
//   t[n+1] = neuron_step_tangent(state[n], t[n], S[n], dS_l[n], d drive[n])
// S[n] is recomputed from state[n]. In place: each thread owns (b, i, p).
// Bindings: 0 params, 1 clock, 2 weights W_l [N][K], 3 recurrent V_l [N][N],
// 4 sens_s_below dS_{l−1} [B][K][P], 5 direct_src ([T][B][cols] if DIRECT_SEQUENCE,
// else [B][cols]), 6 state [B][N] at n, 7 sens_s dS_l [B][N][P],
// 8 sens t [B][N][P]. Unused bindings take any buffer.
// Threads: one per (sample, neuron, parameter).
override HAS_BELOW: bool = false;
override RECURRENT: bool = false;
override DIRECT: bool = false;
override DIRECT_SEQUENCE: bool = false;

struct Params {
  batch: u32,
  neurons: u32,     // N
  below: u32,       // K
  params_len: u32,  // P
  cols: u32,        // columns of θ
  neuron: NeuronParams,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> clock: array<u32>;
@group(0) @binding(2) var<storage, read> weights: array<f32>;
@group(0) @binding(3) var<storage, read> recurrent: array<f32>;
@group(0) @binding(4) var<storage, read> sens_s_below: array<f32>;
@group(0) @binding(5) var<storage, read> direct_src: array<f32>;
@group(0) @binding(6) var<storage, read> state: array<NeuronState>;
@group(0) @binding(7) var<storage, read> sens_s: array<f32>;
@group(0) @binding(8) var<storage, read_write> sens: array<NeuronState>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_id(gid, groups);
  let P = params.params_len;
  if (idx >= params.batch * params.neurons * P) { return; }
  let bi = idx / P;
  let p = idx % P;
  let b = bi / params.neurons;
  let i = bi % params.neurons;
  var d_drive = 0.0;
  if (HAS_BELOW) {
    for (var k = 0u; k < params.below; k++) {
      d_drive += weights[i * params.below + k] * sens_s_below[(b * params.below + k) * P + p];
    }
  }
  if (RECURRENT) {
    for (var k = 0u; k < params.neurons; k++) {
      d_drive += recurrent[i * params.neurons + k] * sens_s[(b * params.neurons + k) * P + p];
    }
  }
  if (DIRECT && p / params.cols == i) {
    var at = b * params.cols + p % params.cols;
    if (DIRECT_SEQUENCE) { at += clock[0] * params.batch * params.cols; }
    d_drive += direct_src[at];
  }
  let s = state[bi];
  let spike = neuron_fires(s, params.neuron);
  sens[idx] = neuron_step_tangent(s, sens[idx], spike, sens_s[idx], d_drive, params.neuron);
}
