// Crossing search of the continuous-time LIF neuron (Wunderlich & Pehle 2021,
// papers/003, Table 1; refinement as in papers/002, Algorithm 1), shared by the
// event-LIF forward kernels (neurons/event-lif-forward.wgsl,
// neurons/event-lif-recurrent-forward.wgsl). Between events the state is the
// two-exponential closed form, anchored at the last event t0 with s = t − t0:
//   I(s) = I₀·e^{−s/τ_syn},  V(s) = b·e^{−s/τ_mem} + a·e^{−s/τ_syn},
//   a = I₀·τ_syn/(τ_syn − τ_mem),  b = V₀ − a,
// with at most one extremum, at e^{s(1/τ_syn − 1/τ_mem)} = −a·τ_mem/(b·τ_syn).
// On an interval [lo, hi] with V(lo) < ϑ a crossing exists iff V(hi) ≥ ϑ or the
// extremum lies in (lo, hi) with V ≥ ϑ there (a rise above ϑ and fall back); the
// bracket ends at that extremum, so V is monotone on it, and the root is found in
// closed form (SOLVER 1: τ_mem = 2·τ_syn, a·x² + b·x − ϑ = 0 in x = e^{−s/τ_mem};
// SOLVER 2: τ_syn = 2·τ_mem, b·x² + a·x − ϑ = 0 in x = e^{−s/τ_syn}) or by
// safeguarded Newton/bisection (SOLVER 0, and the fallback when rounding loses
// the root).
// crossing_between does the same from the states at both ends of the interval
// (the feed-forward kernel has them), computing the extremum only where needed.
// The including kernel declares `params` with fields tau_mem, tau_syn (ms) and
// threshold (ϑ).
override SOLVER: u32 = 0u;
override NEWTON_ITERS: u32 = 40u;

// The free trajectory since the anchor t0 (see the header).
struct Segment {
  t0: f32,
  i0: f32,
  a: f32,
  b: f32,
  s_ext: f32,   // s of the extremum, < 0 if none ahead
}

fn segment(t0: f32, v0: f32, i0: f32) -> Segment {
  let a = i0 * params.tau_syn / (params.tau_syn - params.tau_mem);
  let b = v0 - a;
  return Segment(t0, i0, a, b, extremum(a, b));
}

// s of the extremum of b·e^{−s/τ_mem} + a·e^{−s/τ_syn}, < 0 if there is none at s > −∞.
fn extremum(a: f32, b: f32) -> f32 {
  let tm = params.tau_mem;
  let ts = params.tau_syn;
  var s_ext = -1.0;
  if (b != 0.0) {
    let q = -a * tm / (b * ts);
    if (q > 0.0) {
      s_ext = log(q) / (1.0 / ts - 1.0 / tm);
    }
  }
  return s_ext;
}

fn voltage(g: Segment, s: f32) -> f32 {
  return g.b * exp(-s / params.tau_mem) + g.a * exp(-s / params.tau_syn);
}

// Root s ∈ [lo, hi] of c2·x² + c1·x − ϑ = 0 with x = e^{−s/tau}, or −1 if rounding lost it.
// Roots by the cancellation-free q = −(c1 + sgn(c1)·√D)/2: x = q/c2, x = −ϑ/q.
fn quadratic_root(c2: f32, c1: f32, tau: f32, lo: f32, hi: f32) -> f32 {
  let theta = params.threshold;
  let x_hi = exp(-lo / tau) * (1.0 + 1e-5);
  let x_lo = exp(-hi / tau) * (1.0 - 1e-5);
  var r0 = -1.0;
  var r1 = -1.0;
  if (c2 == 0.0) {
    if (c1 != 0.0) { r0 = theta / c1; }
  } else {
    let disc = c1 * c1 + 4.0 * c2 * theta;
    if (disc < 0.0) { return -1.0; }
    let q = -0.5 * (c1 + select(-1.0, 1.0, c1 >= 0.0) * sqrt(disc));
    if (q != 0.0) {
      r0 = q / c2;
      r1 = -theta / q;
    }
  }
  // the first crossing is the largest x in the bracket
  var best = -1.0;
  if (r0 > 0.0 && r0 >= x_lo && r0 <= x_hi) { best = r0; }
  if (r1 > 0.0 && r1 >= x_lo && r1 <= x_hi && r1 > best) { best = r1; }
  if (best <= 0.0) { return -1.0; }
  return clamp(-tau * log(best), lo, hi);
}

// Safeguarded Newton/bisection on [lo, hi] with V(lo) < ϑ ≤ V(hi), V monotone there.
fn newton_root(g: Segment, lo_in: f32, hi_in: f32) -> f32 {
  var lo = lo_in;
  var hi = hi_in;
  var s = 0.5 * (lo + hi);
  for (var it = 0u; it < NEWTON_ITERS; it++) {
    let x_mem = exp(-s / params.tau_mem);
    let x_syn = exp(-s / params.tau_syn);
    let f = g.b * x_mem + g.a * x_syn - params.threshold;
    if (f == 0.0) { break; }
    if (f < 0.0) { lo = s; } else { hi = s; }
    let d = -g.b / params.tau_mem * x_mem - g.a / params.tau_syn * x_syn;
    var next = 0.5 * (lo + hi);
    if (d != 0.0) {
      let newton = s - f / d;
      if (newton > lo && newton < hi) { next = newton; }
    }
    let step = abs(next - s);
    s = next;
    if (step <= 2e-7 * max(1.0, abs(s)) || hi - lo <= 2e-7 * max(1.0, hi)) { break; }
  }
  return s;
}

fn refine(g: Segment, lo: f32, hi: f32) -> f32 {
  if (SOLVER == 1u) {
    let s = quadratic_root(g.a, g.b, params.tau_mem, lo, hi);
    if (s >= 0.0) { return s; }
  } else if (SOLVER == 2u) {
    let s = quadratic_root(g.b, g.a, params.tau_syn, lo, hi);
    if (s >= 0.0) { return s; }
  }
  return newton_root(g, lo, hi);
}

// s if V̇ > 0 there (τ_mem·V̇ = I − ϑ at V = ϑ), else −1. Near a maximum that
// lies within float32 rounding of ϑ the computed V can reach ϑ where I ≤ ϑ:
// V is then at or past its maximum, so this is no upward crossing and no spike
// (the float64 maximum lies below ϑ); a spike there would also have no finite
// time derivative, 1/(I − ϑ) in the EventProp jump (papers/003, Table 2).
fn upward(g: Segment, s: f32) -> f32 {
  if (s < 0.0 || !(g.i0 * exp(-s / params.tau_syn) > params.threshold)) { return -1.0; }
  return s;
}

// First upward crossing s ∈ (lo, hi] of the segment, given V(lo) < ϑ; −1 if there is none.
fn crossing(g: Segment, lo: f32, hi: f32) -> f32 {
  let theta = params.threshold;
  var b_lo = lo;
  var b_hi = hi;
  if (g.s_ext > lo && g.s_ext < hi) {
    if (voltage(g, g.s_ext) >= theta) {
      b_hi = g.s_ext;          // rises to a maximum above ϑ (and may fall back before hi)
    } else if (voltage(g, hi) >= theta) {
      b_lo = g.s_ext;          // falls to a minimum, then rises
    } else {
      return -1.0;
    }
  } else if (voltage(g, hi) < theta) {
    return -1.0;
  }
  return upward(g, refine(g, b_lo, b_hi));
}

// First upward crossing s ∈ (lo, hi] given the state at both ends (V(lo) < ϑ),
// −1 if there is none; g.s_ext is not used (the extremum is computed only where
// needed). V̇ = (I − V)/τ_mem changes sign at most once, so the signs of I − V at
// lo and hi tell whether an extremum lies inside: a maximum iff I > V at lo and
// I < V at hi, a minimum iff the reverse. With V(hi) < ϑ only a maximum above ϑ
// is a crossing, and V ≤ max(V(lo), I(lo)) on [lo, hi] (V relaxes towards I,
// which decays towards 0) rules most of them out without the extremum.
fn crossing_between(g: Segment, lo: f32, hi: f32, v_lo: f32, i_lo: f32, v_hi: f32, i_hi: f32) -> f32 {
  let theta = params.threshold;
  let rising_lo = i_lo > v_lo;
  let rising_hi = i_hi > v_hi;
  if (v_hi >= theta) {
    var b_lo = lo;
    var b_hi = hi;
    if (rising_lo != rising_hi) {
      let s_ext = extremum(g.a, g.b);
      if (s_ext > lo && s_ext < hi) {
        if (rising_lo) { b_hi = s_ext; } else { b_lo = s_ext; }
      }
    }
    return upward(g, refine(g, b_lo, b_hi));
  }
  if (!rising_lo || rising_hi || max(v_lo, i_lo) < theta) { return -1.0; }
  let s_ext = extremum(g.a, g.b);
  if (!(s_ext > lo && s_ext < hi) || voltage(g, s_ext) < theta) { return -1.0; }
  return upward(g, refine(g, lo, s_ext));
}
