/** Shared builders for the reference tests: tiny networks that actually fire. */
import { lifParams, type ResetMode } from '../../src/neurons/lif.js';
import type { NetworkSpec, NetworkWeights, ReadoutReduce } from '../../src/model/network.js';
import type { Surrogate } from '../../src/surrogates.js';
import { createRng } from '../../src/reference/lif-network.js';

export interface Arch {
  readonly label: string;
  readonly hidden: readonly { size: number; recurrent: boolean }[];
}

/** 5 inputs → 4 (→ 3) hidden → 3 outputs, feed-forward or recurrent. */
export const ARCHS: readonly Arch[] = [
  { label: 'ff 5-4-3', hidden: [{ size: 4, recurrent: false }] },
  { label: 'rec 5-4r-3', hidden: [{ size: 4, recurrent: true }] },
  { label: 'ff 5-4-3-3', hidden: [{ size: 4, recurrent: false }, { size: 3, recurrent: false }] },
  { label: 'rec 5-4r-3r-3', hidden: [{ size: 4, recurrent: true }, { size: 3, recurrent: true }] },
];

export function tinySpec(
  arch: Arch,
  surrogate: Surrogate,
  reset: ResetMode,
  readoutReduce: ReadoutReduce,
  detachReset = false,
): NetworkSpec {
  return {
    inputs: 5,
    hidden: arch.hidden,
    outputs: 3,
    neuron: lifParams({ reset, detachReset }),
    surrogate,
    readoutReduce,
  };
}

/**
 * Weights that make neurons cross threshold within T = 8 steps: feed-forward
 * weights U(−0.3, 1.0) (positive mean), recurrent U(−0.5, 0.5), readout U(−0.25, 0.25) (keeps the loss O(1)).
 */
export function firingWeights(spec: NetworkSpec, seed: number): NetworkWeights {
  const rng = createRng(seed);
  const m = (rows: number, cols: number, lo: number, hi: number) =>
    Float32Array.from({ length: rows * cols }, () => rng.uniform(lo, hi));
  let fanIn = spec.inputs;
  const hidden = spec.hidden.map((layer) => {
    const w = m(layer.size, fanIn, -0.3, 1.0);
    fanIn = layer.size;
    return layer.recurrent ? { w, v: m(layer.size, layer.size, -0.5, 0.5) } : { w };
  });
  return { hidden, readout: m(spec.outputs, fanIn, -0.25, 0.25) };
}

export function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
}
