// Feed-forward time scan of one spiking layer, for any neuron model (a snippet
// of shaders/neurons/ defines NeuronParams, NeuronState, NeuronSaved,
// neuron_rest, neuron_fires, neuron_step and neuron_saved). From rest, for
// n = 0…T−1: S[n] = neuron_fires(state), saved[n] = neuron_saved(state), then
// state = neuron_step(state, S[n], drive[n]). Layout [T][B][N].
// Bindings: 0 params, 1 drive (read), 2 saved (write; for LIF the membrane
// U[n]), 3 spikes (write). Threads: one per (sample, neuron), looping over the
// T steps.

struct Params {
  steps: u32,
  count: u32,   // batch · neurons
  neuron: NeuronParams,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> drive: array<f32>;
@group(0) @binding(2) var<storage, read_write> saved: array<NeuronSaved>;
@group(0) @binding(3) var<storage, read_write> spikes: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_id(gid, groups);
  if (idx >= params.count) { return; }
  var state = neuron_rest(params.neuron);
  for (var n = 0u; n < params.steps; n++) {
    let at = n * params.count + idx;
    let s = neuron_fires(state, params.neuron);
    saved[at] = neuron_saved(state);
    spikes[at] = s;
    state = neuron_step(state, s, drive[at], params.neuron);
  }
}
