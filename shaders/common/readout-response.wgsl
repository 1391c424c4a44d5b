// Summed response of the leaky-integrator readout y[n+1…T−1] to one spike at step n:
//   h[n] = Σ_{d=2}^{D} κ(d),  D = T − 1 − n,  κ(d) = Σ_{a=0}^{d−2} α^a·β^{d−2−a}
//        = [β(1 − β^{D−1})/(1 − β) − α(1 − α^{D−1})/(1 − α)] / (β − α)
// (for |β − α| < 1e-3 the α = β limit Σ_{e=1}^{D−1} e·x^{e−1} at x = (α + β)/2;
// α, β < 1 assumed). Used by the eligibility learning signal: ∂logit/∂S[n] = Wo·c·h[n].
fn geometric_tail(x: f32, e: f32) -> f32 {
  // Σ_{k=1}^{e} x^k
  return x * (1.0 - pow(x, e)) / (1.0 - x);
}

fn readout_response(alpha: f32, beta: f32, steps: u32, n: u32) -> f32 {
  if (n + 3u > steps) { return 0.0; }
  let d = f32(steps - 1u - n);
  if (abs(beta - alpha) < 1e-3) {
    let x = 0.5 * (alpha + beta);
    let xd = pow(x, d - 1.0);
    return (1.0 - d * xd + (d - 1.0) * xd * x) / ((1.0 - x) * (1.0 - x));
  }
  return (geometric_tail(beta, d - 1.0) - geometric_tail(alpha, d - 1.0)) / (beta - alpha);
}
