// Surrogate derivative: arctan (derivative of (1/π)·atan(π·k·x/2) up to scale).
//   σ′(x) = 1 / (1 + (π·k·x/2)²)    x = U − ϑ, k = slope (> 0)
// Defines fn surrogate_grad(x, slope); the slope comes from a uniform at run time.
fn surrogate_grad(x: f32, slope: f32) -> f32 {
  let z = 1.5707963267948966 * slope * x;
  return 1.0 / (1.0 + z * z);
}
