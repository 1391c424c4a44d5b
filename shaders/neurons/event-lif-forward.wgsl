// Hybrid forward pass of one feed-forward layer of continuous-time LIF neurons
// (Wunderlich & Pehle 2021, papers/003, Table 1; crossing search as in
// papers/002, Algorithm 1):
//   τ_mem·V̇ = −V + I,  τ_syn·İ = −I;  an input spike of channel i at t adds w_ji to I_j;
//   V⁻ = ϑ ⇒ spike, V⁺ = 0.  All states zero at t = 0.
// Each neuron's trajectory is the free two-exponential flow (common/lif-crossing.wgsl)
// of a virtual state (V̂, Î) at an anchor t0, s = t − t0:
//   I(s) = Î·e^{−s/τ_syn},  V(s) = (V̂ − k·Î)·e^{−s/τ_mem} + k·Î·e^{−s/τ_syn},
//   k = τ_syn/(τ_syn − τ_mem).
// The events are folded into the virtual state (the flow is linear): an input
// jump w at s adds w·e^{s/τ_syn} to Î and k·w·(e^{s/τ_syn} − e^{s/τ_mem}) to V̂;
// an own spike at s (reset V⁺ = 0) sets V̂ = k·Î·(1 − e^{s/τ_mem − s/τ_syn}).
// The thread scans its sample's records in time order (kernels/neurons/
// event-lif-forward.ts, packInputEvents): the input spikes, the ends of the time
// grid steps (NO_INPUT records), and anchor moves. The anchor moves only at
// records marked REBASE (there the state is advanced to the record's time and
// becomes the new virtual state), about every min(τ_mem, τ_syn)/2, so the state
// passes through a chain of rounded exponentials a few times per τ instead of
// once per event. Which records rebase, and the factors e^{±s/τ} of every
// record, are the same for all neurons of a sample, so the host computes them
// once per record; the kernel evaluates no exponential between crossings.
// V ≤ max(V(t1), I(t1)) for all t ≥ t1 until the next input (V relaxes towards
// I, which decays towards 0 or stays ≤ 0), so an interval [t_now, t_to] between
// records is tested only while that bound at t_now reaches ϑ ("busy"): a
// crossing is possible iff V(t_to) ≥ ϑ or V has a maximum inside (I > V at
// t_now, I < V at t_to). The scan stops at such an interval, and the crossing
// search (crossing_between, common/lif-crossing.wgsl) runs outside the scan
// loop, so the scan of an interval costs no search where none is needed: the root is refined in closed form (SOLVER 1, 2) or by safeguarded
// Newton/bisection (SOLVER 0) on the anchored closed form, so the spike time
// does not depend on the grid (up to f32 rounding).
// Output per spike: (time, I(time), neuron), appended to the sample's region of
// `capacity` slots by an atomic counter. The counter keeps counting past the
// capacity (the host turns count > capacity into an error); a thread whose slot
// lies beyond the capacity stops.
// Bindings: 0 params, 1 weights [fan_in][neurons] (read; input-major, so the
// threads of a sample read one row per input), 2 in_events (read, per sample
// sorted by time), 3 in_offsets [batch + 1] (read), 4 out_spikes
// [batch][capacity] (write), 5 out_counts [batch] (atomic).
// Threads: one per (sample, neuron), idx = sample·neurons + neuron.

const REBASE: u32 = 0x80000000u;
const NO_INPUT: u32 = 0x7fffffffu;

struct Params {
  batch: u32,
  neurons: u32,
  capacity: u32,
  tau_mem: f32,     // ms
  tau_syn: f32,     // ms
  threshold: f32,
}

// An input spike (or, with neuron NO_INPUT, an anchor move) at `time`, s = time − t0
// with t0 the anchor before the record: up = (e^{s/τ_syn}, e^{s/τ_mem}) (not used
// by a REBASE record), down = (e^{−s/τ_syn}, e^{−s/τ_mem}).
struct InEvent {
  time: f32,
  neuron: u32,   // presynaptic index | REBASE
  up_syn: f32,
  up_mem: f32,
  down_syn: f32,
  down_mem: f32,
}

struct OutSpike {
  time: f32,
  current: f32,
  neuron: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> weights: array<f32>;
@group(0) @binding(2) var<storage, read> in_events: array<InEvent>;
@group(0) @binding(3) var<storage, read> in_offsets: array<u32>;
@group(0) @binding(4) var<storage, read_write> out_spikes: array<OutSpike>;
@group(0) @binding(5) var<storage, read_write> out_counts: array<atomic<u32>>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_id(gid, groups);
  if (idx >= params.batch * params.neurons) { return; }
  let sample = idx / params.neurons;
  let neuron = idx % params.neurons;
  let tm = params.tau_mem;
  let ts = params.tau_syn;
  let theta = params.threshold;
  let k_ratio = ts / (ts - tm);
  let region = sample * params.capacity;
  var next_in = in_offsets[sample];
  let end_in = in_offsets[sample + 1u];

  var t0 = 0.0;      // anchor
  var v_hat = 0.0;   // virtual state at t0
  var i_hat = 0.0;
  var t_now = 0.0;   // the scan has covered [0, t_now]
  var v_now = 0.0;   // V, I at t_now
  var i_now = 0.0;
  var busy = false;  // max(V, I) ≥ ϑ at t_now: the next interval may hold a crossing
  loop {
    // scan the records until an interval [t_now, t_to] may hold a crossing
    var pending = false;
    var t_to = 0.0;
    var v_to = 0.0;
    var i_to = 0.0;
    loop {
      if (next_in >= end_in) { break; }
      let ev = in_events[next_in];
      t_to = ev.time;
      v_to = (v_hat - k_ratio * i_hat) * ev.down_mem + k_ratio * i_hat * ev.down_syn;
      i_to = i_hat * ev.down_syn;
      // V(t_to) ≥ ϑ, or a maximum inside (I > V at t_now, I < V at t_to) that the bound allows above ϑ
      if (busy && t_to > t_now && (v_to >= theta || (i_now > v_now && i_to < v_to && i_now >= theta))) {
        pending = true;
        break;
      }
      // the record at t_to: jump of I at its exact time (V continuous)
      let pre = ev.neuron & ~REBASE;
      var w = 0.0;
      if (pre != NO_INPUT) { w = weights[pre * params.neurons + neuron]; }
      if ((ev.neuron & REBASE) != 0u) {
        t0 = t_to;
        v_hat = v_to;
        i_hat = i_to + w;
      } else {
        i_hat += w * ev.up_syn;
        v_hat += k_ratio * w * (ev.up_syn - ev.up_mem);
      }
      t_now = t_to;
      v_now = v_to;
      i_now = i_to + w;
      busy = max(v_now, i_now) >= theta;
      next_in++;
    }
    if (!pending) { break; }
    // the first crossing on [t_now, t_to], if any
    let g = Segment(t0, i_hat, k_ratio * i_hat, v_hat - k_ratio * i_hat, -1.0);
    let s = crossing_between(g, t_now - t0, t_to - t0, v_now, i_now, v_to, i_to);
    if (s < 0.0) {
      // a maximum below ϑ: nothing to t_to; the record there is applied next
      t_now = t_to;
      v_now = v_to;
      i_now = i_to;
      continue;
    }
    let t_spike = t0 + s;
    let i_spike = i_hat * exp(-s / ts);
    let slot = atomicAdd(&out_counts[sample], 1u);
    if (slot >= params.capacity) { return; }   // overflow: the host reports it
    out_spikes[region + slot] = OutSpike(t_spike, i_spike, neuron);
    v_hat = k_ratio * i_hat * (1.0 - exp(s / tm - s / ts));   // reset V⁺ = 0
    t_now = t_spike;
    v_now = 0.0;
    i_now = i_spike;
    busy = i_spike >= theta;
  }
}
