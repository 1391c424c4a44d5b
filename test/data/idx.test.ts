import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DataSourceError,
  IdxFormatError,
  encodeIdx,
  gunzipBytes,
  gzipBytes,
  MAX_IDX_BYTES,
  isGzip,
  parseIdx,
  readBytes,
  readIdx,
  type IdxArray,
} from '../../src/data/index.js';

const samples: IdxArray[] = [
  { dtype: 'u8', dims: [3, 2, 2], data: Uint8Array.from([0, 1, 2, 3, 127, 128, 200, 255, 9, 8, 7, 6]) },
  { dtype: 'i8', dims: [5], data: Int8Array.from([-128, -1, 0, 1, 127]) },
  { dtype: 'i16', dims: [2, 3], data: Int16Array.from([-32768, -2, 0, 1, 258, 32767]) },
  { dtype: 'i32', dims: [4], data: Int32Array.from([-2147483648, -65536, 16909060, 2147483647]) },
  { dtype: 'f32', dims: [2, 2], data: Float32Array.from([-1.5, 0, 3.25, 1e-20]) },
  { dtype: 'f64', dims: [1, 3], data: Float64Array.from([Math.PI, -Number.MAX_VALUE, 5e-324]) },
];

/** A tiny images file, like MNIST's but 10×4×4 */
const tiny: IdxArray = { dtype: 'u8', dims: [10, 4, 4], data: new Uint8Array(160).map((_, i) => (i * 37) & 255) };

async function expectIdxError(p: Promise<unknown>, file: string, ...parts: (string | RegExp)[]) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(IdxFormatError);
  const e = err as IdxFormatError;
  expect(e.file).toBe(file);
  expect(e.message.startsWith(`${file}: `)).toBe(true);
  for (const part of parts) {
    if (typeof part === 'string') expect(e.message).toContain(part);
    else expect(e.message).toMatch(part);
  }
  return e;
}

describe('encodeIdx / parseIdx', () => {
  for (const arr of samples) {
    it(`round-trips ${arr.dtype} raw and gzipped`, async () => {
      const bytes = encodeIdx(arr);
      const size = { u8: 1, i8: 1, i16: 2, i32: 4, f32: 4, f64: 8 }[arr.dtype];
      expect(bytes.length).toBe(4 + 4 * arr.dims.length + arr.data.length * size);
      expect(bytes[0]).toBe(0);
      expect(bytes[1]).toBe(0);
      expect(bytes[3]).toBe(arr.dims.length);
      for (const input of [bytes, await gzipBytes(bytes)]) {
        const back = await parseIdx(input, 'x');
        expect(back.dtype).toBe(arr.dtype);
        expect(back.dims).toEqual(arr.dims);
        expect(back.data.constructor).toBe(arr.data.constructor);
        expect(Array.from(back.data)).toEqual(Array.from(arr.data));
      }
    });
  }

  it('writes big-endian headers and data with the standard type codes', () => {
    const codes = samples.map((a) => encodeIdx(a)[2]);
    expect(codes).toEqual([0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e]);
    const b = encodeIdx({ dtype: 'i16', dims: [1, 258], data: new Int16Array(258).fill(0x0102) });
    expect(Array.from(b.subarray(4, 12))).toEqual([0, 0, 0, 1, 0, 0, 1, 2]);
    expect(Array.from(b.subarray(12, 14))).toEqual([1, 2]);
  });

  it('parses the MNIST header layout written by other tools (magic 0x00000803)', async () => {
    const header = [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 3];
    const file = Uint8Array.from([...header, 10, 20, 30, 40, 50, 60]);
    const arr = await parseIdx(file);
    expect(arr).toEqual({ dtype: 'u8', dims: [2, 1, 3], data: Uint8Array.from([10, 20, 30, 40, 50, 60]) });
  });

  it('accepts gzip produced by zlib (not only by CompressionStream), incl. multi-member', async () => {
    const raw = encodeIdx(tiny);
    expect(isGzip(gzipSync(raw))).toBe(true);
    expect(isGzip(raw)).toBe(false);
    const back = await parseIdx(gzipSync(raw));
    expect(back.data).toEqual(tiny.data);
    const half = raw.length >> 1;
    const multi = Buffer.concat([gzipSync(raw.subarray(0, half)), gzipSync(raw.subarray(half))]);
    expect((await parseIdx(multi)).data).toEqual(tiny.data);
  });

  it('does not alias the input bytes for raw u8 data', async () => {
    const raw = encodeIdx(tiny);
    const arr = await parseIdx(raw);
    raw[raw.length - 1] ^= 0xff;
    expect(arr.data[159]).toBe(tiny.data[159]);
  });

  it('accepts zero-sized dimensions', async () => {
    const arr = await parseIdx(encodeIdx({ dtype: 'f32', dims: [0, 28], data: new Float32Array(0) }));
    expect(arr.dims).toEqual([0, 28]);
    expect(arr.data.length).toBe(0);
  });
});

describe('parseIdx errors', () => {
  const name = 'train-images.idx3-ubyte';

  it('reports truncated data with the header shape and sizes', async () => {
    const big = encodeIdx({ dtype: 'u8', dims: [60000, 28, 28], data: new Uint8Array(60000 * 784) });
    const cut = big.subarray(0, 16 + 1234);
    const e = await expectIdxError(parseIdx(cut, name), name);
    expect(e.message).toBe(
      'train-images.idx3-ubyte: truncated: header says 60000×28×28 u8 = 47040000 bytes of data, file has 1234',
    );
  });

  it('reports truncated multi-byte data', async () => {
    const b = encodeIdx({ dtype: 'f64', dims: [2, 3], data: new Float64Array(6) });
    await expectIdxError(parseIdx(b.subarray(0, b.length - 1), 'w.idx'), 'w.idx', 'truncated', '2×3 f64 = 48 bytes of data', 'file has 47');
  });

  it('reports trailing bytes', async () => {
    const raw = encodeIdx(tiny);
    const extra = new Uint8Array(raw.length + 17);
    extra.set(raw);
    const e = await expectIdxError(parseIdx(extra, name), name);
    expect(e.message).toBe(`${name}: header says 10×4×4 u8 = 160 bytes of data, file has 17 trailing bytes`);
    // also when gzipped
    await expectIdxError(parseIdx(await gzipBytes(extra), name), name, '17 trailing bytes');
  });

  it('reports a truncated header', async () => {
    await expectIdxError(parseIdx(Uint8Array.from([0, 0, 8]), name), name, 'truncated header', 'file has 3 bytes');
    await expectIdxError(
      parseIdx(Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 1, 0, 0]), name),
      name,
      'truncated header',
      '3 dimensions need a 16-byte header',
      'file has 10 bytes',
    );
  });

  it('reports a bad magic number', async () => {
    const raw = encodeIdx(tiny);
    raw[0] = 0x50; // e.g. a PNG or text file
    await expectIdxError(parseIdx(raw, name), name, 'bad magic 0x50000803', 'not an IDX file');
    await expectIdxError(parseIdx(new TextEncoder().encode('hello world'), 'notes.txt'), 'notes.txt', 'bad magic');
  });

  it('reports a bad type code', async () => {
    const raw = encodeIdx(tiny);
    raw[2] = 0x0a;
    await expectIdxError(parseIdx(raw, name), name, 'bad type code 0x0a');
  });

  it('reports zero dimensions', async () => {
    await expectIdxError(parseIdx(Uint8Array.from([0, 0, 8, 0]), name), name, '0 dimensions');
  });

  it('reports a truncated gzip stream', async () => {
    const gz = await gzipBytes(encodeIdx(tiny));
    const gzName = 'train-images-idx3-ubyte.gz';
    await expectIdxError(parseIdx(gz.subarray(0, gz.length - 6), gzName), gzName, 'truncated gzip stream');
    await expectIdxError(parseIdx(gz.subarray(0, 12), gzName), gzName, 'truncated gzip stream');
  });

  it('reports a corrupt gzip stream', async () => {
    const gz = gzipSync(encodeIdx(tiny));
    const bad = Uint8Array.from(gz);
    for (let i = 12; i < bad.length - 8; i++) bad[i] ^= 0x5a;
    await expectIdxError(parseIdx(bad, 'x.gz'), 'x.gz', 'gzip');
    await expect(gunzipBytes(bad, 'y.gz')).rejects.toThrow(/^y\.gz: .*gzip/);
  });

  it('uses a default name', async () => {
    await expectIdxError(parseIdx(Uint8Array.from([1, 2, 3, 4])), 'IDX data', 'bad magic');
  });

  it('refuses to encode inconsistent arrays', () => {
    expect(() => encodeIdx({ dtype: 'u8', dims: [2, 2], data: new Uint8Array(3) })).toThrow(IdxFormatError);
    expect(() => encodeIdx({ dtype: 'f32', dims: [2], data: new Uint8Array(2) })).toThrow(/dtype is f32/);
    expect(() => encodeIdx({ dtype: 'u8', dims: [], data: new Uint8Array(1) })).toThrow(/dimensions/);
  });
});

describe('bounded gunzip of IDX files', () => {
  it('stops a gzip bomb at the size its header declares, long before it has inflated', async () => {
    // a header for 10×4×4 u8 (160 bytes of data), then 64 MiB of zeros: about 64 KiB gzipped
    const bomb = new Uint8Array(16 + 64 * 2 ** 20);
    bomb.set(encodeIdx(tiny).subarray(0, 16));
    const gz = await gzipBytes(bomb);
    expect(gz.length).toBeLessThan(2 ** 20);
    await expectIdxError(parseIdx(gz, 'bomb.idx.gz'), 'bomb.idx.gz', 'inflates past the 176 bytes its header declares');
  });

  it('refuses a header that declares more than MAX_IDX_BYTES before inflating the data', async () => {
    const header = new Uint8Array(16);
    const v = new DataView(header.buffer);
    v.setUint32(0, 0x00000803, false);
    v.setUint32(4, 100000, false);
    v.setUint32(8, 1000, false);
    v.setUint32(12, 1000, false);
    const gz = await gzipBytes(header);
    await expectIdxError(parseIdx(gz, 'huge.idx.gz'), 'huge.idx.gz', `header declares 100000000016 bytes, more than the ${MAX_IDX_BYTES}`);
  });
});

describe('readBytes / readIdx', () => {
  let dir: string;
  let rawPath: string;
  let gzPath: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'webspike-idx-'));
    rawPath = join(dir, 'tiny-images-idx3-ubyte');
    gzPath = join(dir, 'tiny-images-idx3-ubyte.gz');
    await writeFile(rawPath, encodeIdx(tiny));
    await writeFile(gzPath, gzipSync(encodeIdx(tiny)));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads paths, file: URLs (string and object), Blobs, ArrayBuffers and Uint8Arrays', async () => {
    const expected = encodeIdx(tiny);
    const ab = expected.slice().buffer;
    const sources = [rawPath, pathToFileURL(rawPath), pathToFileURL(rawPath).href, new Blob([ab]), ab, expected];
    for (const s of sources) {
      expect(await readBytes(s)).toEqual(expected);
    }
  });

  it('reads data: URLs via fetch', async () => {
    const url = 'data:application/octet-stream;base64,' + Buffer.from(encodeIdx(tiny)).toString('base64');
    const arr = await readIdx(url);
    expect(arr.data).toEqual(tiny.data);
  });

  it('readIdx parses raw and gzipped files and names errors after the path', async () => {
    expect((await readIdx(rawPath)).data).toEqual(tiny.data);
    expect((await readIdx(gzPath)).dims).toEqual([10, 4, 4]);
    const bad = join(dir, 'bad-idx1-ubyte');
    await writeFile(bad, Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 5, 1, 2]));
    await expectIdxError(readIdx(bad), bad, 'truncated', '5 u8 = 5 bytes of data', 'file has 2');
    await expectIdxError(readIdx(bad, 'labels'), 'labels', 'truncated');
  });

  it('names the path when a file is missing', async () => {
    const missing = join(dir, 'nope-idx3-ubyte.gz');
    const err = await readBytes(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataSourceError);
    expect((err as DataSourceError).message).toBe(`${missing}: no such file (ENOENT)`);
    expect((err as DataSourceError).code).toBe('ENOENT');
    await expect(readIdx(pathToFileURL(missing))).rejects.toThrow(/nope-idx3-ubyte\.gz: no such file/);
    await expect(readBytes(dir)).rejects.toThrow(/is a directory/);
  });
});
