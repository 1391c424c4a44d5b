// Surrogate derivative: Gaussian bump.
//   σ′(x) = exp(−(k·x)²/2)          x = U − ϑ, k = slope (> 0)
// Defines fn surrogate_grad(x, slope); the slope comes from a uniform at run time.
fn surrogate_grad(x: f32, slope: f32) -> f32 {
  let z = slope * x;
  return exp(-0.5 * z * z);
}
