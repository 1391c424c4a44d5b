// Counter-based RNG: lowbias32 integer hash (C. Wellons), identical to
// src/encode/rng.ts. uniform01 returns (h >> 8) · 2^-24 ∈ [0, 1).

fn hash_u32(x_in: u32) -> u32 {
  var x = x_in;
  x = x ^ (x >> 16u);
  x = x * 0x7feb352du;
  x = x ^ (x >> 15u);
  x = x * 0x846ca68bu;
  x = x ^ (x >> 16u);
  return x;
}

fn uniform01(seed: u32, a: u32, b: u32, c: u32) -> f32 {
  let h = hash_u32(seed ^ hash_u32(a ^ hash_u32(b ^ hash_u32(c))));
  return f32(h >> 8u) * (1.0 / 16777216.0);
}
