/**
 * The event-list kernels of the fused BPTT path against plain TypeScript:
 * linear/spike-mask + linear/mask-lists (row lists of a random matrix with
 * graded values, more than 1024 columns so that the mask has two planes) and
 * linear/transpose (sum of padded slices, transposed and not).
 */
import { afterAll, describe, expect } from 'vitest';
import { gpuTest, releaseSharedDevice } from './fixture.js';
import { readF32, readU32, storageBuffer, uploadBuffer } from '../../src/gpu/buffers.js';
import { maskWords, spikeMask } from '../../kernels/linear/spike-mask.js';
import { maskLists, rowListLength } from '../../kernels/linear/mask-lists.js';
import { sumSlices, transpose } from '../../kernels/linear/transpose.js';
import type { Dispatch } from '../../kernels/kernel.js';
import { createRng } from '../../src/reference/random.js';

afterAll(releaseSharedDevice);

async function runAll(device: GPUDevice, list: (Dispatch & { clear?(enc: GPUCommandEncoder): void })[]): Promise<void> {
  const enc = device.createCommandEncoder();
  for (const d of list) d.clear?.(enc);
  const pass = enc.beginComputePass();
  for (const d of list) d.encode(pass);
  pass.end();
  device.queue.submit([enc.finish()]);
  await device.queue.onSubmittedWorkDone();
}

describe('event lists from bit masks', () => {
  for (const [rows, cols, graded] of [[37, 1100, true], [5, 29, false], [3, 1024, false]] as const) {
    gpuTest(`${rows}×${cols} ${graded ? 'graded' : 'binary'} values`, async ({ device }) => {
      const rng = createRng(rows * 31 + cols);
      const x = new Float32Array(rows * cols);
      for (let i = 0; i < x.length; i++) x[i] = rng.next() < 0.1 ? (graded && i % 7 === 0 ? 0.5 : 1) : 0;
      const spikes = uploadBuffer(device, 'spikes', x);
      const mask = storageBuffer(device, 'mask', 4 * rows * maskWords(cols));
      const lists = storageBuffer(device, 'lists', 4 * rowListLength(rows, cols));
      const a = spikeMask(device, { spikes, mask, lists, rows, cols });
      const b = maskLists(device, { mask, lists, rows, cols });
      await runAll(device, [a, b]);
      const got = await readU32(device, lists, rowListLength(rows, cols));
      for (let r = 0; r < rows; r++) {
        const want: number[] = [];
        for (let k = 0; k < cols; k++) if (x[r * cols + k] !== 0) want.push(k);
        const n = got[r];
        const listed = Array.from(got.subarray(rows + r * cols, rows + r * cols + n));
        expect(n).toBe(want.length);
        expect([...listed].sort((p, q) => p - q)).toEqual(want);
        // mask order: word 32·p + l ascending, bit j ascending (k = 1024·p + 32·j + l)
        const key = (k: number) => Math.floor(k / 1024) * 32 * 32 + (k % 32) * 32 + (Math.floor(k / 32) % 32);
        expect(listed).toEqual([...want].sort((p, q) => key(p) - key(q)));
      }
      expect(got[rows + rows * cols] !== 0).toBe(graded);
      for (const d of [a, b]) d.destroy();
    });
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
});
