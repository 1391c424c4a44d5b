/**
 * Node/Deno-only dataset loaders (they use node:fs & co. through dynamic
 * imports). The browser-safe API is in `./index.js`, re-exported here too.
 */

export * from './index.js';
export {
  loadIdxFolder,
  loadFashionMnist,
  loadMnistDigits,
  loadDataset,
  mnistDigitsOrder,
  idxFileCandidates,
  fnv1a32,
  FASHION_MNIST_DIR,
  IDX_FILES,
  MNIST_DIGITS_CACHE_NAME,
  MNIST_DIGITS_TRAIN,
  MNIST_DIGITS_TEST,
} from './dataset.js';
export type { MnistDigitsOptions, MnistDigitsResult } from './dataset.js';
