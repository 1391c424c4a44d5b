// Exact forward mode (RTRL; Neftci et al. 2019, eq. 8 with Θ′ → σ′), spike
// sensitivities of one layer at step n, for every parameter p of one tensor and
// any neuron model (its step and tangent snippets of shaders/neurons/):
//   dS[b,i,p] = σ′(margin(state[b,i])) · d margin(t[b,i,p])
// Bindings: 0 params, 1 state [B][N] at n, 2 sens t [B][N][P],
// 3 sens_s dS [B][N][P] (write). Threads: one per (sample, neuron, parameter).
// Needs a surrogate snippet defining surrogate_grad(x, slope).
struct Params {
  count: u32,       // B·N·P
  params_len: u32,  // P
  slope: f32,
  neuron: NeuronParams,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> state: array<NeuronState>;
@group(0) @binding(2) var<storage, read> sens: array<NeuronState>;
@group(0) @binding(3) var<storage, read_write> sens_s: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_id(gid, groups);
  if (idx >= params.count) { return; }
  let s = state[idx / params.params_len];
  sens_s[idx] = neuron_spike_slope(s, params.neuron, params.slope) * neuron_margin_tangent(s, sens[idx], params.neuron);
}
