// One time step n = clock[0] of a spiking layer on [B][N] states, for any neuron
// model (a snippet of shaders/neurons/), for the forward-mode methods that keep
// no history (src/methods/stepwise.ts):
//   entry `rest`:   state = neuron_rest(params)                     (before step 0)
//   entry `spike`:  S[n] = neuron_fires(state[n])                   (all layers, first)
//   entry `update`: state[n+1] = neuron_step(state[n], S[n], W·S_in[n] + V·S[n])   (V when RECURRENT)
// `spike` runs for every layer before any `update` of step n, so S_in[n] and S[n]
// are complete when the drive is formed. S_in is row n mod rows of the input
// [rows][B][K] (INPUT_SEQUENCE; rows = T, or k for input written in windows of k
// steps) or the layer below's spikes [B][K].
// Bindings: 0 params, 1 clock, 2 spikes_in, 3 weights W [N][K], 4 recurrent V [N][N]
// (any buffer when not RECURRENT), 5 state [B][N], 6 spikes S [B][N].
// Threads: one per (sample, neuron).
override RECURRENT: bool = false;
override INPUT_SEQUENCE: bool = false;

struct Params {
  batch: u32,
  neurons: u32,
  inputs: u32,
  rows: u32,
  neuron: NeuronParams,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> clock: array<u32>;
@group(0) @binding(2) var<storage, read> spikes_in: array<f32>;
@group(0) @binding(3) var<storage, read> weights: array<f32>;
@group(0) @binding(4) var<storage, read> recurrent: array<f32>;
@group(0) @binding(5) var<storage, read_write> state: array<NeuronState>;
@group(0) @binding(6) var<storage, read_write> spikes: array<f32>;

@compute @workgroup_size(WG)
fn rest(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_id(gid, groups);
  if (idx >= params.batch * params.neurons) { return; }
  state[idx] = neuron_rest(params.neuron);
}

@compute @workgroup_size(WG)
fn spike(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_id(gid, groups);
  if (idx >= params.batch * params.neurons) { return; }
  spikes[idx] = neuron_fires(state[idx], params.neuron);
}

@compute @workgroup_size(WG)
fn update(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_id(gid, groups);
  if (idx >= params.batch * params.neurons) { return; }
  let b = idx / params.neurons;
  let i = idx % params.neurons;
  var base = b * params.inputs;
  if (INPUT_SEQUENCE) { base += (clock[0] % params.rows) * params.batch * params.inputs; }
  var drive = 0.0;
  for (var k = 0u; k < params.inputs; k++) {
    let s = spikes_in[base + k];
    if (s != 0.0) { drive += weights[i * params.inputs + k] * s; }
  }
  if (RECURRENT) {
    for (var k = 0u; k < params.neurons; k++) {
      let s = spikes[b * params.neurons + k];
      if (s != 0.0) { drive += recurrent[i * params.neurons + k] * s; }
    }
  }
  state[idx] = neuron_step(state[idx], spikes[idx], drive, params.neuron);
}
