// Exact forward mode (RTRL) through the leaky-integrator readout, one step n:
// sensitivities of Uo, Io and of the reduced logits to every entry p of one
// parameter tensor θ (a hidden tensor: HAS_BELOW; the readout weights: DIRECT).
//   logit sensitivity Q: 'mean'/'sum' (logit = c·Σ_n y[n], linear in y):
//                        Q += c·dUo[n]  (c = 1/T | 1);
//                        'max' (logit = y[n*], first argmax): Q = dUo[n] when
//                        n = 0 or y[n] > running max (the running max before step n)
//   dIo[n+1] = α·dIo[n] + Wo·dS_L[n] (HAS_BELOW) + [DIRECT: o = row(p)] S_L[n, col(p)]
//   dUo[n+1] = β·dUo[n] + dIo[n]
// Runs before neurons/readout-step of the same n (which updates Uo and the running max).
// Bindings: 0 params, 1 clock, 2 weights Wo [O][K], 3 sens_s_below dS_L [B][K][P],
// 4 spikes_below S_L[n] [B][K], 5 voltage Uo[n] [B][O], 6 logits (running) [B][O],
// 7 sens dUo then dIo [2][B][O][P], 8 q [B][O][P]. Threads: one per (sample, output, parameter).
override REDUCE: u32 = 1u;  // 0 max, 1 mean, 2 sum
override HAS_BELOW: bool = false;
override DIRECT: bool = false;

struct Params {
  batch: u32,
  outputs: u32,
  below: u32,
  params_len: u32,
  cols: u32,
  steps: u32,
  alpha: f32,
  beta: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> clock: array<u32>;
@group(0) @binding(2) var<storage, read> weights: array<f32>;
@group(0) @binding(3) var<storage, read> sens_s_below: array<f32>;
@group(0) @binding(4) var<storage, read> spikes_below: array<f32>;
@group(0) @binding(5) var<storage, read> voltage: array<f32>;
@group(0) @binding(6) var<storage, read> logits: array<f32>;
@group(0) @binding(7) var<storage, read_write> sens: array<f32>;
@group(0) @binding(8) var<storage, read_write> q: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_id(gid, groups);
  let P = params.params_len;
  let total = params.batch * params.outputs * P;
  if (idx >= total) { return; }
  let bo = idx / P;
  let p = idx % P;
  let b = bo / params.outputs;
  let o = bo % params.outputs;
  let n = clock[0];
  let du = sens[idx];
  let di = sens[total + idx];
  if (REDUCE == 0u) {
    if (n == 0u || voltage[bo] > logits[bo]) { q[idx] = du; }
  } else if (REDUCE == 1u) {
    q[idx] += du / f32(params.steps);
  } else {
    q[idx] += du;
  }
  var cur = params.alpha * di;
  if (HAS_BELOW) {
    for (var k = 0u; k < params.below; k++) {
      cur += weights[o * params.below + k] * sens_s_below[(b * params.below + k) * P + p];
    }
  }
  if (DIRECT && p / params.cols == o) {
    cur += spikes_below[b * params.below + p % params.cols];
  }
  sens[idx] = params.beta * du + di;
  sens[total + idx] = cur;
}
