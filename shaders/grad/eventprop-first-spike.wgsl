// EventProp backward pass of a spiking LIF output layer with the first-spike
// loss (Wunderlich & Pehle 2021, papers/003, eq. 3, Table 2, eq. 2,
// Algorithm 1). λ_V(T) = λ_I(T) = 0; backward in time the adjoint flows in
// closed form (common/event-adjoint.wgsl) between this output neuron's events:
//  - its incoming spikes k (hidden neuron c at t_k), where
//      dL/dw_nc += −τ_syn·λ_I,n(t_k)                                  (eq. 2)
//      jump_terms[k][n] = w_nc·(λ_V⁺ − λ_I)_n(t_k)  (for the last hidden layer)
//  - its own spikes p at t_p, where λ_V jumps (Table 2, eq. 52a; no layer above):
//      λ_V⁻ = λ_V⁺ + [ϑ·λ_V⁺ + ∂l_p/∂t_p] / (τ_mem·V̇⁻),  τ_mem·V̇⁻ = I(t_p) − ϑ
//    with ∂l_p/∂t_p = first[sample][n].d_time (∂L/∂t_n of eq. 3, batch mean
//    included) at the neuron's first spike, first[sample][n].spike, and 0 at
//    its later spikes. A neuron without a spike (spike = −1) gets no loss jump.
// With min_slope > 0, τ_mem·V̇⁻ below it is raised to min_slope and counted in
// `clipped` (no longer the exact gradient). At equal times an incoming spike is
// taken first in reverse time, as in src/reference/eventprop.ts.
// Bindings: 0 params, 1 weights [outputs][fan_in] (read), 2 in_spikes (the last
// hidden layer's SpikeRecords, per sample sorted by time), 3 own_spikes (this
// layer's SpikeRecords, per sample sorted by time), 4 offsets [2][batch + 1]
// (in, then own), 5 first [batch][outputs] (FirstSpikeLoss), 6 grad_rows
// [batch][outputs][fan_in] (accumulated, zeroed by the host), 7 jump_terms
// [in spikes of all samples][outputs] (write), 8 clipped (atomic counter).
// Threads: one per (sample, output neuron), idx = sample·outputs + neuron.

struct Params {
  batch: u32,
  outputs: u32,
  fan_in: u32,
  duration: f32,   // ms
  tau_mem: f32,    // ms
  tau_syn: f32,    // ms
  threshold: f32,
  min_slope: f32,
}

// An output neuron's first spike: global index of its record in own_spikes
// (−1 if it does not fire) and ∂L/∂t of that spike.
struct FirstSpikeLoss {
  spike: i32,
  d_time: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> weights: array<f32>;
@group(0) @binding(2) var<storage, read> in_spikes: array<SpikeRecord>;
@group(0) @binding(3) var<storage, read> own_spikes: array<SpikeRecord>;
@group(0) @binding(4) var<storage, read> offsets: array<u32>;
@group(0) @binding(5) var<storage, read> first: array<FirstSpikeLoss>;
@group(0) @binding(6) var<storage, read_write> grad_rows: array<f32>;
@group(0) @binding(7) var<storage, read_write> jump_terms: array<f32>;
@group(0) @binding(8) var<storage, read_write> clipped: atomic<u32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_id(gid, groups);
  if (idx >= params.batch * params.outputs) { return; }
  let sample = idx / params.outputs;
  let neuron = idx % params.outputs;
  let tm = params.tau_mem;
  let ts = params.tau_syn;
  let theta = params.threshold;
  let w_row = neuron * params.fan_in;
  let g_row = idx * params.fan_in;
  let loss = first[idx];
  let in_first = offsets[sample];
  var q = offsets[sample + 1u];                       // next incoming spike is q − 1
  let own_base = params.batch + 1u;
  let own_first = offsets[own_base + sample];
  var p = offsets[own_base + sample + 1u];            // next own spike is p − 1 (after the search)
  var adj = Adjoint(0.0, 0.0, params.duration);
  loop {
    // the next own spike of this neuron in reverse time
    while (p > own_first && own_spikes[p - 1u].neuron != neuron) { p--; }
    let has_own = p > own_first;
    let has_in = q > in_first;
    if (!has_own && !has_in) { break; }
    var take_in = has_in;
    if (has_own && has_in) { take_in = in_spikes[q - 1u].time >= own_spikes[p - 1u].time; }
    if (take_in) {
      q--;
      let sp = in_spikes[q];
      adj = adjoint_back(adj, sp.time, tm, ts);
      grad_rows[g_row + sp.neuron] += -ts * adj.lam_i;
      jump_terms[q * params.outputs + neuron] = weights[w_row + sp.neuron] * (adj.lam_v - adj.lam_i);
    } else {
      p--;
      let sp = own_spikes[p];
      adj = adjoint_back(adj, sp.time, tm, ts);
      var d_time = 0.0;
      if (loss.spike == i32(p)) { d_time = loss.d_time; }
      var slope = sp.current - theta;
      if (slope < params.min_slope) {
        slope = params.min_slope;
        atomicAdd(&clipped, 1u);
      }
      adj.lam_v += (theta * adj.lam_v + d_time) / slope;
    }
  }
}
