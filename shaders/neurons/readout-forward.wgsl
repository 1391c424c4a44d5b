// Non-spiking leaky-integrator readout (DESIGN.md): output y[n] = Uo[n], n = 0…T−1,
//   Io[n+1] = α·Io[n] + drive[n]   (drive = Wo·S_L, from linear/matmul)
//   Uo[n+1] = β·Uo[n] + Io[n]
// Bindings: 0 params, 1 drive [T][B][O], 2 voltage y (write) [T][B][O].
// Threads: one per (sample, output). Uniforms and the entry point: common/readout-scan.wgsl.
@group(0) @binding(1) var<storage, read> drive: array<f32>;
@group(0) @binding(2) var<storage, read_write> voltage: array<f32>;

fn scan(idx: u32) {
  var syn = 0.0;
  var u = 0.0;
  for (var n = 0u; n < params.steps; n++) {
    let at = n * params.count + idx;
    voltage[at] = u;
    u = params.beta * u + syn;
    syn = params.alpha * syn + drive[at];
  }
}
