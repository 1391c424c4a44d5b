// EventProp backward pass of one recurrent hidden layer of continuous-time LIF
// neurons (Wunderlich & Pehle 2021, papers/003, Table 2 with recurrent weights,
// eq. 2, Algorithm 1), run after the layer above (top-down, one dispatch per layer).
// λ_V(T) = λ_I(T) = 0; backward in time, between events (' = −d/dt),
//   τ_mem·λ_V' = −λ_V,  τ_syn·λ_I' = −λ_I + λ_V                (eqs. 32a, 32b)
// and the events of a sample, in reverse time order, are
//  - an incoming spike q (channel c at t_q): for every neuron n
//      dL/dw_nc += −τ_syn·λ_I,n(t_q)                                     (eq. 2)
//      jump_out[q][n] = w_nc·(λ_V⁺ − λ_I)_n(t_q)   (for the layer below, if any)
//  - a spike p of neuron m of this layer at t_p: for every neuron n ≠ m
//      dL/dv_nm += −τ_syn·λ_I,n(t_p)                                     (eq. 2)
//    and λ_V of m jumps (Table 2, eq. 52a):
//      λ_V⁻ = λ_V⁺ + [ϑ·λ_V⁺ + Σ_{n≠m} v_nm·(λ_V⁺ − λ_I)_n + Σ_a jump_above[p][a]] / (τ_mem·V̇⁻),
//      τ_mem·V̇⁻ = I_m(t_p) − ϑ,
//    jump_above[p][a] = w_am·(λ_V⁺ − λ_I)_a(t_p) (+ ∂l_p/∂t_p) from the layer above.
// Every event touches every neuron of the sample, so the neurons move back
// together and share one anchor t_a; each neuron holds a virtual adjoint
// (λ̂_V, λ̂_I) at t_a whose free backward flow (closed form) gives its adjoint at
// every earlier time: with d = t_a − t, e_m = e^{−d/τ_mem}, e_s = e^{−d/τ_syn},
// κ = τ_mem/(τ_mem − τ_syn),
//   λ_V(t) = λ̂_V·e_m,   λ_I(t) = λ̂_I·e_s + κ·λ̂_V·(e_m − e_s),
// and a jump δ of λ_V at t (λ_I continuous) adds δ/e_m to λ̂_V and
// κ·δ·(1/e_m − 1/e_s) to λ̂_I. The anchor moves to an event only when it lies
// more than min(τ_mem, τ_syn)/2 after it (common/sample-workgroup.wgsl), so the
// adjoint passes through a chain of rounded exponentials about T/that times
// rather than once per event. The λ_V jump itself is spike_jump
// (common/eventprop-layer.wgsl).
// With min_slope > 0, τ_mem·V̇⁻ below it is raised to min_slope and counted in
// `clipped` (no longer the exact gradient). At equal times an incoming spike is
// taken first in reverse time, as in grad/eventprop-hidden.wgsl.
// Bindings (common/eventprop-layer.wgsl): 0 params, 1 weights: w [neurons][fan_in],
// then v [neurons][neurons] (v[n][m]: from m to n), 2 in_spikes (SpikeRecord,
// per sample sorted by time), 3 own_spikes (this layer's SpikeRecords, per
// sample sorted by time), 4 offsets [2][batch + 1] (in, then own), 5 jump_above
// [own spikes of all samples][above] (read), 6 grad_rows
// [batch][neurons·(fan_in + neurons)]: per sample dL/dw [neurons][fan_in], then
// dL/dv [neurons][neurons] (accumulated, zeroed by the host), 7 jump_out
// [in spikes of all samples][neurons] (write, if write_jumps), 8 clipped
// (atomic counter).
// Threads: one workgroup per sample, neuron n in local thread n mod WG, at most
// PER_THREAD neurons per thread (common/sample-workgroup.wgsl); the recurrent
// sum Σ_n v_nm·(λ_V⁺ − λ_I)_n is a workgroup tree reduction (WG a power of two).

@group(0) @binding(5) var<storage, read> jump_above: array<f32>;

var<workgroup> partial: array<f32, WG>;

// Σ over the workgroup of x, valid in every thread; called from uniform control flow.
fn workgroup_sum(x: f32, lid: u32) -> f32 {
  workgroupBarrier();
  partial[lid] = x;
  for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
    workgroupBarrier();
    if (lid < stride) { partial[lid] += partial[lid + stride]; }
  }
  workgroupBarrier();
  return partial[0];
}

// Moves the virtual adjoint of this thread's neurons back by d ms, to a new anchor.
fn rebase_to(lam_v: ptr<function, array<f32, PER_THREAD>>, lam_i: ptr<function, array<f32, PER_THREAD>>, d: f32, lid: u32) {
  let e_m = exp(-d / params.tau_mem);
  let e_s = exp(-d / params.tau_syn);
  let kappa = params.tau_mem / (params.tau_mem - params.tau_syn);
  for (var j = 0u; j < PER_THREAD; j++) {
    if (lid + j * WG >= params.neurons) { break; }
    (*lam_i)[j] = (*lam_i)[j] * e_s + kappa * (*lam_v)[j] * (e_m - e_s);
    (*lam_v)[j] *= e_m;
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) lid: u32, group: SampleGroup) {
  let sample = sample_of(group);
  if (sample >= params.batch) { return; }
  var events = event_cursor(sample);
  let neurons = params.neurons;
  let fan_in = params.fan_in;
  let tm = params.tau_mem;
  let ts = params.tau_syn;
  let kappa = tm / (tm - ts);
  let rebase = rebase_interval();
  let v_base = neurons * fan_in;
  let gw_base = sample * neurons * (fan_in + neurons);
  let gv_base = gw_base + neurons * fan_in;

  // virtual adjoint (λ̂_V, λ̂_I) at the anchor t_a of this thread's neurons lid + j·WG
  var lam_v: array<f32, PER_THREAD>;
  var lam_i: array<f32, PER_THREAD>;
  var t_a = params.duration;
  loop {
    let next = next_event(events);
    if (next == NO_EVENT) { break; }
    let take_in = next == IN_EVENT;
    var t = 0.0;
    if (take_in) { t = in_spikes[events.q - 1u].time; } else { t = own_spikes[events.p - 1u].time; }
    if (t_a - t > rebase) {
      rebase_to(&lam_v, &lam_i, t_a - t, lid);
      t_a = t;
    }
    let d = max(t_a - t, 0.0);
    let e_m = exp(-d / tm);
    let e_s = exp(-d / ts);
    if (take_in) {
      events.q--;
      let q = events.q;
      let c = in_spikes[q].neuron;
      for (var j = 0u; j < PER_THREAD; j++) {
        let n = lid + j * WG;
        if (n >= neurons) { break; }
        let lv = lam_v[j] * e_m;
        let li = lam_i[j] * e_s + kappa * lam_v[j] * (e_m - e_s);
        grad_rows[gw_base + n * fan_in + c] += -ts * li;
        if (params.write_jumps != 0u) {
          jump_out[q * neurons + n] = weights[n * fan_in + c] * (lv - li);
        }
      }
    } else {
      events.p--;
      let p = events.p;
      let sp = own_spikes[p];
      let m = sp.neuron;
      var part = 0.0;
      var own_lv = 0.0;
      for (var j = 0u; j < PER_THREAD; j++) {
        let n = lid + j * WG;
        if (n >= neurons) { break; }
        let lv = lam_v[j] * e_m;
        if (n == m) {
          own_lv = lv;
          continue;
        }
        let li = lam_i[j] * e_s + kappa * lam_v[j] * (e_m - e_s);
        grad_rows[gv_base + n * neurons + m] += -ts * li;
        part += weights[v_base + n * neurons + m] * (lv - li);
      }
      let recurrent = workgroup_sum(part, lid);
      if (m % WG == lid) {
        var transmitted = recurrent;
        for (var a = 0u; a < params.above; a++) { transmitted += jump_above[p * params.above + a]; }
        let jump = spike_jump(own_lv, sp.current, transmitted);   // Table 2, eq. (52a)
        let j = m / WG;
        lam_v[j] += jump * exp(d / tm);
        lam_i[j] += kappa * jump * (exp(d / tm) - exp(d / ts));
      }
    }
  }
}
