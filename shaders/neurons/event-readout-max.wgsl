// Exact maximum over [0, T] of the voltage of the non-spiking leaky readout of
// an event-driven LIF network (Wunderlich & Pehle 2021, papers/003, eq. 4 and
// Table 1): τ_mem·V̇ = −V + I, τ_syn·İ = −I, a spike of hidden neuron i at t adds
// w_ki to I_k. Between the incoming spikes V is the two-exponential closed form
//   V(s) = b·e^{−s/τ_mem} + a·e^{−s/τ_syn},  a = I₀·τ_syn/(τ_syn − τ_mem),  b = V₀ − a,
// with at most one extremum, at e^{s(1/τ_syn − 1/τ_mem)} = −a·τ_mem/(b·τ_syn).
// So the maximum lies at t = 0 (kind 0, 'start', V = 0), at an interior V̇ = 0
// (kind 1), at an incoming spike (kind 2, a kink: V̇ drops by w/τ_mem) or at
// t = T (kind 3), the candidates taken in time order, the first of equal values
// kept (as src/reference/event-lif.ts, readoutMaxima).
// Output per (sample, readout neuron): value, time, I(t_max⁻), kind, and for a
// kink the global index of the incoming spike record (else −1).
// Bindings: 0 params, 1 weights [outputs][fan_in] (read), 2 in_spikes
// (SpikeRecord, per sample sorted by time, all ≤ T), 3 in_offsets [batch + 1]
// (common/event-readout.wgsl), 4 maxima [batch][outputs] (write).
// Threads: one per (sample, readout neuron), idx = sample·outputs + neuron.

@group(0) @binding(4) var<storage, read_write> maxima: array<ReadoutMax>;

var<private> best: ReadoutMax;

fn consider(value: f32, time: f32, current: f32, kind: u32, spike: i32) {
  if (value > best.value) { best = ReadoutMax(value, time, current, kind, spike); }
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_id(gid, groups);
  if (idx >= params.batch * params.outputs) { return; }
  let th = readout_thread(idx);
  best = ReadoutMax(0.0, 0.0, 0.0, 0u, -1);
  let tm = params.tau_mem;
  let ts = params.tau_syn;
  var v = 0.0;
  var c = 0.0;
  var t = 0.0;
  for (var k = th.first; k <= th.end; k++) {
    let last = k == th.end;
    var until = params.duration;
    if (!last) { until = in_spikes[k].time; }
    // the free segment [t, until]: its interior extremum, then its end state
    let h = until - t;
    let a = c * ts / (ts - tm);
    let b = v - a;
    if (b != 0.0) {
      let q = -a * tm / (b * ts);
      if (q > 0.0) {
        let s = log(q) / (1.0 / ts - 1.0 / tm);
        if (s > 0.0 && s < h) {
          consider(b * exp(-s / tm) + a * exp(-s / ts), t + s, c * exp(-s / ts), 1u, -1);
        }
      }
    }
    if (h > 0.0) {
      v = b * exp(-h / tm) + a * exp(-h / ts);
      c = c * exp(-h / ts);
    }
    t = until;
    if (last) {
      consider(v, t, c, 3u, -1);
    } else {
      consider(v, t, c, 2u, i32(k));
      c += weights[th.w_row + in_spikes[k].neuron];
    }
  }
  maxima[idx] = best;
}
