// Surrogate derivative: derivative of the logistic sigmoid s(x) = 1/(1 + e^(−k·x)).
//   σ′(x) = k·s·(1 − s) = k·e / (1 + e)²,  e = exp(−k·|x|)   x = U − ϑ, k = slope (> 0)
// The symmetric form with e ≤ 1 never overflows.
// Defines fn surrogate_grad(x, slope); the slope comes from a uniform at run time.
fn surrogate_grad(x: f32, slope: f32) -> f32 {
  let e = exp(-slope * abs(x));
  let d = 1.0 + e;
  return slope * e / (d * d);
}
