/**
 * Labelled spike-train data sets: every sample is a binary raster of `steps`
 * time steps × `inputs` channels, fed to the network as it is (no encoder).
 * Browser-safe.
 */

export interface SpikeSequenceDataset {
  name: string;
  /** time steps T per sample */
  steps: number;
  /** input channels N_in */
  inputs: number;
  classes: number;
  count: number;
  /** count × steps × inputs spikes (0 or 1), sample-major then step then channel */
  spikes: Uint8Array;
  /** count labels in 0..classes-1 */
  labels: Uint8Array;
}

/**
 * The spikes of samples `indices` laid out as a method's input, [T][B][N_in] f32;
 * rows b ≥ indices.length (padding of a short last batch) stay zero.
 */
export function sequenceBatch(ds: SpikeSequenceDataset, indices: ArrayLike<number>, batch = indices.length): Float32Array<ArrayBuffer> {
  if (indices.length > batch) throw new RangeError(`${indices.length} samples do not fit a batch of ${batch}`);
  const { steps: T, inputs: N } = ds;
  const out = new Float32Array(T * batch * N);
  for (let b = 0; b < indices.length; b++) {
    const s = indices[b];
    if (!(Number.isInteger(s) && s >= 0 && s < ds.count)) throw new RangeError(`sample index ${s} is outside 0..${ds.count - 1} of ${ds.name}`);
    for (let n = 0; n < T; n++) {
      const src = (s * T + n) * N;
      const dst = (n * batch + b) * N;
      for (let j = 0; j < N; j++) out[dst + j] = ds.spikes[src + j];
    }
  }
  return out;
}
