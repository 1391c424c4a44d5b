// Reverse scan through the leaky-integrator readout for the fused BPTT path, with the
// readout weight gradient, for up to 16 outputs: the recurrence and sums of
// neurons/readout-fused-backward with all outputs of a sample in one thread, as vec4 values
// (output 4j + c in component c of entry j < O4 = ⌈O/4⌉):
//   gD[n] = GI[n+1];  GU[n] = dL/dy[n] + β·GU[n+1];  GI[n] = α·GI[n+1] + GU[n+1]   (GI[T] = GU[T] = 0)
//   dWo[o, i] += gD[n, b, o]   for every spike S_L[n, b, i] = 1
// so that a spike costs one list load and O4 vec4 read-modify-writes, where one thread per
// output pays a list load and an update per output (4-lane vector units then walk the same
// list for 4 outputs at a time). Sums over samples stay in the thread: thread c scans the
// samples c, c + C, … and accumulates into slice c ([C][N][O4] vec4, zeroed here; output o of
// neuron i at component o mod 4 of entry i·O4 + ⌊o/4⌋), which linear/transpose adds up and
// transposes into dWo [O][N].
// It also writes row_live[r]: bit o set where dL/dy[r, o] ≠ 0 (NaN included), for the layer
// below (neurons/lif-fused-backward sums Wo·dL/dy only over those outputs). Each row belongs
// to one thread, so the word is stored whole (no atomics, nothing to clear).
// Bindings: 0 params, 1 grad_voltage dL/dy [T][B][O], 2 spike_lists (counts [T·B], index
// [T·B][N]), 3 grad_slices (written), 4 row_live [T·B] (written).
// Threads: one per chunk c.
override O4: u32 = 3u;   // ⌈O/4⌉, 1 to 4

// Params and bindings 0–2: common/readout-backward-bindings.wgsl.
@group(0) @binding(3) var<storage, read_write> grad_slices: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> row_live: array<u32>;

// dL/dy of outputs 4j … 4j + 3 of the row starting at `go` (0 past O; indices clamped)
fn grad_y4(go: u32, j: u32) -> vec4<f32> {
  let o = 4u * j;
  let last = params.outputs - 1u;
  let v = vec4<f32>(grad_voltage[go + min(o, last)], grad_voltage[go + min(o + 1u, last)],
                    grad_voltage[go + min(o + 2u, last)], grad_voltage[go + min(o + 3u, last)]);
  return select(vec4<f32>(0.0), v, vec4<u32>(o, o + 1u, o + 2u, o + 3u) < vec4<u32>(params.outputs));
}

// bits 4j … 4j + 3 of the row's live word: the components of g that are nonzero or NaN
fn live4(g: vec4<f32>, j: u32) -> u32 {
  let nz = (bitcast<vec4<u32>>(g) & vec4<u32>(0x7fffffffu)) != vec4<u32>(0u);
  let f = select(vec4<u32>(0u), vec4<u32>(1u, 2u, 4u, 8u), nz);
  return (f.x | f.y | f.z | f.w) << (4u * j);
}

@compute @workgroup_size(16)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = gid.x;
  if (c >= params.chunks) { return; }
  let N = params.neurons;
  let rows = params.steps * params.batch;
  let slice = c * N * O4;
  for (var i = 0u; i < N * O4; i++) { grad_slices[slice + i] = vec4<f32>(0.0); }
  for (var b = c; b < params.batch; b += params.chunks) {
    var gu0 = vec4<f32>(0.0);
    var gu1 = vec4<f32>(0.0);
    var gu2 = vec4<f32>(0.0);
    var gu3 = vec4<f32>(0.0);
    var gi0 = vec4<f32>(0.0);
    var gi1 = vec4<f32>(0.0);
    var gi2 = vec4<f32>(0.0);
    var gi3 = vec4<f32>(0.0);
    for (var step = params.steps; step > 0u; step--) {
      let r = (step - 1u) * params.batch + b;
      // dWo[o, i] += dL/d drive[n] = GI[n+1] for the row's spikes
      let count = spike_lists[r];
      let list = rows + r * N;
      for (var q = 0u; q < count; q++) {
        let at = slice + spike_lists[list + q] * O4;
        grad_slices[at] += gi0;
        if (O4 > 1u) { grad_slices[at + 1u] += gi1; }
        if (O4 > 2u) { grad_slices[at + 2u] += gi2; }
        if (O4 > 3u) { grad_slices[at + 3u] += gi3; }
      }
      let go = r * params.outputs;
      let y0 = grad_y4(go, 0u);
      var live = live4(y0, 0u);
      gi0 = params.alpha * gi0 + gu0;
      gu0 = y0 + params.beta * gu0;
      if (O4 > 1u) {
        let y1 = grad_y4(go, 1u);
        live |= live4(y1, 1u);
        gi1 = params.alpha * gi1 + gu1;
        gu1 = y1 + params.beta * gu1;
      }
      if (O4 > 2u) {
        let y2 = grad_y4(go, 2u);
        live |= live4(y2, 2u);
        gi2 = params.alpha * gi2 + gu2;
        gu2 = y2 + params.beta * gu2;
      }
      if (O4 > 3u) {
        let y3 = grad_y4(go, 3u);
        live |= live4(y3, 3u);
        gi3 = params.alpha * gi3 + gu3;
        gu3 = y3 + params.beta * gu3;
      }
      row_live[r] = live;
    }
  }
}
