// Uniforms, bindings 0–3 and thread mapping of the kernels of the non-spiking
// leaky readout of an event-driven LIF network (neurons/event-readout-max,
// grad/eventprop-readout). Included after common/event-adjoint.wgsl; the
// including kernel declares bindings 4 and up.
// Bindings: 0 params, 1 weights [outputs][fan_in] (read), 2 in_spikes
// (SpikeRecord of the last hidden layer, per sample sorted by time, all ≤ T),
// 3 in_offsets [batch + 1].

struct Params {
  batch: u32,
  outputs: u32,
  fan_in: u32,
  duration: f32,   // ms
  tau_mem: f32,    // ms
  tau_syn: f32,    // ms
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> weights: array<f32>;
@group(0) @binding(2) var<storage, read> in_spikes: array<SpikeRecord>;
@group(0) @binding(3) var<storage, read> in_offsets: array<u32>;

// Thread idx = sample·outputs + neuron: the readout neuron, its row of weights
// and its sample's incoming spikes in_spikes[first … end).
struct ReadoutThread {
  neuron: u32,
  w_row: u32,
  first: u32,
  end: u32,
}

fn readout_thread(idx: u32) -> ReadoutThread {
  let sample = idx / params.outputs;
  let neuron = idx % params.outputs;
  return ReadoutThread(neuron, neuron * params.fan_in, in_offsets[sample], in_offsets[sample + 1u]);
}
