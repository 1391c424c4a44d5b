// Step counter for kernels dispatched once per time step without per-step
// uniforms (forward-mode methods: memory independent of T). clock[0] = n, the
// current step; it is cleared to 0 before step 0 and this kernel, dispatched at
// the end of every step, advances it: n ← n + 1.
// Bindings: 0 clock [1] u32 (read_write). Threads: one.
@group(0) @binding(0) var<storage, read_write> clock: array<u32>;

@compute @workgroup_size(1)
fn main() {
  clock[0] = clock[0] + 1u;
}
