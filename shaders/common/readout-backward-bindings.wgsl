// Uniforms and bindings 0–2 of the fused readout's reverse scans (neurons/readout-fused-backward
// and its -quads variant): 0 params, 1 grad_voltage dL/dy [T][B][O], 2 spike_lists (the last
// hidden layer's row lists: counts [T·B], index [T·B][N]). The including kernel declares
// bindings 3 (gradient slices) and 4 (row_live).
struct Params {
  steps: u32,
  batch: u32,
  outputs: u32,
  neurons: u32,
  chunks: u32,
  alpha: f32,
  beta: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> grad_voltage: array<f32>;
@group(0) @binding(2) var<storage, read> spike_lists: array<u32>;
