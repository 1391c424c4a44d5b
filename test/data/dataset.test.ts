import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DataSourceError,
  IdxFormatError,
  classCounts,
  datasetFromIdx,
  datasetFromIdxBytes,
  encodeIdx,
  gzipBytes,
  subset,
  takeFirst,
  type IdxArray,
} from '../../src/data/index.js';
import { FASHION_MNIST_DIR, loadDataset, loadFashionMnist, loadIdxFolder } from '../../src/data/node.js';

function images(count: number, rows = 3, cols = 2): IdxArray {
  return {
    dtype: 'u8',
    dims: [count, rows, cols],
    data: Uint8Array.from({ length: count * rows * cols }, (_, i) => (i * 13) & 255),
  };
}
function labels(values: number[]): IdxArray {
  return { dtype: 'u8', dims: [values.length], data: Uint8Array.from(values) };
}

describe('datasetFromIdx', () => {
  it('builds a dataset without copying', () => {
    const im = images(4);
    const lb = labels([0, 9, 3, 3]);
    const ds = datasetFromIdx(im, lb, 'toy');
    expect(ds).toMatchObject({ name: 'toy', count: 4, rows: 3, cols: 2, classes: 10 });
    expect(ds.images).toBe(im.data);
    expect(ds.labels).toBe(lb.data);
    expect(classCounts(ds)).toEqual([1, 0, 0, 2, 0, 0, 0, 0, 0, 1]);
  });

  it('detects mismatched counts, naming both files', () => {
    const fn = () =>
      datasetFromIdx(images(10000, 1, 1), labels(new Array(9999).fill(1)), 't', {
        imagesFile: 'a/train-images-idx3-ubyte',
        labelsFile: 'a/train-labels-idx1-ubyte',
      });
    expect(fn).toThrow(IdxFormatError);
    expect(fn).toThrow(
      'a/train-labels-idx1-ubyte: images file has 10000 samples but labels file has 9999 (images: a/train-images-idx3-ubyte)',
    );
  });

  it('detects a mislabelled file (label outside 0..classes-1)', () => {
    const values = new Array(50).fill(2);
    values[42] = 13;
    let err: unknown;
    try {
      datasetFromIdx(images(50), labels(values), 'toy', { labelsFile: 'lab.idx1' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(IdxFormatError);
    expect((err as IdxFormatError).file).toBe('lab.idx1');
    expect((err as Error).message).toBe('lab.idx1: label 13 at index 42 is outside 0..9');
    // a 2-class dataset rejects label 2
    expect(() => datasetFromIdx(images(3), labels([0, 1, 2]), 'bin', { classes: 2 })).toThrow(
      'bin labels: label 2 at index 2 is outside 0..1',
    );
  });

  it('checks dtypes and ranks, naming the file', () => {
    const f32: IdxArray = { dtype: 'f32', dims: [2, 1, 1], data: new Float32Array(2) };
    expect(() => datasetFromIdx(f32, labels([0, 0]), 'x', { imagesFile: 'img' })).toThrow('img: images must be u8, file has f32');
    const flat: IdxArray = { dtype: 'u8', dims: [2, 4], data: new Uint8Array(8) };
    expect(() => datasetFromIdx(flat, labels([0, 0]), 'x')).toThrow('x images: images must be 3-D (count×rows×cols), file is 2-D (2×4)');
    expect(() => datasetFromIdx(images(2), images(2), 'x')).toThrow('x labels: labels must be 1-D');
    const i16: IdxArray = { dtype: 'i16', dims: [2], data: new Int16Array(2) };
    expect(() => datasetFromIdx(images(2), i16, 'x')).toThrow('labels must be u8, file has i16');
    expect(() => datasetFromIdx(images(0), labels([]), 'x')).toThrow('no samples');
  });

  it('datasetFromIdxBytes parses raw / gzipped pairs', async () => {
    const im = images(3);
    const ds = await datasetFromIdxBytes(await gzipBytes(encodeIdx(im)), encodeIdx(labels([1, 2, 3])), 'b');
    expect(ds.images).toEqual(im.data);
    expect(Array.from(ds.labels)).toEqual([1, 2, 3]);
    await expect(datasetFromIdxBytes(encodeIdx(im).subarray(0, 20), encodeIdx(labels([1, 2, 3])), 'b')).rejects.toThrow(
      /^b images: truncated/,
    );
  });
});

describe('subset / takeFirst', () => {
  const ds = datasetFromIdx(images(6), labels([0, 1, 2, 3, 4, 5]), 'six');

  it('takes views of a range', () => {
    const s = subset(ds, 2, 3);
    expect(s.count).toBe(3);
    expect(Array.from(s.labels)).toEqual([2, 3, 4]);
    expect(s.images).toEqual(ds.images.subarray(12, 30));
    expect(s.images.buffer).toBe(ds.images.buffer);
    expect(s.name).toBe('six[2:5]');
    expect(subset(ds, 6, 0).count).toBe(0);
    expect(() => subset(ds, 4, 3)).toThrow(RangeError);
    expect(() => subset(ds, -1, 1)).toThrow(RangeError);
  });

  it('takeFirst clamps to the dataset size', () => {
    expect(Array.from(takeFirst(ds, 2).labels)).toEqual([0, 1]);
    expect(takeFirst(ds, 100)).toBe(ds);
    expect(takeFirst(ds, 0).count).toBe(0);
  });
});

describe('loadIdxFolder', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'webspike-folder-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function writeSet(sub: string, names: [string, string, string, string], gz: boolean, mutate?: (a: IdxArray[]) => void) {
    const d = join(dir, sub);
    await mkdir(d, { recursive: true });
    const arrs = [images(5), labels([0, 1, 2, 3, 4]), images(3), labels([9, 8, 7])];
    mutate?.(arrs);
    for (let i = 0; i < 4; i++) {
      const bytes = encodeIdx(arrs[i]);
      await writeFile(join(d, names[i]), gz ? await gzipBytes(bytes) : bytes);
    }
    return d;
  }

  it('loads the standard dash-style names, gzipped', async () => {
    const d = await writeSet(
      'std',
      ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'],
      true,
    );
    const { train, test } = await loadIdxFolder(d);
    expect(train).toMatchObject({ name: 'std/train', count: 5, rows: 3, cols: 2, classes: 10 });
    expect(test).toMatchObject({ name: 'std/test', count: 3 });
    expect(Array.from(test.labels)).toEqual([9, 8, 7]);
    expect(train.images).toEqual(images(5).data);
  });

  it('loads the dot-style names, raw', async () => {
    const d = await writeSet(
      'dots',
      ['train-images.idx3-ubyte', 'train-labels.idx1-ubyte', 't10k-images.idx3-ubyte', 't10k-labels.idx1-ubyte'],
      false,
    );
    const { train, test } = await loadIdxFolder(d, { name: 'mine' });
    expect(train.name).toBe('mine/train');
    expect(test.count).toBe(3);
  });

  it('lists what it looked for when files are missing', async () => {
    const d = join(dir, 'partial');
    await mkdir(d, { recursive: true });
    await writeFile(join(d, 'train-images-idx3-ubyte'), encodeIdx(images(1)));
    const err = await loadIdxFolder(d).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataSourceError);
    const msg = (err as Error).message;
    expect(msg.startsWith(`${d}: missing IDX files: `)).toBe(true);
    expect(msg).toContain(
      'train-labels (looked for train-labels-idx1-ubyte, train-labels-idx1-ubyte.gz, train-labels.idx1-ubyte, train-labels.idx1-ubyte.gz)',
    );
    expect(msg).toContain('t10k-images (looked for');
    expect(msg).toContain('t10k-labels (looked for');
    expect(msg).not.toContain('train-images (looked');
    await expect(loadIdxFolder(join(dir, 'absent'))).rejects.toThrow(/absent: no such folder/);
  });

  it('names the file with mismatched counts or bad labels', async () => {
    const d = await writeSet(
      'mismatch',
      ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
      false,
      (a) => {
        a[3] = labels([9, 8]);
      },
    );
    await expect(loadIdxFolder(d)).rejects.toThrow(
      `${join(d, 't10k-labels-idx1-ubyte')}: images file has 3 samples but labels file has 2`,
    );
    const d2 = await writeSet(
      'mislabelled',
      ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
      false,
      (a) => {
        a[1] = labels([0, 1, 2, 10, 4]);
      },
    );
    await expect(loadIdxFolder(d2)).rejects.toThrow(`${join(d2, 'train-labels-idx1-ubyte')}: label 10 at index 3 is outside 0..9`);
  });

  it('names a truncated file', async () => {
    const d = await writeSet(
      'trunc',
      ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte'],
      false,
    );
    const f = join(d, 't10k-images-idx3-ubyte');
    await writeFile(f, encodeIdx(images(3)).subarray(0, 30));
    await expect(loadIdxFolder(d)).rejects.toThrow(`${f}: truncated: header says 3×3×2 u8 = 18 bytes of data, file has 14`);
  });

  it('loadDataset(path) dispatches to loadIdxFolder', async () => {
    const { train } = await loadDataset(join(dir, 'std'));
    expect(train.count).toBe(5);
  });
});

describe('Fashion-MNIST', () => {
  it('explains how to get it when the folder is absent', async () => {
    const err = await loadFashionMnist(join(tmpdir(), 'webspike-no-such-fashion')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataSourceError);
    expect((err as Error).message).toMatch(/webspike-no-such-fashion: Fashion-MNIST not found/);
    expect((err as Error).message).toContain('apt-get install dataset-fashion-mnist');
    expect((err as Error).message).toContain('pass the folder');
  });

  it(`loads 60000 + 10000 28×28 images with labels 0..9 from ${FASHION_MNIST_DIR}`, async (ctx) => {
    if (!existsSync(FASHION_MNIST_DIR)) {
      ctx.skip(`${FASHION_MNIST_DIR} is absent (apt-get install dataset-fashion-mnist to run this test)`);
    }
    const { train, test } = await loadDataset('fashion-mnist');
    expect(train).toMatchObject({ name: 'fashion-mnist/train', count: 60000, rows: 28, cols: 28, classes: 10 });
    expect(test).toMatchObject({ name: 'fashion-mnist/test', count: 10000, rows: 28, cols: 28, classes: 10 });
    expect(train.images.length).toBe(60000 * 784);
    expect(test.labels.length).toBe(10000);
    // Fashion-MNIST is exactly balanced: 6000 / 1000 per class
    expect(classCounts(train)).toEqual(new Array(10).fill(6000));
    expect(classCounts(test)).toEqual(new Array(10).fill(1000));
    // first training label of Fashion-MNIST is 9 (ankle boot), first test label is 9 as well
    expect(train.labels[0]).toBe(9);
    expect(test.labels[0]).toBe(9);
    let sum = 0;
    let max = 0;
    for (let i = 0; i < test.images.length; i++) {
      sum += test.images[i];
      if (test.images[i] > max) max = test.images[i];
    }
    const mean = sum / test.images.length / 255;
    expect(mean).toBeGreaterThan(0.25); // published mean ≈ 0.286
    expect(mean).toBeLessThan(0.32);
    expect(max).toBe(255);
  }, 20000);
});
