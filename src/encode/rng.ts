/** Counter-based RNG identical to shaders/common/rng.wgsl (lowbias32 hash). */
export function hashU32(x: number): number {
  x >>>= 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  x ^= x >>> 16;
  return x >>> 0;
}

/** Uniform in [0, 1) with 24 bits, bit-identical to uniform01 in WGSL. */
export function uniform01(seed: number, a: number, b: number, c: number): number {
  const h = hashU32((seed ^ hashU32((a ^ hashU32((b ^ hashU32(c)) >>> 0)) >>> 0)) >>> 0);
  return (h >>> 8) / 16777216;
}

/** Seed of the Poisson encoder for an epoch (training), or for evaluation with epoch 0xffff, as the trainer draws it. */
export function encoderSeed(seed: number, epoch: number): number {
  return hashU32((seed >>> 0) ^ hashU32(epoch + 0x9e3779b9));
}
