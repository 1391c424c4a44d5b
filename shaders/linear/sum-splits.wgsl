// The split-K epilogue of linear/matmul-tiled: C[i] = scale · Σ_{s<S} parts[s][i] (+ C[i]
// when ACCUMULATE), for the M·N elements of C.
// Bindings: 0 params, 1 parts [S][M·N], 2 c.
// Threads: one per element (neighbouring threads read neighbouring elements of each slice).
override ACCUMULATE: bool = false;

struct Params {
  length: u32,   // M·N
  slices: u32,
  scale: f32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> parts: array<f32>;
@group(0) @binding(2) var<storage, read_write> c: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = flat_id(gid, groups);
  if (i >= params.length) { return; }
  var s = 0.0;
  for (var k = 0u; k < params.slices; k++) { s += parts[k * params.length + i]; }
  var x = params.scale * s;
  if (ACCUMULATE) { x += c[i]; }
  c[i] = x;
}
