// Uniforms and thread mapping of the time scans through the non-spiking
// leaky-integrator readout (neurons/readout-forward, neurons/readout-backward):
// one thread per (sample, output), idx < count = B·O, scans all T steps of its
// column of the [T][B][O] tensors in the including kernel's fn scan(idx: u32).
// The entry point `main` is here; the including kernel declares bindings 1 (read)
// and 2 (write).
struct Params {
  steps: u32,
  count: u32,
  alpha: f32,
  beta: f32,
}

@group(0) @binding(0) var<uniform> params: Params;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_id(gid, groups);
  if (idx < params.count) { scan(idx); }
}
