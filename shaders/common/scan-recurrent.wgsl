// Uniforms, step index and thread mapping of the per-step scans of a recurrent
// spiking layer (scan/recurrent-step, scan/recurrent-backward-step), for any
// neuron model (included after the model's snippet, which defines
// NeuronParams), dispatched once per time step with the step slot in group 1
// (dynamic offset). The including kernel declares its bindings 1 and up.
// Threads: one per (sample b, neuron i), idx = b·neurons + i of the [B][N] state.

struct Params {
  steps: u32,
  batch: u32,
  neurons: u32,
  neuron: NeuronParams,
  slope: f32,   // surrogate slope (backward only)
}

struct Step { n: u32 }

@group(0) @binding(0) var<uniform> params: Params;
@group(1) @binding(0) var<uniform> step: Step;

// Thread idx = b·neurons + i at time step n: `at` = n·count + idx indexes the
// [T][B][N] tensors, `row` = n·count + b·neurons is where sample b's row of step n starts.
struct NeuronThread {
  idx: u32,
  count: u32,   // B·N: threads idx ≥ count do nothing
  i: u32,
  at: u32,
  row: u32,
}

fn neuron_thread(idx: u32, n: u32) -> NeuronThread {
  let count = params.batch * params.neurons;
  let b = idx / params.neurons;
  return NeuronThread(idx, count, idx % params.neurons, n * count + idx, n * count + b * params.neurons);
}
