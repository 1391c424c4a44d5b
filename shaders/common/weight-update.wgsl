// Bindings 0–3 of the parameter updates optim/adam and optim/sgd, applied to one
// parameter buffer with the clipping factor and skip flag of optim/grad-norm
// (common/opt-state.wgsl). The including kernel declares Params (with fields
// length, lr, weight_decay) and its slot buffers, bindings 4 and up.
// Bindings: 0 params, 1 weights, 2 grad, 3 state. Threads: one per weight.
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> weights: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read> state: OptState;

// Whether thread i updates a weight: i in range and the step not skipped.
fn updates_weight(i: u32) -> bool {
  return i < params.length && state.bad == 0u;
}
