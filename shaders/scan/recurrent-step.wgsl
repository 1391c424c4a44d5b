// One time step n of a recurrent spiking layer, for any neuron model (the
// snippet of shaders/neurons/):
//   S[n]      = neuron_fires(state_i[n])
//   saved[n]  = neuron_saved(state_i[n])
//   state[n+1] = neuron_step(state_i[n], S[n], drive[n] + Σ_k V[i,k]·S_k[n])
// with S_k[n] recomputed from state_k[n] for every neuron k. The state is
// double-buffered, [2][B][N]: step n reads half n mod 2 and writes the other,
// so no thread reads what another writes in the same dispatch. Step 0 starts
// from neuron_rest(params.neuron). Dispatched once per n = 0…T−1.
// Bindings: 0 params, 1 drive [T][B][N], 2 recurrent V [N][N], 3 saved
// [T][B][N] (write), 4 spikes [T][B][N] (write), 5 state [2][B][N]; group 1:
// step (dynamic offset). Uniforms, step index and thread mapping:
// common/scan-recurrent.wgsl.
@group(0) @binding(1) var<storage, read> drive: array<f32>;
@group(0) @binding(2) var<storage, read> recurrent: array<f32>;
@group(0) @binding(3) var<storage, read_write> saved: array<NeuronSaved>;
@group(0) @binding(4) var<storage, read_write> spikes: array<f32>;
@group(0) @binding(5) var<storage, read_write> state: array<NeuronState>;

// neuron k's state at step n (state_at(n, t.idx) for this thread's own)
fn state_at(n: u32, idx: u32, count: u32) -> NeuronState {
  if (n == 0u) { return neuron_rest(params.neuron); }
  return state[(n % 2u) * count + idx];
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let n = step.n;
  let t = neuron_thread(flat_id(gid, groups), n);
  if (t.idx >= t.count) { return; }
  let own = state_at(n, t.idx, t.count);
  let s = neuron_fires(own, params.neuron);
  saved[t.at] = neuron_saved(own);
  spikes[t.at] = s;
  let first = t.idx - t.i;   // sample b's first neuron in the [B][N] state
  var rec = 0.0;
  for (var k = 0u; k < params.neurons; k++) {
    let s_k = neuron_fires(state_at(n, first + k, t.count), params.neuron);
    if (s_k != 0.0) { rec += recurrent[t.i * params.neurons + k] * s_k; }
  }
  if (n + 1u < params.steps) {
    state[((n + 1u) % 2u) * t.count + t.idx] = neuron_step(own, s, drive[t.at] + rec, params.neuron);
  }
}
