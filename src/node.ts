/**
 * webspike for Node and Deno: everything of the browser-safe entry, plus what reads and writes
 * files: the IDX data set loaders (MNIST digits, Fashion-MNIST, any IDX folder), checkpoint files
 * and the comparison report files.
 */
export * from './index.js';
export {
  loadIdxFolder, loadFashionMnist, loadMnistDigits, loadDataset, FASHION_MNIST_DIR, IDX_FILES,
  type MnistDigitsOptions, type MnistDigitsResult,
} from './data/node.js';
export { saveCheckpoint, loadCheckpoint } from './train/checkpoint.js';
export { writeReport, renderPngs } from './compare/files.js';
