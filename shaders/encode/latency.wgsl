// Latency (time-to-first-spike) encoding: each input spikes at most once, brighter
// pixels earlier. With x = pixel/255 and T steps:
//   LINEAR: x > threshold  → t = round((1 − x)·(T − 1))
//   LOG:    x > threshold  → t = round(tau · ln(x / (x − threshold)))   (RC charging time
//           of a unit-capacitance neuron driven by x; dropped when t > T − 1)
//   otherwise no spike.  spike[n,b,j] = [n = t_j]
// T = total_steps. Uniforms, bindings, windows and the entry point:
// common/encode-pixels.wgsl (this file gives its encode_spike).
override LOG: bool = false;

fn encode_spike(sample: u32, n: u32, j: u32) -> f32 {
  let x = pixel(sample, j);
  if (x > params.threshold) {
    var t: f32;
    if (LOG) {
      t = round(params.tau * log(x / (x - params.threshold)));
    } else {
      t = round((1.0 - x) * f32(params.total_steps - 1u));
    }
    return select(0.0, 1.0, t == f32(n));
  }
  return 0.0;
}
