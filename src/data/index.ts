/**
 * Browser-safe data API: IDX reading/writing, dataset types and validation,
 * shuffling and batching. Node/Deno-only loaders live in `./node.js`.
 */

export {
  IdxFormatError,
  DataSourceError,
  parseIdx,
  MAX_IDX_BYTES,
  encodeIdx,
  readBytes,
  readIdx,
  gzipBytes,
  gunzipBytes,
  isGzip,
  idxDtypeSize,
  describeSource,
} from './idx.js';
export type { IdxArray, IdxDtype, IdxData, ByteSource } from './idx.js';

export { datasetFromIdx, datasetFromIdxBytes, subset, takeFirst, classCounts } from './dataset.js';
export type { ImageDataset, DatasetSplits, DatasetFromIdxOptions } from './dataset.js';

export { splitmix32, createRng, shuffleSeed, shuffledOrder, batchIndices, gatherBatch } from './batches.js';
export type { Rng, Batch } from './batches.js';

export { sequenceBatch } from './spike-sequences.js';
export type { SpikeSequenceDataset } from './spike-sequences.js';
export { delayedCue } from './delayed-cue.js';
export type { DelayedCueOptions, DelayedCueDataset, DelayedCueVariant } from './delayed-cue.js';
export { yinYang, yinYangClass, yinYangSpikes, mnistLatencySpikes, YIN_YANG_CLASSES } from './yin-yang.js';
export type { TimedSpike, YinYangOptions, YinYangDataset, YinYangEncoding, MnistLatencyOptions } from './yin-yang.js';
