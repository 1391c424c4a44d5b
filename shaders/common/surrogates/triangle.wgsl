// Surrogate derivative: triangle / piecewise linear (Bellec et al. 2018;
// Neftci, Mostafa & Zenke 2019, Fig. 3, green).
//   σ′(x) = max(0, 1 − k·|x|)       x = U − ϑ, k = slope (> 0)
// Defines fn surrogate_grad(x, slope); the slope comes from a uniform at run time.
fn surrogate_grad(x: f32, slope: f32) -> f32 {
  return max(0.0, 1.0 - slope * abs(x));
}
