// Hybrid forward pass of one feed-forward layer of continuous-time LIF neurons
// (Wunderlich & Pehle 2021, papers/003, Table 1; crossing search as in
// papers/002, Algorithm 1):
//   τ_mem·V̇ = −V + I,  τ_syn·İ = −I;  an input spike of channel i at t adds w_ji to I_j;
//   V⁻ = ϑ ⇒ spike, V⁺ = 0.  All states zero at t = 0.
// Between events (input spikes, own spikes) the state is the two-exponential
// closed form, anchored at the last event t₀ with s = t − t₀:
//   I(s) = I₀·e^{−s/τ_syn},  V(s) = b·e^{−s/τ_mem} + a·e^{−s/τ_syn},
//   a = I₀·τ_syn/(τ_syn − τ_mem),  b = V₀ − a,
// with at most one extremum, at e^{s(1/τ_syn − 1/τ_mem)} = −a·τ_mem/(b·τ_syn).
// The thread scans the time grid (steps of grid_step ms up to duration); within
// a step it applies the input spikes that fall in it in time order, at their
// exact times. On every inter-event interval [lo, hi] (V(lo) < ϑ) a crossing
// exists iff V(hi) ≥ ϑ or the extremum lies in (lo, hi) with V ≥ ϑ there (a rise
// above ϑ and fall back within the step). The bracket ends at that extremum, so
// V is monotone on it; the root is then found in closed form (SOLVER 1:
// τ_mem = 2·τ_syn, a·x² + b·x − ϑ = 0 in x = e^{−s/τ_mem}; SOLVER 2:
// τ_syn = 2·τ_mem, b·x² + a·x − ϑ = 0 in x = e^{−s/τ_syn}) or by safeguarded
// Newton/bisection (SOLVER 0, and the fallback when rounding loses the root).
// The crossing is relative to the anchor, so the spike time does not depend on
// the grid (up to f32 rounding of the root).
// Output per spike: (time, I(time), neuron), appended to the sample's region of
// `capacity` slots by an atomic counter. The counter keeps counting past the
// capacity (the host turns count > capacity into an error); a thread whose slot
// lies beyond the capacity stops.
// Bindings: 0 params, 1 weights [neurons][fan_in] (read), 2 in_spikes (read,
// per sample sorted by time), 3 in_offsets [batch + 1] (read), 4 out_spikes
// [batch][capacity] (write), 5 out_counts [batch] (atomic).
// Threads: one per (sample, neuron), idx = sample·neurons + neuron.
override SOLVER: u32 = 0u;
override NEWTON_ITERS: u32 = 40u;

struct Params {
  batch: u32,
  neurons: u32,
  fan_in: u32,
  steps: u32,
  capacity: u32,
  grid_step: f32,   // ms
  duration: f32,    // ms
  tau_mem: f32,     // ms
  tau_syn: f32,     // ms
  threshold: f32,
}

struct InSpike {
  time: f32,
  neuron: u32,
}

struct OutSpike {
  time: f32,
  current: f32,
  neuron: u32,
}

// The free trajectory since the anchor t0 (see the header).
struct Segment {
  t0: f32,
  i0: f32,
  a: f32,
  b: f32,
  s_ext: f32,   // s of the extremum, < 0 if none ahead
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> weights: array<f32>;
@group(0) @binding(2) var<storage, read> in_spikes: array<InSpike>;
@group(0) @binding(3) var<storage, read> in_offsets: array<u32>;
@group(0) @binding(4) var<storage, read_write> out_spikes: array<OutSpike>;
@group(0) @binding(5) var<storage, read_write> out_counts: array<atomic<u32>>;

fn segment(t0: f32, v0: f32, i0: f32) -> Segment {
  let tm = params.tau_mem;
  let ts = params.tau_syn;
  let a = i0 * ts / (ts - tm);
  let b = v0 - a;
  var s_ext = -1.0;
  if (b != 0.0) {
    let q = -a * tm / (b * ts);
    if (q > 0.0) {
      s_ext = log(q) / (1.0 / ts - 1.0 / tm);
    }
  }
  return Segment(t0, i0, a, b, s_ext);
}

fn voltage(g: Segment, s: f32) -> f32 {
  return g.b * exp(-s / params.tau_mem) + g.a * exp(-s / params.tau_syn);
}

fn voltage_slope(g: Segment, s: f32) -> f32 {
  return -g.b / params.tau_mem * exp(-s / params.tau_mem) - g.a / params.tau_syn * exp(-s / params.tau_syn);
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
    let f = voltage(g, s) - params.threshold;
    if (f == 0.0) { break; }
    if (f < 0.0) { lo = s; } else { hi = s; }
    let d = voltage_slope(g, s);
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

// First crossing s ∈ (lo, hi] of the segment, given V(lo) < ϑ; −1 if there is none.
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
  return refine(g, b_lo, b_hi);
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_id(gid, groups);
  if (idx >= params.batch * params.neurons) { return; }
  let sample = idx / params.neurons;
  let neuron = idx % params.neurons;
  let w_row = neuron * params.fan_in;
  let region = sample * params.capacity;
  var next_in = in_offsets[sample];
  let end_in = in_offsets[sample + 1u];

  var g = segment(0.0, 0.0, 0.0);
  var t_now = 0.0;   // the scan has covered [0, t_now]
  for (var k = 0u; k < params.steps; k++) {
    let last = k + 1u == params.steps;
    let step_end = select(f32(k + 1u) * params.grid_step, params.duration, last);
    // the inputs of this step in time order, then the rest of the step
    loop {
      var t_to = step_end;
      var has_input = false;
      if (next_in < end_in) {
        let t_in = in_spikes[next_in].time;
        if (t_in < step_end || (last && t_in <= step_end)) {
          t_to = t_in;
          has_input = true;
        }
      }
      // own spikes on [t_now, t_to]
      loop {
        let lo = t_now - g.t0;
        let hi = t_to - g.t0;
        if (!(hi > lo)) { break; }
        let s = crossing(g, lo, hi);
        if (s < 0.0) { break; }
        let t_spike = g.t0 + s;
        let i_spike = g.i0 * exp(-s / params.tau_syn);
        let slot = atomicAdd(&out_counts[sample], 1u);
        if (slot >= params.capacity) { return; }   // overflow: the host reports it
        out_spikes[region + slot] = OutSpike(t_spike, i_spike, neuron);
        g = segment(t_spike, 0.0, i_spike);         // reset V⁺ = 0
        t_now = t_spike;
      }
      t_now = t_to;
      if (!has_input) { break; }
      // the input spike: advance the state exactly to its time, then jump I
      let sp = in_spikes[next_in];
      let s = sp.time - g.t0;
      let v = voltage(g, s);
      let i = g.i0 * exp(-s / params.tau_syn) + weights[w_row + sp.neuron];
      g = segment(sp.time, v, i);
      next_in++;
    }
  }
}
