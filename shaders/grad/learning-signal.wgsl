// Factorized eligibility traces (SuperSpike eq. 13 / e-prop): the postsynaptic
// factor of layer l at step n = clock[0], in place on the learning signal λ:
//   δ[b,i] = σ′(U[b,i] − ϑ) · λ[b,i] · (APPLY_RESPONSE ? scale·h[n] : 1)
// λ comes from an output error through a feedback matrix (λ = e·F; then
// APPLY_RESPONSE with scale = c of the readout reduction, h[n] = readout_response)
// or from the layer above (λ = δ_{l+1}·F); h[n] is the response of the LIF
// readout (readout_alpha, readout_beta). The weight update is then dW += δᵀ·ε_U
// (linear/matmul) or, with per-synapse traces, grad/synapse-eligibility.
// Bindings: 0 params, 1 clock, 2 state [B][N] at n, 3 delta [B][N] (λ in, δ out).
// Needs common/readout-response and a surrogate snippet. Threads: one per (sample, neuron).
override APPLY_RESPONSE: bool = false;

struct Params {
  count: u32,
  steps: u32,
  readout_alpha: f32,
  readout_beta: f32,
  slope: f32,
  scale: f32,
  neuron: NeuronParams,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> clock: array<u32>;
@group(0) @binding(2) var<storage, read> state: array<NeuronState>;
@group(0) @binding(3) var<storage, read_write> delta: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_id(gid, groups);
  if (idx >= params.count) { return; }
  var f = neuron_spike_slope(state[idx], params.neuron, params.slope);
  if (APPLY_RESPONSE) { f *= params.scale * readout_response(params.readout_alpha, params.readout_beta, params.steps, clock[0]); }
  delta[idx] = f * delta[idx];
}
