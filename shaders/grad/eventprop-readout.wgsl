// EventProp backward pass of the non-spiking leaky readout with the
// max-over-time voltage loss (Wunderlich & Pehle 2021, papers/003, eq. 4,
// Table 2, eq. 2, Algorithm 1). λ_V(T) = λ_I(T) = 0; backward in time the
// adjoint flows in closed form (common/event-adjoint.wgsl) and, with
// g = ∂L/∂max_t V (already divided by the batch size):
//   max at an interior V̇ = 0 or at T: λ_V jumps by −g/τ_mem at t_max;
//   max at a kink at incoming spike s: the jump is placed just before t_s, and
//   the spike time derivative ∂l_p/∂t_s = g·V̇⁻(t_s) = g·(I⁻ − V)/τ_mem is passed
//   down with the spike's jump term.
// At each incoming spike k of hidden neuron i (reverse time):
//   dL/dw_ki += −τ_syn·λ_I,k(t_k)                                   (eq. 2)
//   jump_terms[k][neuron] = w_ki·(λ_V⁺ − λ_I)_k (+ ∂l_p/∂t_k)        (Table 2, eq. 52a)
// the layer below sums jump_terms over the readout neurons for the λ_V jump of
// the spiking neuron i (grad/eventprop-hidden.wgsl).
// Bindings: 0 params, 1 weights [outputs][fan_in] (read), 2 in_spikes
// (SpikeRecord, per sample sorted by time, all ≤ T), 3 in_offsets [batch + 1]
// (common/event-readout.wgsl), 4 maxima [batch][outputs] (from
// neurons/event-readout-max.wgsl), 5 d_max [batch][outputs], 6 grad_rows
// [batch][outputs][fan_in] (accumulated, zeroed by the host), 7 jump_terms
// [in spikes of all samples][outputs] (write).
// Threads: one per (sample, readout neuron), idx = sample·outputs + neuron.

@group(0) @binding(4) var<storage, read> maxima: array<ReadoutMax>;
@group(0) @binding(5) var<storage, read> d_max: array<f32>;
@group(0) @binding(6) var<storage, read_write> grad_rows: array<f32>;
@group(0) @binding(7) var<storage, read_write> jump_terms: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_id(gid, groups);
  if (idx >= params.batch * params.outputs) { return; }
  let th = readout_thread(idx);
  let m = maxima[idx];
  let g = d_max[idx];
  let tm = params.tau_mem;
  let ts = params.tau_syn;
  let loss_jump = -g / tm;
  var timed = m.kind == 1u || m.kind == 3u;
  var adj = Adjoint(0.0, 0.0, params.duration);
  let g_row = idx * params.fan_in;
  var k = th.end;
  while (k > th.first) {
    k--;
    let sp = in_spikes[k];
    // a loss jump at the same time as a spike comes first in reverse time
    if (timed && m.time >= sp.time) {
      adj = adjoint_back(adj, m.time, tm, ts);
      adj.lam_v += loss_jump;
      timed = false;
    }
    adj = adjoint_back(adj, sp.time, tm, ts);
    let w = weights[th.w_row + sp.neuron];
    grad_rows[g_row + sp.neuron] += -ts * adj.lam_i;
    var term = w * (adj.lam_v - adj.lam_i);
    if (m.kind == 2u && m.spike == i32(k)) {
      term += g * (m.current - m.value) / tm;
      adj.lam_v += loss_jump;
    }
    jump_terms[k * params.outputs + th.neuron] = term;
  }
}
