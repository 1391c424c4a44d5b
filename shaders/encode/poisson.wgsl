// Poisson (Bernoulli-per-step) rate encoding of pixels gathered on the GPU:
//   spike[n,b,j] = [ u(seed, sample_b, n, j) < rate · x_j ],  x_j = pixel/255 ∈ [0,1]
// u is the counter-based uniform of common/rng.wgsl, so a spike train depends only
// on (seed, sample, step, input) — not on batch composition or thread mapping.
// Uniforms, bindings, windows and the entry point: common/encode-pixels.wgsl
// (this file gives its encode_spike).

fn encode_spike(sample: u32, n: u32, j: u32) -> f32 {
  // u ≥ 0, so a black pixel never spikes: skip the hash for it (most MNIST pixels)
  let p = params.rate * pixel(sample, j);
  if (p > 0.0) {
    return select(0.0, 1.0, uniform01(params.seed, sample, n, j) < p);
  }
  return 0.0;
}
