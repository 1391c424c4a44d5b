/**
 * Spike-time data sets for the event-exact methods (EventProp): each sample is
 * a list of input spikes at exact (off-grid) times and a class label.
 *
 * - `latencyImages`: an image data set (MNIST, Fashion-MNIST, any IDX folder)
 *   in the latency code of papers/003 ("MNIST dataset"): pixel p spikes once at
 *   (1 − p/255)·t_max, pixels at 0 or 1 of 255 give no spike; during training
 *   each input spike is dropped with probability p_drop (Table 3: 0.2), redrawn
 *   every epoch.
 * - `yinYangEvents`: the Yin-Yang points (src/data/yin-yang.ts), five spikes
 *   each: (x, 1 − x, y, 1 − y)·t_max and a bias spike at t_bias.
 */
import type { ImageDataset } from '../data/dataset.js';
import { mnistLatencySpikes, yinYangSpikes, type YinYangDataset } from '../data/yin-yang.js';
import { encoderSeed, hashU32 } from '../encode/rng.js';
import type { InputSpike } from '../model/event-network.js';

export interface EventDataset {
  readonly name: string;
  readonly inputs: number;
  readonly classes: number;
  readonly count: number;
  readonly labels: ArrayLike<number>;
  /**
   * Input spikes of sample i. `epoch` selects the draw of training-time noise
   * (input dropout); undefined means the clean encoding (evaluation).
   */
  spikes(i: number, epoch?: number): InputSpike[];
}

export interface LatencyEncoding {
  /** latest spike time t_max (ms); Table 3 (MNIST): 20 */
  readonly tMaxMs: number;
  /** training-time input spike dropout; Table 3 (MNIST): 0.2 */
  readonly pDrop: number;
  readonly seed: number;
}

export function latencyImages(ds: ImageDataset, name: string, enc: LatencyEncoding): EventDataset {
  const px = ds.rows * ds.cols;
  return {
    name, inputs: px, classes: ds.classes, count: ds.count, labels: ds.labels,
    spikes(i, epoch) {
      if (!(Number.isInteger(i) && i >= 0 && i < ds.count)) throw new RangeError(`${name}: sample ${i} outside 0…${ds.count - 1}`);
      const pixels = ds.images.subarray(i * px, (i + 1) * px);
      if (epoch === undefined || enc.pDrop === 0) return mnistLatencySpikes(pixels, { tMaxMs: enc.tMaxMs });
      // one dropout stream per (seed, epoch, sample): independent of batch composition
      return mnistLatencySpikes(pixels, { tMaxMs: enc.tMaxMs, pDrop: enc.pDrop, seed: (encoderSeed(enc.seed, epoch) ^ hashU32(i)) >>> 0 });
    },
  };
}

export function yinYangEvents(ds: YinYangDataset, name: string, enc: { tMaxMs: number; tBiasMs: number }): EventDataset {
  const cache = Array.from(ds.x, (x, i) => yinYangSpikes(x, ds.y[i], enc));
  return {
    name, inputs: 5, classes: 3, count: ds.x.length, labels: ds.labels,
    spikes(i) {
      if (!(Number.isInteger(i) && i >= 0 && i < cache.length)) throw new RangeError(`${name}: sample ${i} outside 0…${cache.length - 1}`);
      return cache[i];
    },
  };
}
