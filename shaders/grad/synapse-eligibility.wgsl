// Per-synapse eligibility traces (e-prop; Bellec et al. 2020) for a neuron model
// whose own-dynamics sensitivity depends on the postsynaptic neuron (QIF, ALIF;
// its step and tangent snippets of shaders/neurons/). One step n = clock[0] for
// one weight tensor [N][K] of a layer: each trace t[b][i][j] = d x_i/dW_ij
// follows neuron i's own step (others' sensitivities are left out), and the
// gradient takes the learning signal δ = σ′(m)·λ of grad/learning-signal:
//   dW_ij += Σ_b δ[b,i]·d margin(t[b,i,j])                 (= λ·dS_i/dW_ij)
//   t[b,i,j] ← neuron_step_tangent(x_i[n], t, S_i[n], σ′(m)·d margin(t), S_src,j[n])
// The float64 spec is src/reference/synapse-traces.ts. S_src is row n mod rows
// of the input [rows][B][K] (INPUT_SEQUENCE) or spikes [B][K] (the layer below,
// or the layer itself for V).
// Bindings: 0 params, 1 clock, 2 source spikes, 3 state [B][N] at n, 4 delta
// [B][N], 5 traces [B][N][K] (NeuronState each), 6 grad [N][K] (accumulated).
// Threads: one per synapse (i, j), looping over the samples.
// Needs a surrogate snippet defining surrogate_grad(x, slope).
override INPUT_SEQUENCE: bool = false;

struct Params {
  batch: u32,
  neurons: u32,   // N
  sources: u32,   // K
  rows: u32,
  slope: f32,
  neuron: NeuronParams,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> clock: array<u32>;
@group(0) @binding(2) var<storage, read> source: array<f32>;
@group(0) @binding(3) var<storage, read> state: array<NeuronState>;
@group(0) @binding(4) var<storage, read> delta: array<f32>;
@group(0) @binding(5) var<storage, read_write> traces: array<NeuronState>;
@group(0) @binding(6) var<storage, read_write> grad: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_id(gid, groups);
  let N = params.neurons;
  let K = params.sources;
  if (idx >= N * K) { return; }
  let i = idx / K;
  let j = idx % K;
  var base = 0u;
  if (INPUT_SEQUENCE) { base = (clock[0] % params.rows) * params.batch * K; }
  var g = 0.0;
  for (var b = 0u; b < params.batch; b++) {
    let s = state[b * N + i];
    let at = (b * N + i) * K + j;
    let t = traces[at];
    let d_margin = neuron_margin_tangent(s, t, params.neuron);
    g += delta[b * N + i] * d_margin;
    let d_spike = neuron_spike_slope(s, params.neuron, params.slope) * d_margin;
    traces[at] = neuron_step_tangent(s, t, neuron_fires(s, params.neuron), d_spike, source[base + b * K + j], params.neuron);
  }
  grad[idx] += g;
}
