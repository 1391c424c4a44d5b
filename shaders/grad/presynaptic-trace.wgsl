// Presynaptic eligibility trace (SuperSpike / e-prop; Neftci et al. 2019, eqs.
// 11–12 without the reset term), one step n = clock[0], per (sample, input j):
//   ε_U[n+1] = β·ε_U[n] + ε_I[n],   ε_I[n+1] = α·ε_I[n] + S_j[n]
// ε_U[n] is dU_i[n]/dW_ij of a postsynaptic neuron whose own reset and recurrence
// are ignored. S is row n mod rows of [rows][B][K] (INPUT_SEQUENCE; rows = T, or k
// for input written in windows of k steps) or [B][K].
// Bindings: 0 params, 1 clock, 2 spikes, 3 trace_i ε_I [B][K], 4 trace_u ε_U [B][K].
// Threads: one per (sample, input).
override INPUT_SEQUENCE: bool = false;

struct Params {
  count: u32,  // B·K
  alpha: f32,
  beta: f32,
  rows: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> clock: array<u32>;
@group(0) @binding(2) var<storage, read> spikes: array<f32>;
@group(0) @binding(3) var<storage, read_write> trace_i: array<f32>;
@group(0) @binding(4) var<storage, read_write> trace_u: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_id(gid, groups);
  if (idx >= params.count) { return; }
  var at = idx;
  if (INPUT_SEQUENCE) { at += (clock[0] % params.rows) * params.count; }
  let ei = trace_i[idx];
  trace_u[idx] = params.beta * trace_u[idx] + ei;
  trace_i[idx] = params.alpha * ei + spikes[at];
}
