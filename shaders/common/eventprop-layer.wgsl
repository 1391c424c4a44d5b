// Uniforms, bindings and shared steps of the EventProp kernels of a spiking LIF
// layer (Wunderlich & Pehle 2021, papers/003, Table 2, eq. 2, Algorithm 1):
// grad/eventprop-hidden and grad/eventprop-first-spike (one thread per neuron,
// with the reverse-time scan below) and grad/eventprop-recurrent (one workgroup
// per sample). Included after common/event-adjoint.wgsl; the including kernel
// declares binding 5, the source of the λ_V jumps at the layer's own spikes.
// Bindings: 0 params, 1 weights [neurons][fan_in] (read; grad/eventprop-recurrent:
// then v [neurons][neurons]), 2 in_spikes (SpikeRecords of the layer below or the
// input spikes, per sample sorted by time), 3 own_spikes (this layer's
// SpikeRecords, per sample sorted by time), 4 offsets [2][batch + 1] (in, then
// own), 6 grad_rows (per-sample weight gradients, accumulated, zeroed by the
// host), 7 jump_out [in spikes of all samples][neurons] (write, if write_jumps),
// 8 clipped (atomic counter).

struct Params {
  batch: u32,
  neurons: u32,       // of this layer
  fan_in: u32,
  above: u32,         // neurons of the layer above (0 for the output layer)
  write_jumps: u32,   // 1: write jump_out for the layer below
  duration: f32,   // ms
  tau_mem: f32,    // ms
  tau_syn: f32,    // ms
  threshold: f32,
  min_slope: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> weights: array<f32>;
@group(0) @binding(2) var<storage, read> in_spikes: array<SpikeRecord>;
@group(0) @binding(3) var<storage, read> own_spikes: array<SpikeRecord>;
@group(0) @binding(4) var<storage, read> offsets: array<u32>;
@group(0) @binding(6) var<storage, read_write> grad_rows: array<f32>;
@group(0) @binding(7) var<storage, read_write> jump_out: array<f32>;
@group(0) @binding(8) var<storage, read_write> clipped: atomic<u32>;

// The events of one sample not yet taken in reverse time: the incoming spikes
// in_spikes[in_first … q) and the own spikes own_spikes[own_first … p).
struct EventCursor {
  in_first: u32,
  q: u32,
  own_first: u32,
  p: u32,
}

fn event_cursor(sample: u32) -> EventCursor {
  let own_base = params.batch + 1u;
  return EventCursor(offsets[sample], offsets[sample + 1u], offsets[own_base + sample], offsets[own_base + sample + 1u]);
}

const NO_EVENT: u32 = 0u;
const IN_EVENT: u32 = 1u;    // in_spikes[q − 1]
const OWN_EVENT: u32 = 2u;   // own_spikes[p − 1]

// Which event comes next in reverse time. At equal times an incoming spike is
// taken first, as in src/reference/eventprop.ts.
fn next_event(c: EventCursor) -> u32 {
  let has_in = c.q > c.in_first;
  let has_own = c.p > c.own_first;
  if (!has_in && !has_own) { return NO_EVENT; }
  var take_in = has_in;
  if (has_in && has_own) { take_in = in_spikes[c.q - 1u].time >= own_spikes[c.p - 1u].time; }
  return select(OWN_EVENT, IN_EVENT, take_in);
}

// The jump of λ_V at an own spike with synaptic current I(t_p) = current
// (Table 2, eq. 52a), given the transmitted part (from the layer above, from
// the loss and, in a recurrent layer, from the layer itself):
//   λ_V⁻ − λ_V⁺ = [ϑ·λ_V⁺ + transmitted] / (τ_mem·V̇⁻),  τ_mem·V̇⁻ = I(t_p) − ϑ.
// With min_slope > 0, τ_mem·V̇⁻ below it is raised to min_slope and counted in
// `clipped` (no longer the exact gradient). A record with I ≤ ϑ is no upward
// crossing (the forward kernels emit none, common/lif-crossing.wgsl, upward):
// its spike time has no derivative, so it gets no jump and is counted too.
fn spike_jump(lam_v: f32, current: f32, transmitted: f32) -> f32 {
  var slope = current - params.threshold;
  if (slope < params.min_slope || !(slope > 0.0)) {
    slope = params.min_slope;
    atomicAdd(&clipped, 1u);
  }
  if (!(slope > 0.0)) { return 0.0; }
  return (params.threshold * lam_v + transmitted) / slope;
}

// The reverse-time scan of one neuron n (thread idx = sample·neurons + n):
// from λ_V(T) = λ_I(T) = 0 the adjoint flows in closed form
// (common/event-adjoint.wgsl) between the neuron's events.
struct NeuronScan {
  neuron: u32,
  w_row: u32,   // n·fan_in: its row of weights
  g_row: u32,   // idx·fan_in: its row of grad_rows
  events: EventCursor,
  adj: Adjoint,
}

var<private> scan: NeuronScan;

fn start_scan(idx: u32) {
  let neuron = idx % params.neurons;
  scan = NeuronScan(neuron, neuron * params.fan_in, idx * params.fan_in, event_cursor(idx / params.neurons), Adjoint(0.0, 0.0, params.duration));
}

// Takes the scan back to the neuron's next own spike p (true: its record is
// own_spikes[scan.events.p] and scan.adj holds λ⁺ at t_p, before the jump) or
// to t = 0 (false). On the way, at each incoming spike k (channel c at t_k):
//   dL/dw_nc += −τ_syn·λ_I,n(t_k)                                  (eq. 2)
//   jump_out[k][n] = w_nc·(λ_V⁺ − λ_I)_n(t_k)   (for the layer below, if write_jumps)
fn back_to_own_spike() -> bool {
  let tm = params.tau_mem;
  let ts = params.tau_syn;
  loop {
    // the next own spike of this neuron in reverse time
    while (scan.events.p > scan.events.own_first && own_spikes[scan.events.p - 1u].neuron != scan.neuron) { scan.events.p--; }
    let next = next_event(scan.events);
    if (next == NO_EVENT) { return false; }
    if (next == OWN_EVENT) {
      scan.events.p--;
      scan.adj = adjoint_back(scan.adj, own_spikes[scan.events.p].time, tm, ts);
      return true;
    }
    scan.events.q--;
    let q = scan.events.q;
    let sp = in_spikes[q];
    scan.adj = adjoint_back(scan.adj, sp.time, tm, ts);
    grad_rows[scan.g_row + sp.neuron] += -ts * scan.adj.lam_i;
    if (params.write_jumps != 0u) {
      jump_out[q * params.neurons + scan.neuron] = weights[scan.w_row + sp.neuron] * (scan.adj.lam_v - scan.adj.lam_i);
    }
  }
}
