/**
 * The event-list kernels of the fused BPTT path against plain TypeScript:
 * linear/row-lists (row lists of a random matrix with graded values),
 * linear/mask-lists (the same lists from thread-word bit masks, more than 512
 * columns so that the mask has two planes, and from spike bits, with linear/unpack-bits), linear/col-lists (column lists from
 * either row-list layout, with more or fewer row chunks than rows) and
 * linear/transpose (sum of padded slices, transposed and not).
 */
import { afterAll, describe, expect } from 'vitest';
import { gpuTest, releaseSharedDevice } from './fixture.js';
import { readF32, readU32, storageBuffer, uploadBuffer } from '../../src/gpu/buffers.js';
import { maskBit, maskLists, maskWords, rowListLength } from '../../kernels/linear/mask-lists.js';
import { rowLists } from '../../kernels/linear/row-lists.js';
import { unpackBits } from '../../kernels/linear/unpack-bits.js';
import { packSpikeBits, spikeBitWords } from '../../src/methods/method.js';
import { colLists } from '../../kernels/linear/col-lists.js';
import { compact } from '../../kernels/linear/compact.js';
import { sumSlices, transpose } from '../../kernels/linear/transpose.js';
import type { ClearingDispatch } from '../../kernels/kernel.js';
import { createRng } from '../../src/reference/random.js';

afterAll(releaseSharedDevice);

async function runAll(device: GPUDevice, list: ClearingDispatch[]): Promise<void> {
  const enc = device.createCommandEncoder();
  for (const d of list) d.clear?.(enc);
  const pass = enc.beginComputePass();
  for (const d of list) d.encode(pass);
  pass.end();
  device.queue.submit([enc.finish()]);
  await device.queue.onSubmittedWorkDone();
}

/** a random [rows][cols] spike matrix (10 % active; graded: some active values are 0.5) and its row lists */
function randomSpikes(rows: number, cols: number, graded: boolean) {
  const rng = createRng(rows * 31 + cols);
  const x = new Float32Array(rows * cols);
  for (let i = 0; i < x.length; i++) x[i] = rng.next() < 0.1 ? (graded && i % 7 === 0 ? 0.5 : 1) : 0;
  const want = Array.from({ length: rows }, (_, r) => {
    const ks: number[] = [];
    for (let k = 0; k < cols; k++) if (x[r * cols + k] !== 0) ks.push(k);
    return ks;
  });
  return { x, want };
}

const cases = [[37, 1100, true], [5, 29, false], [3, 1024, false], [70, 784, true]] as const;

describe('event lists from a spike matrix', () => {
  for (const [rows, cols, graded] of cases) {
    gpuTest(`${rows}×${cols} ${graded ? 'graded' : 'binary'} values`, async ({ device }) => {
      const { x, want } = randomSpikes(rows, cols, graded);
      const spikes = uploadBuffer(device, 'spikes', x);
      const lists = storageBuffer(device, 'lists', 4 * rowListLength(rows, cols));
      // a stale flag from an earlier call must not survive: the dispatch clears it
      device.queue.writeBuffer(lists, 4 * (rows + rows * cols), new Uint32Array([1]));
      const a = rowLists(device, { spikes, lists, rows, cols });
      await runAll(device, [a]);
      const got = await readU32(device, lists, rowListLength(rows, cols));
      for (let r = 0; r < rows; r++) {
        expect(got[r]).toBe(want[r].length);
        expect(Array.from(got.subarray(rows + r * cols, rows + r * cols + got[r]))).toEqual(want[r]);
      }
      expect(got[rows + rows * cols] !== 0).toBe(graded);
      a.destroy();
    });
  }
});

describe('event lists from bit masks', () => {
  for (const [rows, cols] of cases) {
    gpuTest(`${rows}×${cols}`, async ({ device }) => {
      const { x, want } = randomSpikes(rows, cols, false);
      // thread-word layout: bit j of word w ⇔ k = 512·⌊w/16⌋ + 128·⌊(w mod 16)/4⌋ + w mod 4 + 4·j
      const W = maskWords(cols);
      const k0 = (w: number) => 512 * Math.floor(w / 16) + 128 * Math.floor((w % 16) / 4) + (w % 4);
      const m = new Uint32Array(rows * W);
      for (let r = 0; r < rows; r++) {
        for (let w = 0; w < W; w++) {
          for (let j = 0; j < 32; j++) {
            const k = k0(w) + 4 * j;
            if (k < cols && x[r * cols + k] !== 0) m[r * W + w] |= 1 << j;
          }
        }
      }
      // maskBit is the inverse of k0 + 4·j
      for (let k = 0; k < cols; k++) {
        const { word, bit } = maskBit(k);
        expect(k0(word) + 4 * bit).toBe(k);
      }
      const mask = uploadBuffer(device, 'mask', m);
      const lists = storageBuffer(device, 'lists', 4 * rowListLength(rows, cols));
      const b = maskLists(device, { mask, lists, rows, cols });
      await runAll(device, [b]);
      const got = await readU32(device, lists, rowListLength(rows, cols));
      // mask order: words ascending, bits ascending within a word
      const key = (k: number) => { const { word, bit } = maskBit(k); return word * 32 + bit; };
      for (let r = 0; r < rows; r++) {
        expect(got[r]).toBe(want[r].length);
        expect(Array.from(got.subarray(rows + r * cols, rows + r * cols + got[r]))).toEqual([...want[r]].sort((p, q) => key(p) - key(q)));
      }
      b.destroy();
    });
  }
});

describe('event lists and f32 spikes from spike bits (the bits input format)', () => {
  for (const [rows, cols] of cases) {
    gpuTest(`${rows}×${cols}`, async ({ device }) => {
      const { x, want } = randomSpikes(rows, cols, false);
      const bits = uploadBuffer(device, 'bits', packSpikeBits(x, cols));
      expect(packSpikeBits(x, cols).length).toBe(rows * spikeBitWords(cols));
      const lists = storageBuffer(device, 'lists', 4 * rowListLength(rows, cols));
      // stale lists (from a fuller matrix) must be overwritten
      device.queue.writeBuffer(lists, 0, new Uint32Array(rowListLength(rows, cols) - 1).fill(cols + 5));
      const unpacked = storageBuffer(device, 'unpacked', 4 * rows * cols);
      device.queue.writeBuffer(unpacked, 0, new Float32Array(rows * cols).fill(7));
      const b = maskLists(device, { mask: bits, lists, rows, cols, plain: true });
      const u = unpackBits(device, { bits, spikes: unpacked, rows, cols });
      await runAll(device, [b, u]);
      const got = await readU32(device, lists, rowListLength(rows, cols));
      for (let r = 0; r < rows; r++) {
        expect(got[r]).toBe(want[r].length);
        // the order of linear/row-lists (ascending columns), so both formats give the same sums
        expect(Array.from(got.subarray(rows + r * cols, rows + r * cols + got[r]))).toEqual(want[r]);
      }
      expect(Array.from(await readF32(device, unpacked, rows * cols))).toEqual(Array.from(x));
      b.destroy();
      u.destroy();
    });
  }
});

describe('column lists from row lists', () => {
  for (const [rows, cols, graded] of cases) {
    for (const chunks of [1, 4, 256]) {
      gpuTest(`${rows}×${cols}, ${chunks} row chunks, from both row-list layouts, twice`, async ({ device }) => {
        const { x } = randomSpikes(rows, cols, graded);
        const want = Array.from({ length: cols }, (_, k) => {
          const rs: number[] = [];
          for (let r = 0; r < rows; r++) if (x[r * cols + k] !== 0) rs.push(r);
          return rs;
        });
        const spikes = uploadBuffer(device, 'spikes', x);
        const joined = storageBuffer(device, 'row-lists', 4 * rowListLength(rows, cols));
        const split = { counts: storageBuffer(device, 'row-counts', 4 * rows), index: storageBuffer(device, 'row-index', 4 * rows * cols) };
        const outs = [0, 1].map((i) => ({ counts: storageBuffer(device, `col-counts-${i}`, 4 * cols), index: storageBuffer(device, `col-index-${i}`, 4 * rows * cols) }));
        const fromJoined = colLists(device, { rowLists: joined, rows, cols, lists: outs[0], chunks });
        const fromSplit = colLists(device, { rowLists: split, rows, cols, lists: outs[1], chunks });
        const build = [rowLists(device, { spikes, lists: joined, rows, cols }), compact(device, { spikes, rows, cols, lists: split })];
        // the second run must find its tally zeroed again (a stale one would shift every list)
        for (let run = 0; run < 2; run++) {
          await runAll(device, [...build, ...fromJoined, ...fromSplit]);
          for (const out of outs) {
            const counts = await readU32(device, out.counts, cols);
            const index = await readU32(device, out.index, rows * cols);
            for (let k = 0; k < cols; k++) {
              expect(counts[k]).toBe(want[k].length);
              expect(Array.from(index.subarray(k * rows, k * rows + counts[k]))).toEqual(want[k]);
            }
          }
        }
        for (const d of [...build, ...fromJoined, ...fromSplit]) d.destroy();
      });
    }
  }
});

describe('transpose with slices', () => {
  gpuTest('Σ of 3 padded [5][7] slices, transposed into rows of 6, and summed without transposing', async ({ device }) => {
    const [R, C, S, stride] = [5, 7, 3, 9];
    const rng = createRng(3);
    const x = Float32Array.from({ length: S * R * stride }, () => rng.next() - 0.5);
    const input = uploadBuffer(device, 'in', x);
    const outT = storageBuffer(device, 'outT', 4 * C * 6);
    const outS = storageBuffer(device, 'outS', 4 * S * R * stride);
    const t = transpose(device, { input, output: outT, rows: R, cols: C, slices: S, stride, outStride: 6 });
    const s = sumSlices(device, { input, output: outS, length: R * stride, slices: S });
    await runAll(device, [t, s]);
    const gotT = await readF32(device, outT, C * 6);
    const gotS = await readF32(device, outS, R * stride);
    for (let r = 0; r < R; r++) {
      for (let c = 0; c < C; c++) {
        let want = 0;
        for (let k = 0; k < S; k++) want += x[k * R * stride + r * stride + c];
        expect(gotT[c * 6 + r]).toBeCloseTo(want, 5);
        expect(gotS[r * stride + c]).toBeCloseTo(want, 5);
      }
    }
    for (const d of [t, s]) d.destroy();
  });
  for (const cols of [512, 600, 37]) {
    gpuTest(`Σ of 3 slices in the fused backward's thread order, ${cols} columns (rows padded to ${512 * Math.ceil(cols / 512)}), transposed`, async ({ device }) => {
      const [R, S] = [6, 3];
      const stride = 512 * Math.ceil(cols / 512);
      // column c sits at 32·T + t, c = 512·⌊T/16⌋ + 128·⌊(T mod 16)/4⌋ + T mod 4 + 4·t
      const position = new Map<number, number>();
      for (let T = 0; T < stride / 32; T++) for (let t = 0; t < 32; t++) position.set(512 * Math.floor(T / 16) + 128 * Math.floor((T % 16) / 4) + (T % 4) + 4 * t, 32 * T + t);
      expect(position.size).toBe(stride);
      const rng = createRng(cols);
      const x = Float32Array.from({ length: S * R * stride }, () => rng.next() - 0.5);
      const input = uploadBuffer(device, 'in', x);
      const out = storageBuffer(device, 'out', 4 * cols * (R + 1));
      device.queue.writeBuffer(out, 0, new Float32Array(cols * (R + 1)).fill(9));
      const t = transpose(device, { input, output: out, rows: R, cols, slices: S, stride, outStride: R + 1, threadOrder: true });
      await runAll(device, [t]);
      const got = await readF32(device, out, cols * (R + 1));
      for (let c = 0; c < cols; c++) {
        for (let r = 0; r < R; r++) {
          let want = 0;
          for (let k = 0; k < S; k++) want += x[k * R * stride + r * stride + position.get(c)!];
          expect(got[c * (R + 1) + r]).toBeCloseTo(want, 5);
        }
        // the element between output rows stays as it was
        expect(got[c * (R + 1) + R]).toBe(9);
      }
      t.destroy();
    });
  }
});
