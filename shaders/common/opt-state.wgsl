// The optimizer state shared by optim/grad-norm (which writes it) and the
// parameter updates optim/adam and optim/sgd (which read it): the clipping
// factor, the gradient norm and the skip flag of the current step, and counters.
// 36 bytes (OPT_STATE_BYTES in kernels/optim/grad-norm.ts).
struct OptState {
  scale: f32,
  norm: f32,
  updates: u32,         // applied optimizer steps (Adam's t)
  skipped: u32,         // steps skipped for non-finite gradients
  calls: u32,           // optimizer calls so far
  first_bad_call: u32,  // 1-based call index of the first non-finite step, or NONE
  bad: u32,             // 1 while the current step is skipped
  bias1: f32,           // 1 − β1^updates: Adam's bias corrections, computed once per step (1 for SGD)
  bias2: f32,           // 1 − β2^updates
}
