import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classCounts, encodeIdx, gzipBytes, type ImageDataset } from '../../src/data/index.js';
import {
  MNIST_DIGITS_CACHE_NAME,
  loadDataset,
  loadIdxFolder,
  loadMnistDigits,
  mnistDigitsOrder,
  type MnistDigitsResult,
} from '../../src/data/node.js';

const digitsDir = join(dirname(createRequire(import.meta.url).resolve('mnist/package.json')), 'src', 'digits');

function same(a: ImageDataset, b: ImageDataset) {
  expect(b.count).toBe(a.count);
  expect([b.rows, b.cols, b.classes]).toEqual([a.rows, a.cols, a.classes]);
  expect(Buffer.compare(Buffer.from(a.images), Buffer.from(b.images))).toBe(0);
  expect(Buffer.compare(Buffer.from(a.labels), Buffer.from(b.labels))).toBe(0);
}

describe('mnistDigitsOrder', () => {
  it('is a stratified interleave that keeps each class in package order', () => {
    const sizes = [5, 10, 3];
    const order = mnistDigitsOrder(sizes);
    expect(order.length).toBe(18);
    expect(new Set(order.map(([c, j]) => `${c}:${j}`)).size).toBe(18);
    for (let c = 0; c < 3; c++) {
      expect(order.filter(([k]) => k === c).map(([, j]) => j)).toEqual(Array.from({ length: sizes[c] }, (_, j) => j));
    }
    // the last 20 % of the order holds about the last 20 % of every class
    const tail = order.slice(-4);
    expect(new Set(tail.map(([c]) => c))).toEqual(new Set([0, 1, 2]));
    expect(mnistDigitsOrder(sizes)).toEqual(order);
  });
});

describe('loadMnistDigits', () => {
  let cacheRoot: string;
  let first: MnistDigitsResult;

  beforeAll(async () => {
    cacheRoot = await mkdtemp(join(tmpdir(), 'webspike-mnist-'));
    first = await loadMnistDigits({ cacheDir: cacheRoot });
  }, 20000);
  afterAll(async () => {
    await rm(cacheRoot, { recursive: true, force: true });
  });

  it('gives 8000 train and 2000 test 28×28 digits with every class in both', () => {
    const { train, test } = first;
    expect(train).toMatchObject({ name: 'mnist/train', count: 8000, rows: 28, cols: 28, classes: 10 });
    expect(test).toMatchObject({ name: 'mnist/test', count: 2000, rows: 28, cols: 28, classes: 10 });
    expect(train.images.length).toBe(8000 * 784);
    expect(test.images.length).toBe(2000 * 784);
    const tr = classCounts(train);
    const te = classCounts(test);
    // the package has 863 (digit 5) to 1127 (digit 1) samples per class; the split keeps ≈80/20 of each
    const pkgSizes = tr.map((n, c) => n + te[c]);
    expect(pkgSizes.reduce((a, b) => a + b)).toBe(10000);
    for (let c = 0; c < 10; c++) {
      expect(tr[c]).toBeGreaterThan(600);
      expect(te[c]).toBeGreaterThan(150);
      expect(Math.abs(te[c] / pkgSizes[c] - 0.2)).toBeLessThan(0.01);
    }
  });

  it('has plausible pixel statistics (mean ≈ 0.13·255, full 0..255 range, mostly background)', () => {
    for (const ds of [first.train, first.test]) {
      let sum = 0;
      let zeros = 0;
      let max = 0;
      for (const v of ds.images) {
        sum += v;
        if (v === 0) zeros++;
        if (v > max) max = v;
      }
      const mean = sum / ds.images.length / 255;
      expect(mean).toBeGreaterThan(0.11);
      expect(mean).toBeLessThan(0.15);
      expect(max).toBe(255);
      expect(zeros / ds.images.length).toBeGreaterThan(0.7);
    }
  });

  it('matches the package data: pixels are Math.round(v·255) of its 0..1 floats, in the documented order', () => {
    // the first sample in the order is the first digit of the largest class (1, with 1127 samples)
    const raw1 = (JSON.parse(readFileSync(join(digitsDir, '1.json'), 'utf8')) as { data: number[] }).data;
    expect(raw1.length).toBe(1127 * 784);
    expect(first.train.labels[0]).toBe(1);
    const expected = Uint8Array.from(raw1.slice(0, 784), (v) => Math.round(v * 255));
    expect(Array.from(first.train.images.subarray(0, 784))).toEqual(Array.from(expected));
    // the last test sample is the last digit of that class too (its key (n - ½)/n is the largest)
    expect(first.test.labels[1999]).toBe(1);
    const last1 = Uint8Array.from(raw1.slice(1126 * 784), (v) => Math.round(v * 255));
    expect(Array.from(first.test.images.subarray(1999 * 784))).toEqual(Array.from(last1));
    // the smallest class (5, 863 samples) comes first in the order only after class 1's first sample
    const raw5 = (JSON.parse(readFileSync(join(digitsDir, '5.json'), 'utf8')) as { data: number[] }).data;
    expect(raw5.length).toBe(863 * 784);
    const first5 = first.train.labels.indexOf(5);
    expect(first5).toBe(9); // keys 0.5/n_c ascend with decreasing n_c, and 5 has the fewest samples
    const exp5 = Uint8Array.from(raw5.slice(0, 784), (v) => Math.round(v * 255));
    expect(Array.from(first.train.images.subarray(first5 * 784, first5 * 784 + 784))).toEqual(Array.from(exp5));
  });

  it('writes the cache once as gzipped IDX files and reads it back', async () => {
    expect(first.fromCache).toBe(false);
    const dir = join(cacheRoot, MNIST_DIGITS_CACHE_NAME);
    expect(first.cachePath).toBe(dir);
    const files = (await readdir(dir)).sort();
    expect(files).toEqual([
      'manifest.json',
      't10k-images-idx3-ubyte.gz',
      't10k-labels-idx1-ubyte.gz',
      'train-images-idx3-ubyte.gz',
      'train-labels-idx1-ubyte.gz',
    ]);
    const gz = await readFile(join(dir, 'train-images-idx3-ubyte.gz'));
    expect([gz[0], gz[1]]).toEqual([0x1f, 0x8b]);
    expect(gz.length).toBeLessThan(8000 * 784 / 2); // compact
    const before = (await stat(join(dir, 'train-images-idx3-ubyte.gz'))).mtimeMs;

    const second = await loadMnistDigits({ cacheDir: cacheRoot });
    expect(second.fromCache).toBe(true);
    expect(second.cachePath).toBe(dir);
    same(first.train, second.train);
    same(first.test, second.test);
    expect(second.train.name).toBe('mnist/train');
    // not rewritten
    expect((await stat(join(dir, 'train-images-idx3-ubyte.gz'))).mtimeMs).toBe(before);

    // the cache is a standard MNIST-style folder
    const plain = await loadIdxFolder(dir);
    same(first.test, plain.test);
  });

  it('rebuilds a truncated cache file', async () => {
    const dir = join(cacheRoot, MNIST_DIGITS_CACHE_NAME);
    const f = join(dir, 'train-images-idx3-ubyte.gz');
    const gz = await readFile(f);
    await writeFile(f, gz.subarray(0, gz.length >> 1));
    const again = await loadMnistDigits({ cacheDir: cacheRoot });
    expect(again.fromCache).toBe(false);
    same(first.train, again.train);
    expect((await readFile(f)).length).toBe(gz.length);
    expect((await loadMnistDigits({ cacheDir: cacheRoot })).fromCache).toBe(true);
  }, 20000);

  it('rebuilds a cache whose contents were altered (checksum mismatch)', async () => {
    const dir = join(cacheRoot, MNIST_DIGITS_CACHE_NAME);
    // a perfectly valid IDX file, but with wrong labels
    const wrong = new Uint8Array(2000).fill(3);
    await writeFile(join(dir, 't10k-labels-idx1-ubyte.gz'), await gzipBytes(encodeIdx({ dtype: 'u8', dims: [2000], data: wrong })));
    const again = await loadMnistDigits({ cacheDir: cacheRoot });
    expect(again.fromCache).toBe(false);
    same(first.test, again.test);
    const reread = await loadMnistDigits({ cacheDir: cacheRoot });
    expect(reread.fromCache).toBe(true);
    same(first.test, reread.test);
  }, 20000);

  it('uses $WEBSPIKE_CACHE by default and loadDataset("mnist") reads it', async () => {
    const old = process.env.WEBSPIKE_CACHE;
    process.env.WEBSPIKE_CACHE = cacheRoot;
    try {
      const r = await loadMnistDigits();
      expect(r.cachePath).toBe(join(cacheRoot, MNIST_DIGITS_CACHE_NAME));
      expect(r.fromCache).toBe(true);
      const { train, test } = await loadDataset('mnist');
      same(first.train, train);
      same(first.test, test);
    } finally {
      if (old === undefined) delete process.env.WEBSPIKE_CACHE;
      else process.env.WEBSPIKE_CACHE = old;
    }
  });
});
