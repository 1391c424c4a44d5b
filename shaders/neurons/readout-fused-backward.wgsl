// Reverse scan through the leaky-integrator readout for the fused BPTT path, with the
// readout weight gradient (neurons/readout-backward's recurrence, DESIGN.md):
//   gD[n] = GI[n+1];  GU[n] = dL/dy[n] + β·GU[n+1];  GI[n] = α·GI[n+1] + GU[n+1]   (GI[T] = GU[T] = 0)
//   dWo[o, i] += gD[n, b, o]   for every spike S_L[n, b, i] = 1
// The spikes arrive as the row lists of the last hidden layer (linear/mask-lists), so
// the weight gradient costs one update per spike. The layer below gets its gradient
// from the same recurrence (neurons/lif-fused-backward, TOP), so gD is not stored.
// Sums over samples stay in the thread: thread (o, c) scans the samples c, c + C, …
// of chunk c and accumulates into slice c of the output ([C][O][N], zeroed here),
// which linear/transpose (sum only) adds up.
// It also marks the rows where some dL/dy is nonzero (NaN included), for the layer
// below (neurons/lif-fused-backward sums Wo·dL/dy only there): bit o of row_live[r] is
// set where dL/dy[r, o] ≠ 0 when O ≤ 32 (the scan then visits only those outputs), bit 0
// where any is for more outputs.
// Bindings: 0 params, 1 grad_voltage dL/dy [T][B][O], 2 spike_lists (counts [T·B],
// index [T·B][N]), 3 grad_slices [C][O][N] (written), 4 row_live [T·B] (atomicOr of
// the bits above; zeroed before the dispatch).
// Threads: x: output o (16 per workgroup), y: chunk c. Neighbouring threads share the
// sample, so they walk the same lists.
// Params and bindings 0–2: common/readout-backward-bindings.wgsl.
@group(0) @binding(3) var<storage, read_write> grad_slices: array<f32>;
@group(0) @binding(4) var<storage, read_write> row_live: array<atomic<u32>>;

@compute @workgroup_size(16)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let o = gid.x;
  let c = gid.y;
  if (o >= params.outputs || c >= params.chunks) { return; }
  let N = params.neurons;
  let rows = params.steps * params.batch;
  let slice = (c * params.outputs + o) * N;
  for (var i = 0u; i < N; i++) { grad_slices[slice + i] = 0.0; }
  for (var b = c; b < params.batch; b += params.chunks) {
    var g_u_next = 0.0;
    var g_i_next = 0.0;
    for (var step = params.steps; step > 0u; step--) {
      let r = (step - 1u) * params.batch + b;
      let g = g_i_next;   // dL/d drive[n]
      let count = spike_lists[r];
      let list = rows + r * N;
      for (var q = 0u; q < count; q++) {
        let at = slice + spike_lists[list + q];
        grad_slices[at] += g;
      }
      let gy = grad_voltage[r * params.outputs + o];
      if (gy != 0.0) { atomicOr(&row_live[r], select(1u, 1u << (o % 32u), params.outputs <= 32u)); }
      let g_u = gy + params.beta * g_u_next;
      g_i_next = params.alpha * g_i_next + g_u_next;
      g_u_next = g_u;
    }
  }
}
