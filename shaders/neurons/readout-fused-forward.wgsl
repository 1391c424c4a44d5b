// Fused event-driven readout forward: the propagation drive = Wo·S_L and the
// leaky-integrator scan of neurons/readout-forward in one dispatch (DESIGN.md):
//   y[n] = Uo[n];  Uo[n+1] = β·Uo[n] + Io[n];  Io[n+1] = α·Io[n] + Σ_{i : S_L[n,b,i] = 1} Wo[o,i]
// The spikes arrive as the bit masks of neurons/lif-fused-forward (lane-strided
// layout of linear/spike-mask), so the cost of a step follows the number of
// spiking neurons plus one word per 32 neurons.
// Bindings: 0 params, 1 spike_mask [T·B·W], 2 weights Wo [O][N], 3 voltage y [T][B][O] (write).
// Threads: x: output o (16 per workgroup row), y (+ z): sample b. Neighbouring
// threads share b, so they read the same mask words and iterate the same bits.
struct Params {
  steps: u32,
  batch: u32,
  outputs: u32,
  neurons: u32,
  words: u32,
  alpha: f32,
  beta: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> spike_mask: array<u32>;
@group(0) @binding(2) var<storage, read> weights: array<f32>;
@group(0) @binding(3) var<storage, read_write> voltage: array<f32>;

@compute @workgroup_size(16, 4)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let o = gid.x;
  let b = gid.y + gid.z * groups.y * 4u;
  if (o >= params.outputs || b >= params.batch) { return; }
  let row_w = o * params.neurons;
  var syn = 0.0;
  var u = 0.0;
  for (var n = 0u; n < params.steps; n++) {
    let r = n * params.batch + b;
    voltage[r * params.outputs + o] = u;
    u = params.beta * u + syn;
    var drive = 0.0;
    let m = r * params.words;
    for (var w = 0u; w < params.words; w++) {
      var bits = spike_mask[m + w];
      let i0 = row_w + (w / 32u) * 1024u + w % 32u;
      while (bits != 0u) {
        let j = firstTrailingBit(bits);
        bits &= bits - 1u;
        drive += weights[i0 + 32u * j];
      }
    }
    syn = params.alpha * syn + drive;
  }
}
