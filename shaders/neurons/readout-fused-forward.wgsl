// Fused event-driven readout forward: the propagation drive = Wo·S_L and the
// leaky-integrator scan of neurons/readout-forward in one dispatch (DESIGN.md):
//   y[n] = Uo[n];  Uo[n+1] = β·Uo[n] + Io[n];  Io[n+1] = α·Io[n] + Σ_{i : S_L[n,b,i] = 1} Wo[o,i]
// The spikes arrive as the row lists of the last hidden layer (linear/mask-lists), so
// the cost of a step follows the number of spiking neurons.
// Bindings: 0 params, 1 spike_lists (counts [T·B], index [T·B][N]), 2 weights Wo [O][N],
// 3 voltage y [T][B][O] (write).
// Threads: x: output o (16 per workgroup row), y (+ z): sample b. Neighbouring
// threads share b, so they walk the same list (uniform control flow on a SIMD CPU).
// Params and bindings 0, 1 and 3: common/readout-forward-bindings.wgsl.
@group(0) @binding(2) var<storage, read> weights: array<f32>;

@compute @workgroup_size(16, 4)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let o = gid.x;
  let b = gid.y + gid.z * groups.y * 4u;
  if (o >= params.outputs || b >= params.batch) { return; }
  let rows = params.steps * params.batch;
  let row_w = o * params.neurons;
  var syn = 0.0;
  var u = 0.0;
  for (var n = 0u; n < params.steps; n++) {
    let r = n * params.batch + b;
    voltage[r * params.outputs + o] = u;
    u = params.beta * u + syn;
    var drive = 0.0;
    let count = spike_lists[r];
    let list = rows + r * params.neurons;
    for (var q = 0u; q < count; q++) { drive += weights[row_w + spike_lists[list + q]]; }
    syn = params.alpha * syn + drive;
  }
}
