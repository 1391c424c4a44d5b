// EventProp backward pass of a spiking LIF output layer with the first-spike
// loss (Wunderlich & Pehle 2021, papers/003, eq. 3, Table 2, eq. 2,
// Algorithm 1). λ_V(T) = λ_I(T) = 0; backward in time the adjoint flows in
// closed form (common/event-adjoint.wgsl) between this output neuron's events:
//  - its incoming spikes k (hidden neuron c at t_k), where
//      dL/dw_nc += −τ_syn·λ_I,n(t_k)                                  (eq. 2)
//      jump_out[k][n] = w_nc·(λ_V⁺ − λ_I)_n(t_k)  (for the last hidden layer)
//    (common/eventprop-layer.wgsl, back_to_own_spike)
//  - its own spikes p at t_p, where λ_V jumps (Table 2, eq. 52a; no layer above):
//      λ_V⁻ = λ_V⁺ + [ϑ·λ_V⁺ + ∂l_p/∂t_p] / (τ_mem·V̇⁻),  τ_mem·V̇⁻ = I(t_p) − ϑ
//    with ∂l_p/∂t_p = first[sample][n].d_time (∂L/∂t_n of eq. 3, batch mean
//    included) at the neuron's first spike, first[sample][n].spike, and 0 at
//    its later spikes. A neuron without a spike (spike = −1) gets no loss jump.
// With min_slope > 0, τ_mem·V̇⁻ below it is raised to min_slope and counted in
// `clipped` (no longer the exact gradient). At equal times an incoming spike is
// taken first in reverse time, as in src/reference/eventprop.ts.
// Bindings (common/eventprop-layer.wgsl; params.neurons = outputs, above = 0,
// write_jumps = 1): 0 params, 1 weights [outputs][fan_in] (read), 2 in_spikes
// (the last hidden layer's SpikeRecords, per sample sorted by time),
// 3 own_spikes (this layer's SpikeRecords, per sample sorted by time),
// 4 offsets [2][batch + 1] (in, then own), 5 first [batch][outputs]
// (FirstSpikeLoss), 6 grad_rows [batch][outputs][fan_in] (accumulated, zeroed by
// the host), 7 jump_out [in spikes of all samples][outputs] (write), 8 clipped
// (atomic counter).
// Threads: one per (sample, output neuron), idx = sample·outputs + neuron.

// An output neuron's first spike: global index of its record in own_spikes
// (−1 if it does not fire) and ∂L/∂t of that spike.
struct FirstSpikeLoss {
  spike: i32,
  d_time: f32,
}

@group(0) @binding(5) var<storage, read> first: array<FirstSpikeLoss>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = flat_id(gid, groups);
  if (idx >= params.batch * params.neurons) { return; }
  let loss = first[idx];
  start_scan(idx);
  while (back_to_own_spike()) {
    let p = scan.events.p;
    var d_time = 0.0;
    if (loss.spike == i32(p)) { d_time = loss.d_time; }
    scan.adj.lam_v += spike_jump(scan.adj.lam_v, own_spikes[p].current, d_time);
  }
}
