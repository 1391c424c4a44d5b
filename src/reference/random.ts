/**
 * Small seeded PRNG and random networks / spike trains for tests of the
 * float64 reference and of the GPU kernels against it.
 */
import type { NetworkSpec, NetworkWeights } from '../model/network.js';

import { createRng, type Rng } from '../random.js';

export { createRng, type Rng };

export interface RandomNetworkOptions {
  /**
   * Multiplies the bound of the uniform init U(−gain/√fan_in, gain/√fan_in)
   * (torch.nn.Linear's default bound when gain = 1). Default 1.
   */
  gain?: number;
}

/**
 * Seeded weights for `spec`: every matrix (hidden w, recurrent v, readout)
 * drawn from U(−gain/√fan_in, gain/√fan_in), row-major out × in, float32.
 */
export function randomNetwork(spec: NetworkSpec, seed: number, options: RandomNetworkOptions = {}): NetworkWeights {
  const gain = options.gain ?? 1;
  if (!(Number.isFinite(gain) && gain > 0)) throw new RangeError(`randomNetwork gain must be positive, got ${gain}`);
  const rng = createRng(seed);
  const matrix = (rows: number, cols: number): Float32Array => {
    const bound = gain / Math.sqrt(cols);
    const m = new Float32Array(rows * cols);
    for (let k = 0; k < m.length; k++) m[k] = rng.uniform(-bound, bound);
    return m;
  };
  let fanIn = spec.inputs;
  const hidden = spec.hidden.map((layer) => {
    const w = matrix(layer.size, fanIn);
    const v = layer.recurrent ? matrix(layer.size, layer.size) : undefined;
    fanIn = layer.size;
    return v ? { w, v } : { w };
  });
  return { hidden, readout: matrix(spec.outputs, fanIn) };
}

/**
 * Bernoulli(p) spike trains, time-major [T][B][N] flattened, values 0 or 1.
 */
export function randomSpikes(steps: number, batch: number, neurons: number, p: number, seed: number): Float64Array {
  for (const [name, v] of [['steps', steps], ['batch', batch], ['neurons', neurons]] as const) {
    if (!(Number.isInteger(v) && v > 0)) throw new RangeError(`randomSpikes ${name} must be a positive integer, got ${v}`);
  }
  if (!(p >= 0 && p <= 1)) throw new RangeError(`randomSpikes p must lie in [0, 1], got ${p}`);
  const rng = createRng(seed);
  const out = new Float64Array(steps * batch * neurons);
  for (let k = 0; k < out.length; k++) out[k] = rng.next() < p ? 1 : 0;
  return out;
}
