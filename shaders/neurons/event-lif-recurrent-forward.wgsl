// Hybrid forward pass of one recurrent layer of continuous-time LIF neurons
// (Wunderlich & Pehle 2021, papers/003, Table 1 with recurrent weights):
//   τ_mem·V̇ = −V + I,  τ_syn·İ = −I;  V⁻ = ϑ ⇒ spike, V⁺ = 0;
//   an input spike of channel c at t adds w_nc to I_n of every neuron n;
//   a spike of neuron m of this layer at t adds v_nm to I_n of every n ≠ m.
// All states zero at t = 0. Every event reaches every neuron of the sample, so
// all neurons share one anchor t0, and each neuron's trajectory is the free
// two-exponential flow (common/lif-crossing.wgsl) of a virtual state (V̂, Î) at
// t0, into which the events are folded (the flow is linear): an I jump Δ at
// s = t − t0 adds Δ·e^{s/τ_syn} to Î and k·Δ·(e^{s/τ_syn} − e^{s/τ_mem}) to V̂,
// k = τ_syn/(τ_syn − τ_mem) (V stays continuous); a reset V⁺ = 0 at s sets
// V̂ = k·Î·(1 − e^{s/τ_mem − s/τ_syn}). The anchor moves to an event only when it
// is more than `rebase` = min(τ_mem, τ_syn)/2 behind it (rebase_interval,
// common/sample-workgroup.wgsl), so the state passes through a chain of rounded
// exponentials about T/rebase times instead of once per event (a per-event
// chain drifts by about 1e-7 relative per event, which matters with hundreds of
// recurrent spikes per sample).
// The neurons of a sample advance together: the workgroup scans the time grid
// (steps of grid_step ms up to duration); within a step the input spikes that
// fall in it are applied in time order at their exact times. On each interval
// [t_now, t_to] between input events every thread finds the first crossing of
// each of its neurons (rise above ϑ and fall back within the interval
// included); the earliest crossing of the sample (lowest neuron on a tie) is
// committed at its exact time t_c: the firing neuron is reset and every other
// neuron receives its recurrent weight at t_c; then the interval is scanned
// again from t_c, until it has no crossing. The spike times
// are relative to the anchor, so they do not depend on the grid (up to f32
// rounding of the roots).
// Output per spike: (time, I(time), neuron), in commit (time) order in the
// sample's region of `capacity` slots. The sample stops after capacity + 1
// spikes and reports that count (the host turns count > capacity into an error).
// Bindings: 0 params, 1 weights (read): w [neurons][fan_in], then
// v [neurons][neurons] (v[n][m]: from m to n; the diagonal is not used),
// 2 in_spikes (read, per sample sorted by time), 3 in_offsets [batch + 1]
// (read), 4 out_spikes [batch][capacity] (write), 5 out_counts [batch] (write).
// Threads: one workgroup per sample, neuron n in local thread n mod WG, at most
// PER_THREAD neurons per thread (common/sample-workgroup.wgsl). Workgroup
// reduction of the earliest crossing by atomicMin on the f32 bits of the
// (non-negative) time, then on the neuron index.

const NONE: u32 = 0xffffffffu;

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

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> weights: array<f32>;
@group(0) @binding(2) var<storage, read> in_spikes: array<InSpike>;
@group(0) @binding(3) var<storage, read> in_offsets: array<u32>;
@group(0) @binding(4) var<storage, read_write> out_spikes: array<OutSpike>;
@group(0) @binding(5) var<storage, read_write> out_counts: array<u32>;

var<workgroup> min_bits: atomic<u32>;
var<workgroup> min_neuron: atomic<u32>;
var<workgroup> winner: vec2<u32>;

// First upward crossing s ∈ [lo, hi] of the segment; −1 if there is none.
// V(lo) ≥ ϑ (a neuron left at ϑ by rounding or a tie at the last event) fires
// at lo if V still rises there (common/lif-crossing.wgsl, upward).
fn first_crossing(g: Segment, lo: f32, hi: f32) -> f32 {
  if (!(hi > lo)) { return -1.0; }
  if (voltage(g, lo) >= params.threshold) { return upward(g, lo); }
  return crossing(g, lo, hi);
}

// The earliest (time bits, neuron) over the workgroup, NONE in .y if no thread
// found one; uniform. Called from uniform control flow.
fn earliest(found: bool, time: f32, neuron: u32, lid: u32) -> vec2<u32> {
  workgroupBarrier();
  if (lid == 0u) {
    atomicStore(&min_bits, NONE);
    atomicStore(&min_neuron, NONE);
  }
  workgroupBarrier();
  let bits = bitcast<u32>(time);
  if (found) { atomicMin(&min_bits, bits); }
  workgroupBarrier();
  if (found && bits == atomicLoad(&min_bits)) { atomicMin(&min_neuron, neuron); }
  workgroupBarrier();
  if (lid == 0u) { winner = vec2<u32>(atomicLoad(&min_bits), atomicLoad(&min_neuron)); }
  return workgroupUniformLoad(&winner);
}

// Moves the virtual state of this thread's neurons from the anchor to s ms after it.
fn rebase_to(v_hat: ptr<function, array<f32, PER_THREAD>>, i_hat: ptr<function, array<f32, PER_THREAD>>, s: f32, lid: u32) {
  let decay = exp(-s / params.tau_syn);
  for (var j = 0u; j < PER_THREAD; j++) {
    if (lid + j * WG >= params.neurons) { break; }
    (*v_hat)[j] = voltage(segment(0.0, (*v_hat)[j], (*i_hat)[j]), s);
    (*i_hat)[j] *= decay;
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, group: SampleGroup) {
  let sample = sample_of(group);
  if (sample >= params.batch) { return; }
  let neurons = params.neurons;
  let tm = params.tau_mem;
  let ts = params.tau_syn;
  let k_ratio = ts / (ts - tm);
  let rebase = rebase_interval();
  let v_base = neurons * params.fan_in;
  let region = sample * params.capacity;
  var next_in = in_offsets[sample];
  let end_in = in_offsets[sample + 1u];

  // virtual state (V̂, Î) at the anchor t0 of this thread's neurons lid + j·WG
  var v_hat: array<f32, PER_THREAD>;
  var i_hat: array<f32, PER_THREAD>;
  var t0 = 0.0;
  var t_now = 0.0;   // the scan has covered [0, t_now]
  var count = 0u;
  var full = false;
  for (var k = 0u; k < params.steps && !full; k++) {
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
      // spikes of the layer on [t_now, t_to], earliest first
      loop {
        var best_t = 0.0;
        var best_n = NONE;
        for (var j = 0u; j < PER_THREAD; j++) {
          let n = lid + j * WG;
          if (n >= neurons) { break; }
          let s = first_crossing(segment(t0, v_hat[j], i_hat[j]), t_now - t0, t_to - t0);
          if (s >= 0.0) {
            let t = t0 + s;
            if (best_n == NONE || t < best_t) {
              best_t = t;
              best_n = n;
            }
          }
        }
        let win = earliest(best_n != NONE, best_t, best_n, lid);
        if (win.y == NONE) { break; }
        let m = win.y;
        let t_c = bitcast<f32>(win.x);
        if (t_c - t0 > rebase) {
          rebase_to(&v_hat, &i_hat, t_c - t0, lid);
          t0 = t_c;
        }
        let s_c = t_c - t0;
        let e_mem = exp(s_c / tm);
        let e_syn = exp(s_c / ts);
        let decay = exp(-s_c / ts);
        let reset = 1.0 - exp(s_c / tm - s_c / ts);
        for (var j = 0u; j < PER_THREAD; j++) {
          let n = lid + j * WG;
          if (n >= neurons) { break; }
          if (n == m) {
            if (count < params.capacity) { out_spikes[region + count] = OutSpike(t_c, i_hat[j] * decay, m); }
            v_hat[j] = k_ratio * i_hat[j] * reset;              // reset V⁺ = 0
          } else {
            let w = weights[v_base + n * neurons + m];         // recurrent jump of I
            i_hat[j] += w * e_syn;
            v_hat[j] += k_ratio * w * (e_syn - e_mem);
          }
        }
        t_now = t_c;
        count++;
        if (count > params.capacity) {
          full = true;
          break;
        }
      }
      if (full) { break; }
      t_now = t_to;
      if (!has_input) { break; }
      // the input spike: jump of I at its exact time
      let sp = in_spikes[next_in];
      if (sp.time - t0 > rebase) {
        rebase_to(&v_hat, &i_hat, sp.time - t0, lid);
        t0 = sp.time;
      }
      let s = sp.time - t0;
      let e_mem = exp(s / tm);
      let e_syn = exp(s / ts);
      for (var j = 0u; j < PER_THREAD; j++) {
        let n = lid + j * WG;
        if (n >= neurons) { break; }
        let w = weights[n * params.fan_in + sp.neuron];
        i_hat[j] += w * e_syn;
        v_hat[j] += k_ratio * w * (e_syn - e_mem);
      }
      next_in++;
    }
  }
  if (lid == 0u) { out_counts[sample] = count; }
}
