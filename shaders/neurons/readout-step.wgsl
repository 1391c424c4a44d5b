// One time step n = clock[0] of the leaky-integrator readout (DESIGN.md) with the
// reduction over time kept as a running value, so no [T] history is stored:
//   y[n] = Uo[n];  logits ← max (first argmax: n = 0 or y > running max) | + y/T | + y
//   Io[n+1] = α·Io[n] + Wo·S_in[n],  Uo[n+1] = β·Uo[n] + Io[n]
// After step T−1, logits equal the reduction of loss/cross-entropy.
// Bindings: 0 params, 1 clock, 2 spikes_in [B][K], 3 weights Wo [O][K],
// 4 voltage Uo [B][O], 5 current Io [B][O], 6 logits [B][O].
// Threads: one per (sample, output).
override REDUCE: u32 = 1u;  // 0 max, 1 mean, 2 sum

struct Params {
  batch: u32,
  outputs: u32,
  inputs: u32,
  steps: u32,
  alpha: f32,
  beta: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> clock: array<u32>;
@group(0) @binding(2) var<storage, read> spikes_in: array<f32>;
@group(0) @binding(3) var<storage, read> weights: array<f32>;
@group(0) @binding(4) var<storage, read_write> voltage: array<f32>;
@group(0) @binding(5) var<storage, read_write> current: array<f32>;
@group(0) @binding(6) var<storage, read_write> logits: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_id(gid, groups);
  if (idx >= params.batch * params.outputs) { return; }
  let b = idx / params.outputs;
  let o = idx % params.outputs;
  let n = clock[0];
  let y = voltage[idx];
  if (REDUCE == 0u) {
    if (n == 0u || y > logits[idx]) { logits[idx] = y; }
  } else if (REDUCE == 1u) {
    logits[idx] += y / f32(params.steps);
  } else {
    logits[idx] += y;
  }
  var drive = 0.0;
  for (var k = 0u; k < params.inputs; k++) {
    let s = spikes_in[b * params.inputs + k];
    if (s != 0.0) { drive += weights[o * params.inputs + k] * s; }
  }
  let io = current[idx];
  voltage[idx] = params.beta * y + io;
  current[idx] = params.alpha * io + drive;
}
