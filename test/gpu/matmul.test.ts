/**
 * Both dense matmul kernels (linear/matmul: register tiles, for CPU adapters;
 * linear/matmul-tiled: workgroup-memory blocks, for hardware GPUs) against a float64
 * product on random operands: every layout (op(A), op(B) transposed or not),
 * accumulate and scale, shapes that leave partial tiles in every dimension, and the
 * register kernel's sparse skips on a spike operand.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { gpuTest, releaseSharedDevice } from './fixture.js';
import { readF32, uploadBuffer } from '../../src/gpu/buffers.js';
import { matmul, matmulSplits, type MatmulKernel } from '../../kernels/linear/matmul.js';
import { createRng } from '../../src/reference/random.js';

afterAll(releaseSharedDevice);

interface Case { m: number; n: number; k: number; transA: boolean; transB: boolean; accumulate: boolean; scale: number; spikes?: 'a' | 'b'; splits?: number }

/** C (+)= scale · op(A)·op(B) in float64; A, B as stored (transposed layouts when asked) */
function product(c: Case, a: Float32Array, b: Float32Array, c0: Float32Array): Float64Array {
  const out = new Float64Array(c.m * c.n);
  for (let i = 0; i < c.m; i++) {
    for (let j = 0; j < c.n; j++) {
      let s = 0;
      for (let q = 0; q < c.k; q++) {
        const av = c.transA ? a[q * c.m + i] : a[i * c.k + q];
        const bv = c.transB ? b[j * c.k + q] : b[q * c.n + j];
        s += av * bv;
      }
      out[i * c.n + j] = c.scale * s + (c.accumulate ? c0[i * c.n + j] : 0);
    }
  }
  return out;
}

async function run(device: GPUDevice, c: Case, kernel: MatmulKernel) {
  const rng = createRng(c.m * 1000 + c.n * 10 + c.k);
  const values = (len: number, spike: boolean) => {
    const x = new Float32Array(len);
    for (let i = 0; i < len; i++) x[i] = spike ? (rng.next() < 0.1 ? 1 : 0) : rng.next() * 2 - 1;
    return x;
  };
  const a = values(c.m * c.k, c.spikes === 'a');
  const b = values(c.k * c.n, c.spikes === 'b');
  const c0 = values(c.m * c.n, false);
  const bufC = uploadBuffer(device, 'test/matmul/c', c0);
  const d = matmul(device, {
    a: uploadBuffer(device, 'test/matmul/a', a), b: uploadBuffer(device, 'test/matmul/b', b), c: bufC,
    m: c.m, n: c.n, k: c.k, transA: c.transA, transB: c.transB, accumulate: c.accumulate, scale: c.scale,
    sparseA: c.spikes === 'a', sparseB: c.spikes === 'b', kernel, splits: c.splits,
  });
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  d.encode(pass);
  pass.end();
  device.queue.submit([enc.finish()]);
  const got = await readF32(device, bufC);
  d.destroy();
  const want = product(c, a, b, c0);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i])));
  return worst;
}

const layouts: [boolean, boolean][] = [[false, false], [true, false], [false, true], [true, true]];

describe.each(['registers', 'workgroup'] as MatmulKernel[])('matmul, %s kernel', (kernel) => {
  for (const [transA, transB] of layouts) {
    gpuTest(`op(A)${transA ? 'ᵀ' : ''}·op(B)${transB ? 'ᵀ' : ''}, partial tiles (70×67, k = 37), overwrite`, async ({ device }) => {
      expect(await run(device, { m: 70, n: 67, k: 37, transA, transB, accumulate: false, scale: 1 }, kernel)).toBeLessThan(1e-5);
    });
    gpuTest(`op(A)${transA ? 'ᵀ' : ''}·op(B)${transB ? 'ᵀ' : ''}, accumulate with scale −0.5 (130×65, k = 80)`, async ({ device }) => {
      expect(await run(device, { m: 130, n: 65, k: 80, transA, transB, accumulate: true, scale: -0.5 }, kernel)).toBeLessThan(1e-5);
    });
  }
  gpuTest('k smaller than one staging step (k = 5), single partial block', async ({ device }) => {
    expect(await run(device, { m: 9, n: 13, k: 5, transA: false, transB: true, accumulate: false, scale: 2 }, kernel)).toBeLessThan(1e-5);
  });
  gpuTest('spike operands with the sparse flags (drive = S·Wᵀ, dW = gᵀ·S)', async ({ device }) => {
    expect(await run(device, { m: 96, n: 40, k: 75, transA: false, transB: true, accumulate: false, scale: 1, spikes: 'a' }, kernel)).toBeLessThan(1e-5);
    expect(await run(device, { m: 40, n: 75, k: 96, transA: true, transB: false, accumulate: false, scale: 1, spikes: 'b' }, kernel)).toBeLessThan(1e-5);
  });
});

describe('matmul, workgroup kernel with K split into slices', () => {
  gpuTest('3 slices of a long K (70×67, k = 1100), accumulate with scale 0.25, transposed B', async ({ device }) => {
    expect(await run(device, { m: 70, n: 67, k: 1100, transA: false, transB: true, accumulate: true, scale: 0.25, splits: 3 }, 'workgroup')).toBeLessThan(1e-5);
  });
  gpuTest('more slices than K needs (k = 37, 4 slices: the last is empty), transposed A', async ({ device }) => {
    expect(await run(device, { m: 33, n: 70, k: 37, transA: true, transB: false, accumulate: false, scale: 1, splits: 4 }, 'workgroup')).toBeLessThan(1e-5);
  });
});

describe('matmul kernel choice', () => {
  test('matmulSplits: one slice when the blocks fill the GPU, more for few blocks and a long K', () => {
    expect(matmulSplits(25600, 512, 784)).toBe(1);
    expect(matmulSplits(128, 784, 25600)).toBe(20);
    expect(matmulSplits(512, 512, 8000)).toBe(8);
    expect(matmulSplits(64, 64, 100)).toBe(1);
  });
  gpuTest('an unknown kernel name is refused', async ({ device }) => {
    const x = uploadBuffer(device, 'test/matmul/x', new Float32Array(4));
    expect(() => matmul(device, { a: x, b: x, c: x, m: 2, n: 2, k: 1, kernel: 'fast' as MatmulKernel })).toThrow(/'registers' or 'workgroup'/);
  });
});
