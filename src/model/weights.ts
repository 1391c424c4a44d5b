/** Network weights as plain arrays: what the GPU network reads and writes, and the float64 reference computes with. */

/** Weights in any numeric array (NetworkWeights' Float32Array, or Float64Array for finite differences). */
export interface WeightsLike {
  readonly hidden: readonly { readonly w: ArrayLike<number>; readonly v?: ArrayLike<number> }[];
  readonly readout: ArrayLike<number>;
}

/** Float64 copy of a network's weights, same shapes. */
export interface Float64Weights {
  hidden: { w: Float64Array; v?: Float64Array }[];
  readout: Float64Array;
}
