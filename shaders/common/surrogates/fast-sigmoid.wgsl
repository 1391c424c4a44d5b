// Surrogate derivative: fast sigmoid (SuperSpike; Zenke & Ganguli 2018;
// Neftci, Mostafa & Zenke 2019, Fig. 3, blue). Same as snnTorch fast_sigmoid.
//   σ′(x) = 1 / (1 + k·|x|)²        x = U − ϑ, k = slope (> 0)
// Defines fn surrogate_grad(x, slope); the slope comes from a uniform at run time.
fn surrogate_grad(x: f32, slope: f32) -> f32 {
  let d = 1.0 + slope * abs(x);
  return 1.0 / (d * d);
}
