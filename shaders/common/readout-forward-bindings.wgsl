// Uniforms and bindings 0, 1 and 3 of the fused readout forward scans (neurons/readout-fused-forward
// and its -texels variant): 0 params, 1 spike_lists (the last hidden layer's row lists: counts
// [T·B], index [T·B][N]), 3 voltage y [T][B][O] (write). The including kernel declares binding 2
// (Wo, as a buffer or as texels).
struct Params {
  steps: u32,
  batch: u32,
  outputs: u32,
  neurons: u32,
  alpha: f32,
  beta: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> spike_lists: array<u32>;
@group(0) @binding(3) var<storage, read_write> voltage: array<f32>;
