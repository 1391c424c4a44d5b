/**
 * What one storage access, texture fetch, branch and arithmetic operation cost on this
 * adapter, from small kernels that repeat one pattern in a loop (16,384 threads,
 * 1,000 iterations; time per iteration of a group of 4 neighbouring threads, the SIMD
 * width of a CPU adapter; median of --reps). The fused BPTT kernels are written to
 * these numbers: on SwiftShader a storage-buffer access with a computed index is a
 * per-lane gather, a texture fetch returns four floats per lane, and a divergent
 * branch costs more than a load.
 *
 *   npx tsx bench/access-costs.ts [--reps N] [--disable-robustness] [--out FILE]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describeDevice, requestDevice } from '../src/gpu/device.js';

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const reps = parseInt(opt('--reps', '3'), 10);
const disableRobustness = args.includes('--disable-robustness');
const out = opt('--out', 'bench/results/access-costs.json');

const THREADS = 16384;
const ITERS = 1000;
const N = 1 << 22;
const idx = (o: number) => `(r * 64u + gid.x * 4u + ${o}u) & 0x3fffffu`;
const load = (o: number) => `f32(src[${idx(o)}])`;
const load4 = (o: number) => `vec4<f32>(${load(o)}, ${load(o + 1)}, ${load(o + 2)}, ${load(o + 3)})`;
const fetch = (j: number) => `textureLoad(tex, vec2<i32>(i32((gid.x * 8u + ${j}u) & 255u), i32(r & 1023u)), 0)`;
const acc8 = (f: (j: number) => string) => [0, 1, 2, 3, 4, 5, 6, 7].map((j) => `v${j} += ${f(j)};`).join(' ');

/** loop bodies; v0..v7 are vec4 accumulators, a a scalar one */
const patterns: Record<string, { body: string; what: string }> = {
  loop: { body: 'a += f32(r);', what: 'an empty loop iteration (one add)' },
  load1: { body: `a += ${load(0)};`, what: 'one storage load (a per-lane gather on a CPU adapter)' },
  load32: { body: acc8((j) => load4(4 * j)), what: '32 storage loads into 8 vec4 accumulators' },
  fetch8: { body: acc8((j) => fetch(j)), what: '8 rgba32float texture fetches (32 floats) into 8 vec4 accumulators' },
  store1: { body: `dst[${idx(0)}] = f32(r);`, what: 'one storage store' },
  branch: { body: `let b = src[${idx(0)}]; if (b == 7u) { a += 1.0; }`, what: 'one load and a branch that is never taken' },
  branch8: { body: `let b = src[${idx(0)}]; if (b == 7u) { ${[0, 1, 2, 3, 4, 5, 6, 7].map((j) => `v${j} += 1.0;`).join(' ')} }`, what: 'the same branch, 8 vec4 values assigned inside it' },
  select8: { body: `let m = vec4<f32>(select(0.0, 1.0, src[${idx(0)}] == 7u)); ${[0, 1, 2, 3, 4, 5, 6, 7].map((j) => `v${j} += m;`).join(' ')}`, what: 'one load and 8 vec4 adds (32 SIMD adds), no branch' },
  shortCircuit: { body: `let b = src[${idx(0)}]; a += select(0.0, 1.0, b > 3u && b < 9u);`, what: "one load and `&&` (a branch)" },
  nonShortCircuit: { body: `let b = src[${idx(0)}]; a += select(0.0, 1.0, (b > 3u) & (b < 9u));`, what: 'one load and `&` (no branch)' },
};

const gpu = await requestDevice({ disableRobustness });
const { device } = gpu;
try {
  const src = device.createBuffer({ label: 'access-costs/src', size: N * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  const dst = device.createBuffer({ label: 'access-costs/dst', size: N * 4, usage: GPUBufferUsage.STORAGE });
  device.queue.writeBuffer(src, 0, new Uint32Array(N).map((_, i) => (Math.imul(i, 2654435761) >>> 0) & 0xffff));
  const tex = device.createTexture({ label: 'access-costs/tex', size: [256, 1024], format: 'rgba32float', usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST });
  device.queue.writeTexture({ texture: tex }, new Float32Array(256 * 1024 * 4).fill(0.5), { bytesPerRow: 256 * 16 }, [256, 1024]);
  const layout = device.createBindGroupLayout({
    entries: [
      { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } },
      { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
      { binding: 2, visibility: GPUShaderStage.COMPUTE, texture: { sampleType: 'unfilterable-float' } },
    ],
  });
  const group = device.createBindGroup({ layout, entries: [{ binding: 0, resource: { buffer: src } }, { binding: 1, resource: { buffer: dst } }, { binding: 2, resource: tex.createView() }] });
  const results: Record<string, { ns_per_iteration: number; what: string }> = {};
  for (const [name, { body, what }] of Object.entries(patterns)) {
    const code = `@group(0) @binding(0) var<storage, read> src: array<u32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var tex: texture_2d<f32>;
@compute @workgroup_size(16) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  var a = 0.0;
  var v0 = vec4<f32>(0.0); var v1 = vec4<f32>(0.0); var v2 = vec4<f32>(0.0); var v3 = vec4<f32>(0.0);
  var v4 = vec4<f32>(0.0); var v5 = vec4<f32>(0.0); var v6 = vec4<f32>(0.0); var v7 = vec4<f32>(0.0);
  // a trip count the compiler cannot fold
  for (var r = 0u; r < ${ITERS}u + (gid.x & 0u); r++) { ${body} }
  // every accumulator reaches memory, so no load is dead code
  dst[gid.x] = a + dot(v0 + v1 + v2 + v3 + v4 + v5 + v6 + v7, vec4<f32>(1.0)) + textureLoad(tex, vec2<i32>(0, 0), 0).x * 0.0 + f32(src[0] & 0u);
}`;
    const pipeline = device.createComputePipeline({ layout: device.createPipelineLayout({ bindGroupLayouts: [layout] }), compute: { module: device.createShaderModule({ label: name, code }), entryPoint: 'main' } });
    const run = async () => {
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, group);
      pass.dispatchWorkgroups(THREADS / 16);
      pass.end();
      device.queue.submit([enc.finish()]);
      await device.queue.onSubmittedWorkDone();
    };
    await run();
    const times: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      await run();
      times.push(performance.now() - t0);
    }
    times.sort((x, y) => x - y);
    const ms = times[times.length >> 1];
    results[name] = { ns_per_iteration: Math.round((ms * 1e6 / ((THREADS / 4) * ITERS)) * 10) / 10, what };
    console.log(`${name.padEnd(16)} ${results[name].ns_per_iteration.toFixed(1).padStart(7)} ns  ${what}`);
  }
  const doc = {
    adapter: describeDevice(gpu), date: new Date().toISOString(), robustness: disableRobustness ? 'off' : 'on',
    threads: THREADS, iterations: ITERS, unit: 'ns of wall time per loop iteration of 4 neighbouring threads (all cores busy)', reps, results,
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(doc, null, 2) + '\n');
  src.destroy();
  dst.destroy();
  tex.destroy();
} finally {
  gpu.destroy();
}
