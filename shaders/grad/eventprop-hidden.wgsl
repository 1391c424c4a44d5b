// EventProp backward pass of one feed-forward hidden layer of continuous-time
// LIF neurons (Wunderlich & Pehle 2021, papers/003, Table 2, eq. 2,
// Algorithm 1), run after the layer above (top-down, one dispatch per layer).
// λ_V(T) = λ_I(T) = 0; backward in time the adjoint flows in closed form
// (common/event-adjoint.wgsl) between this neuron's events, which are
//  - its incoming spikes k (channel c at t_k), where
//      dL/dw_nc += −τ_syn·λ_I,n(t_k)                                  (eq. 2)
//      jump_out[k][n] = w_nc·(λ_V⁺ − λ_I)_n(t_k)   (for the layer below, if any)
//    (common/eventprop-layer.wgsl, back_to_own_spike)
//  - its own spikes p at t_p, where λ_V jumps (Table 2, eq. 52a):
//      λ_V⁻ = λ_V⁺ + [ϑ·λ_V⁺ + Σ_m jump_above[p][m]] / (τ_mem·V̇⁻),  τ_mem·V̇⁻ = I(t_p) − ϑ
//    jump_above[p][m] = w_mn·(λ_V⁺ − λ_I)_m(t_p) (+ ∂l_p/∂t_p) from the layer above.
// With min_slope > 0, τ_mem·V̇⁻ below it is raised to min_slope and counted in
// `clipped` (no longer the exact gradient). At equal times an incoming spike is
// taken first in reverse time, as in src/reference/eventprop.ts.
// Bindings (common/eventprop-layer.wgsl): 0 params, 1 weights [neurons][fan_in]
// (read), 2 in_spikes (SpikeRecord, per sample sorted by time), 3 own_spikes
// (this layer's SpikeRecords, per sample sorted by time), 4 offsets
// [2][batch + 1] (in, then own), 5 jump_above [own spikes of all samples][above]
// (read), 6 grad_rows [batch][neurons][fan_in] (accumulated, zeroed by the host),
// 7 jump_out [in spikes of all samples][neurons] (write, if write_jumps),
// 8 clipped (atomic counter).
// Threads: one per (sample, neuron), idx = sample·neurons + neuron.

@group(0) @binding(5) var<storage, read> jump_above: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_id(gid, groups);
  if (idx >= params.batch * params.neurons) { return; }
  start_scan(idx);
  while (back_to_own_spike()) {
    let p = scan.events.p;
    var transmitted = 0.0;
    for (var m = 0u; m < params.above; m++) { transmitted += jump_above[p * params.above + m]; }
    scan.adj.lam_v += spike_jump(scan.adj.lam_v, own_spikes[p].current, transmitted);
  }
}
