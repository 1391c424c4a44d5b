// Reverse scan through the leaky-integrator readout. With gU' = dL/dUo[n+1],
// gI' = dL/dIo[n+1] (zero at n = T−1):
//   dL/d drive[n] = gI';   gUo[n] = dL/dy[n] + β·gU';   gIo[n] = α·gI' + gU'
// Bindings: 0 params, 1 grad_voltage dL/dy [T][B][O], 2 grad_drive (write) [T][B][O].
// Uniforms and the entry point: common/readout-scan.wgsl.
@group(0) @binding(1) var<storage, read> grad_voltage: array<f32>;
@group(0) @binding(2) var<storage, read_write> grad_drive: array<f32>;

fn scan(idx: u32) {
  var g_u_next = 0.0;
  var g_i_next = 0.0;
  for (var step = params.steps; step > 0u; step--) {
    let at = (step - 1u) * params.count + idx;
    grad_drive[at] = g_i_next;
    let g_u = grad_voltage[at] + params.beta * g_u_next;
    g_i_next = params.alpha * g_i_next + g_u_next;
    g_u_next = g_u;
  }
}
