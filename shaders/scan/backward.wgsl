// Reverse time scan of one feed-forward spiking layer, for any neuron model
// (the snippet of shaders/neurons/ that the forward scan used, its derivative
// snippet with NeuronAdjoint, neuron_adjoint_end, neuron_drive_grad and
// neuron_step_grad, and a surrogate snippet). From the adjoint at T (zero), for n = T−1…0:
//   dL/d drive[n] = neuron_drive_grad(adjoint at n + 1)
//   adjoint at n  = neuron_step_grad(adjoint at n + 1, saved[n], S[n], dL/dS[n])
// Bindings: 0 params, 1 saved (read, from scan/forward), 2 spikes, 3 grad_spikes
// (dL/dS from the layer above), 4 grad_drive (write, dL/d drive). Threads: one
// per (sample, neuron).

struct Params {
  steps: u32,
  count: u32,
  neuron: NeuronParams,
  slope: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> saved: array<NeuronSaved>;
@group(0) @binding(2) var<storage, read> spikes: array<f32>;
@group(0) @binding(3) var<storage, read> grad_spikes: array<f32>;
@group(0) @binding(4) var<storage, read_write> grad_drive: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_id(gid, groups);
  if (idx >= params.count) { return; }
  var adjoint = neuron_adjoint_end();
  for (var step = params.steps; step > 0u; step--) {
    let n = step - 1u;
    let at = n * params.count + idx;
    grad_drive[at] = neuron_drive_grad(adjoint);
    adjoint = neuron_step_grad(adjoint, saved[at], spikes[at], grad_spikes[at], params.neuron, params.slope);
  }
}
