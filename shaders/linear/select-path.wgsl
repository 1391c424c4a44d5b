// Per-call choice between the event-driven and the dense kernels of one spike
// matrix S [R][K], from its measured activity: a = Σ_r counts[r] / (R·K), with
// counts from linear/compact-rows. a < threshold: the event slots get their
// workgroup counts and the dense slots zeros; otherwise the reverse. The kernels
// are dispatched indirectly from `indirect`, so the choice never leaves the GPU.
//   indirect[3·s .. 3·s + 2] = candidates[3·s ..] if slot s is of the chosen kind, else 0
//   indirect[3·S + 0] += 1 when event ran, indirect[3·S + 1] += 1 when dense ran (tallies)
//   indirect[3·S + 2] = Σ counts (active entries of this call)
// Slots 0 … event_slots − 1 are event kernels, the next dense_slots dense ones.
// Bindings: 0 params, 1 counts [R], 2 candidates [3·S], 3 indirect [3·S + 3].
// Threads: one workgroup of 64; each sums a strided part of counts.
struct Params {
  rows: u32,
  cols: u32,
  event_slots: u32,
  dense_slots: u32,
  threshold: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> counts: array<u32>;
@group(0) @binding(2) var<storage, read> candidates: array<u32>;
@group(0) @binding(3) var<storage, read_write> indirect: array<u32>;

var<workgroup> total: atomic<u32>;

@compute @workgroup_size(64)
fn main(@builtin(local_invocation_index) t: u32) {
  if (t == 0u) { atomicStore(&total, 0u); }
  workgroupBarrier();
  var sum = 0u;
  for (var r = t; r < params.rows; r += 64u) { sum += counts[r]; }
  atomicAdd(&total, sum);
  workgroupBarrier();
  if (t != 0u) { return; }
  let nonzero = atomicLoad(&total);
  let dense = f32(nonzero) >= params.threshold * f32(params.rows) * f32(params.cols);
  let slots = params.event_slots + params.dense_slots;
  for (var s = 0u; s < slots; s++) {
    let on = (s >= params.event_slots) == dense;
    for (var c = 0u; c < 3u; c++) { indirect[3u * s + c] = select(0u, candidates[3u * s + c], on); }
  }
  indirect[3u * slots + select(0u, 1u, dense)] += 1u;
  indirect[3u * slots + 2u] = nonzero;
}
