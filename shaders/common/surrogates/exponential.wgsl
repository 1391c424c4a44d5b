// Surrogate derivative: exponential (SLAYER; Shrestha & Orchard 2018;
// Neftci, Mostafa & Zenke 2019, Fig. 3, yellow).
//   σ′(x) = exp(−k·|x|)             x = U − ϑ, k = slope (> 0)
// Defines fn surrogate_grad(x, slope); the slope comes from a uniform at run time.
fn surrogate_grad(x: f32, slope: f32) -> f32 {
  return exp(-slope * abs(x));
}
