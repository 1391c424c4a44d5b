/**
 * Diagnostic only (does not change the library): times kernels/linear/matmul
 * against a probe variant of the same algorithm (same 8×8 workgroup, 4×4 register
 * tile per thread) written without dynamically indexed private arrays (four
 * vec4 accumulators, scalar row/col indices), on the shapes of the W1 workload.
 * If the probe is much faster, the library kernel's slowness on SwiftShader comes
 * from private-array indexing (spilled to memory), not from the algorithm.
 *
 *   npx tsx bench/matmul-probe.ts [--shapes m:n:k:tA:tB,...] [--reps N] [--disable-robustness]
 */
import { requestDevice } from '../src/gpu/device.js';
import { readF32, storageBuffer } from '../src/gpu/buffers.js';
import { bind, pipelineFor, uniformBlock, type KernelSpec } from '../kernels/kernel.js';
import { matmul } from '../kernels/linear/matmul.js';

const PROBE = /* wgsl */ `
override TRANS_A: bool = false;
override TRANS_B: bool = false;
struct Params { m: u32, n: u32, k: u32, scale: f32 }
@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;
fn load_a(row: u32, kk: u32) -> f32 {
  if (TRANS_A) { return a[kk * params.m + row]; }
  return a[row * params.k + kk];
}
fn load_b4(kk: u32, c0: u32, c1: u32, c2: u32, c3: u32) -> vec4<f32> {
  if (TRANS_B) { return vec4<f32>(b[c0 * params.k + kk], b[c1 * params.k + kk], b[c2 * params.k + kk], b[c3 * params.k + kk]); }
  let base = kk * params.n;
  return vec4<f32>(b[base + c0], b[base + c1], b[base + c2], b[base + c3]);
}
fn store_row(r: u32, col0: u32, v: vec4<f32>) {
  if (r >= params.m) { return; }
  let base = r * params.n;
  if (col0 < params.n) { c[base + col0] = params.scale * v.x; }
  if (col0 + 1u < params.n) { c[base + col0 + 1u] = params.scale * v.y; }
  if (col0 + 2u < params.n) { c[base + col0 + 2u] = params.scale * v.z; }
  if (col0 + 3u < params.n) { c[base + col0 + 3u] = params.scale * v.w; }
}
@compute @workgroup_size(8, 8)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let row0 = gid.y * 4u;
  let col0 = gid.x * 4u;
  if (row0 >= params.m || col0 >= params.n) { return; }
  let r0 = row0; let r1 = min(row0 + 1u, params.m - 1u); let r2 = min(row0 + 2u, params.m - 1u); let r3 = min(row0 + 3u, params.m - 1u);
  let c0 = col0; let c1 = min(col0 + 1u, params.n - 1u); let c2 = min(col0 + 2u, params.n - 1u); let c3 = min(col0 + 3u, params.n - 1u);
  var acc0 = vec4<f32>(0.0); var acc1 = vec4<f32>(0.0); var acc2 = vec4<f32>(0.0); var acc3 = vec4<f32>(0.0);
  for (var kk = 0u; kk < params.k; kk++) {
    let bv = load_b4(kk, c0, c1, c2, c3);
    acc0 += load_a(r0, kk) * bv;
    acc1 += load_a(r1, kk) * bv;
    acc2 += load_a(r2, kk) * bv;
    acc3 += load_a(r3, kk) * bv;
  }
  store_row(row0, col0, acc0);
  store_row(row0 + 1u, col0, acc1);
  store_row(row0 + 2u, col0, acc2);
  store_row(row0 + 3u, col0, acc3);
}`;

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const shapes = opt('--shapes', '800:128:784:0:1,128:784:800:1:0').split(',').map((s) => s.split(':').map(Number));
const reps = parseInt(opt('--reps', '3'), 10);
const gpu = await requestDevice({ disableRobustness: args.includes('--disable-robustness'), log: () => {} });
const { device } = gpu;
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
try {
  for (const [m, n, k, tA, tB] of shapes) {
    const A = storageBuffer(device, 'a', m * k * 4);
    const Bf = storageBuffer(device, 'b', k * n * 4);
    const C1 = storageBuffer(device, 'c1', m * n * 4);
    const C2 = storageBuffer(device, 'c2', m * n * 4);
    const fill = (len: number) => Float32Array.from({ length: len }, (_, i) => ((i * 2654435761) % 1000) / 1000 - 0.5);
    device.queue.writeBuffer(A, 0, fill(m * k));
    device.queue.writeBuffer(Bf, 0, fill(k * n));
    const lib = matmul(device, { a: A, b: Bf, c: C1, m, n, k, transA: !!tA, transB: !!tB });
    const spec: KernelSpec = { name: 'probe/matmul', code: PROBE, bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'storage'], constants: { TRANS_A: !!tA, TRANS_B: !!tB } };
    const u = uniformBlock(device, spec, { m, n, k, scale: 1 });
    const probe = bind(device, pipelineFor(device, spec), { resources: [u.buffer, A, Bf, C2], workgroups: [Math.ceil(n / 32), Math.ceil(m / 32)], owned: [u.buffer] });
    const time = async (d: typeof lib) => {
      const t0 = performance.now();
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      d.encode(pass);
      pass.end();
      device.queue.submit([enc.finish()]);
      await device.queue.onSubmittedWorkDone();
      return performance.now() - t0;
    };
    await time(lib);
    await time(probe);
    const tl: number[] = [];
    const tp: number[] = [];
    for (let i = 0; i < reps; i++) {
      tl.push(await time(lib));
      tp.push(await time(probe));
    }
    const [x, y] = [await readF32(device, C1), await readF32(device, C2)];
    let maxDiff = 0;
    for (let i = 0; i < x.length; i++) maxDiff = Math.max(maxDiff, Math.abs(x[i] - y[i]));
    const gflop = (2 * m * n * k) / 1e9;
    console.log(JSON.stringify({
      m, n, k, transA: !!tA, transB: !!tB,
      library_ms: +median(tl).toFixed(2), probe_ms: +median(tp).toFixed(2),
      library_gflops: +(gflop / (median(tl) / 1000)).toFixed(3), probe_gflops: +(gflop / (median(tp) / 1000)).toFixed(3),
      max_abs_diff: maxDiff,
    }));
    lib.destroy();
    probe.destroy();
    for (const b of [A, Bf, C1, C2]) b.destroy();
  }
} finally {
  gpu.destroy();
}
