// One reverse step n (T−1 down to 0) of surrogate BPTT through a recurrent
// spiking layer, for any neuron model (its snippet and derivative snippet, and
// a surrogate snippet). The adjoint at n + 1 is carried in adjoint [B][N]
// (neuron_adjoint_end() at n = T−1); dL/d drive[n] = neuron_drive_grad(adjoint
// at n + 1) sits in row n of grad_drive, written by the previous dispatch:
//   dL/dS_i[n] = grad_spikes[n]_i + Σ_k V[k,i]·dL/d drive[n]_k
//   adjoint at n = neuron_step_grad(adjoint at n + 1, saved[n], S[n], dL/dS[n])
//   row n − 1 of grad_drive = neuron_drive_grad(adjoint at n)
// Reads row n of grad_drive, writes row n−1: no intra-dispatch races. Row T−1
// of grad_drive must be zero before n = T−1 (the drive gradient of a zero
// adjoint).
// Bindings: 0 params, 1 saved, 2 spikes, 3 grad_spikes, 4 recurrent V [N][N],
// 5 grad_drive [T][B][N], 6 adjoint [B][N]; group 1: step (dynamic offset).
// Uniforms, step index and thread mapping: common/scan-recurrent.wgsl.
@group(0) @binding(1) var<storage, read> saved: array<NeuronSaved>;
@group(0) @binding(2) var<storage, read> spikes: array<f32>;
@group(0) @binding(3) var<storage, read> grad_spikes: array<f32>;
@group(0) @binding(4) var<storage, read> recurrent: array<f32>;
@group(0) @binding(5) var<storage, read_write> grad_drive: array<f32>;
@group(0) @binding(6) var<storage, read_write> adjoint: array<NeuronAdjoint>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let n = (params.steps - 1u) - step.n;   // step slot s runs time step T−1−s
  let t = neuron_thread(flat_id(gid, groups), n);
  if (t.idx >= t.count) { return; }
  var next = neuron_adjoint_end();
  if (n + 1u < params.steps) { next = adjoint[t.idx]; }
  var g_s = grad_spikes[t.at];
  for (var k = 0u; k < params.neurons; k++) {
    g_s += recurrent[k * params.neurons + t.i] * grad_drive[t.row + k];
  }
  let back = neuron_step_grad(next, saved[t.at], spikes[t.at], g_s, params.neuron, params.slope);
  adjoint[t.idx] = back;
  if (n > 0u) {
    grad_drive[t.at - t.count] = neuron_drive_grad(back);
  }
}
