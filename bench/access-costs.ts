/**
 * What one storage access, texture fetch, branch and arithmetic operation cost on this
 * adapter, from small kernels that repeat one pattern in a loop (16,384 threads,
 * 1,000 iterations; time per iteration of a group of 4 neighbouring threads, the SIMD
 * width of a CPU adapter; median of --reps). The fused BPTT kernels are written to
 * these numbers: on SwiftShader a storage-buffer access with a computed index is a
 * per-lane gather, a texture fetch returns four floats per lane, and a divergent
 * branch costs more than a load. Neither neighbouring nor equal addresses across the 4
 * threads make a storage load cheaper, and atomicLoad/atomicStore (which SwiftShader
 * checks at run time for neighbouring addresses, to use one vector access) cost more
 * than plain accesses: the *seq / *same / atomic* patterns measure that. A storage-texture
 * store of four floats costs about what four scalar stores do (store32 / texStore8). SwiftShader
 * does not branch around an `if` block: it runs the block with the lanes masked off
 * (so a skipped block of loads costs about what the loads do), and a loop runs its body
 * at least once, masked, before testing whether any lane continues (branchLoads,
 * loopOnceLoads). A skip pays only as fewer iterations of a loop that runs anyway.
 * Other formats for the fused forward's weights (fetchHalf4, fetchBf16x4, loadVec8,
 * loadHalfVec4, storageRead8; bench/results/access-costs-formats*.json): per 32 weights, without
 * / with robustness checks, eight rgba32float fetches 137 / 283 ns; four rgba32uint fetches of
 * 8 packed halves 168 / 267 (unpack2x16float is dear), of 8 bfloat16 (a shift or a mask per
 * weight) 123 / 213; eight vec4 storage loads 158 / 230; read-only storage textures 219 / 348.
 *
 *   npx tsx bench/access-costs.ts [--reps N] [--patterns a,b,…] [--disable-robustness] [--out FILE]
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
const only = args.includes('--patterns') ? opt('--patterns', '').split(',') : undefined;

const THREADS = 16384;
const ITERS = 1000;
const N = 1 << 22;
const idx = (o: number) => `(r * 64u + gid.x * 4u + ${o}u) & 0x3fffffu`;
const load = (o: number) => `f32(src[${idx(o)}])`;
const load4 = (o: number) => `vec4<f32>(${load(o)}, ${load(o + 1)}, ${load(o + 2)}, ${load(o + 3)})`;
const fetch = (j: number) => `textureLoad(tex, vec2<i32>(i32((gid.x * 8u + ${j}u) & 255u), i32(r & 1023u)), 0)`;
/** lane-sequential offsets: the 4 threads of a group read 4 neighbouring words */
const seq = (o: number) => `(r * 256u + (gid.x >> 2u) * 128u + ${o}u * 4u + (gid.x & 3u)) & 0x3fffffu`;
/** equal offsets: the 4 threads of a group read the same word */
const same = (o: number) => `(r * 256u + (gid.x >> 2u) * 128u + ${o}u) & 0x3fffffu`;
const aload = (i: string) => `bitcast<f32>(atomicLoad(&at[${i}]))`;
const acc8 = (f: (j: number) => string) => [0, 1, 2, 3, 4, 5, 6, 7].map((j) => `v${j} += ${f(j)};`).join(' ');

/** loop bodies; v0..v7 are vec4 accumulators, a a scalar one */
const patterns: Record<string, { body: string; what: string }> = {
  loop: { body: 'a += f32(r);', what: 'an empty loop iteration (one add)' },
  load1: { body: `a += ${load(0)};`, what: 'one storage load (a per-lane gather on a CPU adapter)' },
  load32: { body: acc8((j) => load4(4 * j)), what: '32 storage loads into 8 vec4 accumulators' },
  fetch8: { body: acc8((j) => fetch(j)), what: '8 rgba32float texture fetches (32 floats) into 8 vec4 accumulators' },
  load32seq: { body: acc8((j) => `vec4<f32>(${[0, 1, 2, 3].map((k) => `f32(src[${seq(4 * j + k)}])`).join(', ')})`), what: '32 storage loads, the 4 threads at neighbouring words' },
  atomic32seq: { body: acc8((j) => `vec4<f32>(${[0, 1, 2, 3].map((k) => aload(seq(4 * j + k))).join(', ')})`), what: '32 atomicLoads, the 4 threads at neighbouring words' },
  atomic32same: { body: acc8((j) => `vec4<f32>(${[0, 1, 2, 3].map((k) => aload(same(4 * j + k))).join(', ')})`), what: '32 atomicLoads, the 4 threads at the same word' },
  load32same: { body: acc8((j) => `vec4<f32>(${[0, 1, 2, 3].map((k) => `f32(src[${same(4 * j + k)}])`).join(', ')})`), what: '32 storage loads, the 4 threads at the same word' },
  rmw8seq: { body: [0, 1, 2, 3, 4, 5, 6, 7].map((j) => `dst[${seq(j)}] += f32(r);`).join(' '), what: '8 read-modify-writes of f32, the 4 threads at neighbouring words' },
  atomicRmw8seq: { body: [0, 1, 2, 3, 4, 5, 6, 7].map((j) => `{ let i = ${seq(j)}; atomicStore(&at[i], bitcast<u32>(bitcast<f32>(atomicLoad(&at[i])) + f32(r))); }`).join(' '), what: '8 atomicLoad + atomicStore pairs (not one atomic operation), the 4 threads at neighbouring words' },
  fetchHalf4: {
    body: [0, 1, 2, 3].map((j) => `{ let h = textureLoad(texh, vec2<i32>(i32((gid.x * 4u + ${j}u) & 255u), i32(r & 1023u)), 0); v${2 * j} += vec4<f32>(unpack2x16float(h.x), unpack2x16float(h.y)); v${2 * j + 1} += vec4<f32>(unpack2x16float(h.z), unpack2x16float(h.w)); }`).join(' '),
    what: '4 rgba32uint texture fetches of 8 halves each (32 floats, unpack2x16float) into 8 vec4 accumulators',
  },
  fetchBf16x4: {
    body: [0, 1, 2, 3].map((j) => `{ let h = textureLoad(texh, vec2<i32>(i32((gid.x * 4u + ${j}u) & 255u), i32(r & 1023u)), 0); v${2 * j} += bitcast<vec4<f32>>(vec4<u32>(h.x << 16u, h.x & 0xffff0000u, h.y << 16u, h.y & 0xffff0000u)); v${2 * j + 1} += bitcast<vec4<f32>>(vec4<u32>(h.z << 16u, h.z & 0xffff0000u, h.w << 16u, h.w & 0xffff0000u)); }`).join(' '),
    what: '4 rgba32uint texture fetches of 8 bfloat16 each (32 floats, a shift or a mask each) into 8 vec4 accumulators',
  },
  storageRead8: {
    body: acc8((j) => `textureLoad(rtex, vec2<i32>(i32((gid.x * 8u + ${j}u) & 255u), i32(r & 1023u)))`),
    what: '8 reads of a read-only rgba32float storage texture (32 floats) into 8 vec4 accumulators',
  },
  loadVec8: { body: acc8((j) => `srcv[(r * 16u + gid.x * 8u + ${j}u) & 0xfffffu]`), what: '8 vec4<f32> storage loads (32 floats) into 8 vec4 accumulators' },
  loadHalfVec4: {
    body: [0, 1, 2, 3].map((j) => `{ let h = srch[(r * 16u + gid.x * 4u + ${j}u) & 0xfffffu]; v${2 * j} += vec4<f32>(unpack2x16float(h.x), unpack2x16float(h.y)); v${2 * j + 1} += vec4<f32>(unpack2x16float(h.z), unpack2x16float(h.w)); }`).join(' '),
    what: '4 vec4<u32> storage loads of 8 halves each (32 floats, unpack2x16float) into 8 vec4 accumulators',
  },
  fetch2: { body: 'v0 += ' + 'textureLoad(tex, vec2<i32>(i32((gid.x * 8u) & 255u), i32(r & 1023u)), 0); v1 += textureLoad(tex, vec2<i32>(i32((gid.x * 8u + 1u) & 255u), i32(r & 1023u)), 0);', what: '2 texture fetches (8 floats) into 2 vec4 accumulators' },
  load8: { body: [0, 1].map((j) => `v${j} += ${load4(4 * j)};`).join(' '), what: '8 storage loads into 2 vec4 accumulators' },
  add32: { body: acc8(() => 'vec4<f32>(f32(r))'), what: '32 SIMD adds into 8 vec4 accumulators' },
  add8: { body: 'v0 += vec4<f32>(f32(r)); v1 += vec4<f32>(f32(r));', what: '8 SIMD adds into 2 vec4 accumulators' },
  store1: { body: `dst[${idx(0)}] = f32(r);`, what: 'one storage store' },
  store32: { body: Array.from({ length: 32 }, (_, o) => `dst[${idx(o)}] = f32(r);`).join(' '), what: '32 storage stores (a per-lane scatter each)' },
  texStore8: {
    body: [0, 1, 2, 3, 4, 5, 6, 7].map((j) => `textureStore(wtex, vec2<i32>(i32((gid.x * 8u + ${j}u) & 255u), i32(r & 1023u)), vec4<f32>(f32(r)));`).join(' '),
    what: '8 rgba32float storage-texture stores (32 floats)',
  },
  branch: { body: `let b = src[${idx(0)}]; if (b == 7u) { a += 1.0; }`, what: 'one load and a branch that is never taken' },
  branch8: { body: `let b = src[${idx(0)}]; if (b == 7u) { ${[0, 1, 2, 3, 4, 5, 6, 7].map((j) => `v${j} += 1.0;`).join(' ')} }`, what: 'the same branch, 8 vec4 values assigned inside it' },
  loopOnce8: { body: `let b = src[${idx(0)}]; for (var once = b == 7u; once; once = false) { ${[0, 1, 2, 3, 4, 5, 6, 7].map((j) => `v${j} += 1.0;`).join(' ')} }`, what: 'the same block as a loop of 0 or 1 iterations (0 here)' },
  branchLoads: { body: `let b = src[${idx(0)}]; if (b == 7u) { ${acc8((j) => load4(4 * j))} }`, what: 'one load and a never-taken branch around 32 storage loads (SwiftShader runs both sides of a branch, masked)' },
  loopOnceLoads: { body: `let b = src[${idx(0)}]; for (var once = b == 7u; once; once = false) { ${acc8((j) => load4(4 * j))} }`, what: 'the same 32 loads in a loop of 0 or 1 iterations (0 here; a loop body runs at least once, masked)' },
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
  const at = device.createBuffer({ label: 'access-costs/atomics', size: N * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(at, 0, new Float32Array(N).fill(0.25));
  const tex = device.createTexture({ label: 'access-costs/tex', size: [256, 1024], format: 'rgba32float', usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST });
  device.queue.writeTexture({ texture: tex }, new Float32Array(256 * 1024 * 4).fill(0.5), { bytesPerRow: 256 * 16 }, [256, 1024]);
  const layout = device.createBindGroupLayout({
    entries: [
      { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } },
      { binding: 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
      { binding: 2, visibility: GPUShaderStage.COMPUTE, texture: { sampleType: 'unfilterable-float' } },
      { binding: 3, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'storage' } },
      { binding: 4, visibility: GPUShaderStage.COMPUTE, storageTexture: { access: 'write-only', format: 'rgba32float' } },
      { binding: 5, visibility: GPUShaderStage.COMPUTE, texture: { sampleType: 'uint' } },
      { binding: 6, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } },
      { binding: 7, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'read-only-storage' } },
      { binding: 8, visibility: GPUShaderStage.COMPUTE, storageTexture: { access: 'read-only', format: 'rgba32float' } },
    ],
  });
  const rtex = device.createTexture({ label: 'access-costs/rtex', size: [256, 1024], format: 'rgba32float', usage: GPUTextureUsage.STORAGE_BINDING | GPUTextureUsage.COPY_DST });
  device.queue.writeTexture({ texture: rtex }, new Float32Array(256 * 1024 * 4).fill(0.5), { bytesPerRow: 256 * 16 }, [256, 1024]);
  const texh = device.createTexture({ label: 'access-costs/texh', size: [256, 1024], format: 'rgba32uint', usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST });
  device.queue.writeTexture({ texture: texh }, new Uint32Array(256 * 1024 * 4).fill(0x38003800), { bytesPerRow: 256 * 16 }, [256, 1024]);
  const srcv = device.createBuffer({ label: 'access-costs/srcv', size: N * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(srcv, 0, new Float32Array(N).fill(0.5));
  const srch = device.createBuffer({ label: 'access-costs/srch', size: N * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(srch, 0, new Uint32Array(N).fill(0x38003800));
  const wtex = device.createTexture({ label: 'access-costs/wtex', size: [256, 1024], format: 'rgba32float', usage: GPUTextureUsage.STORAGE_BINDING });
  const group = device.createBindGroup({
    layout,
    entries: [
      { binding: 0, resource: { buffer: src } }, { binding: 1, resource: { buffer: dst } }, { binding: 2, resource: tex.createView() }, { binding: 3, resource: { buffer: at } },
      { binding: 4, resource: wtex.createView() }, { binding: 5, resource: texh.createView() },
      { binding: 6, resource: { buffer: srcv } }, { binding: 7, resource: { buffer: srch } }, { binding: 8, resource: rtex.createView() },
    ],
  });
  const results: Record<string, { ns_per_iteration: number; what: string }> = {};
  for (const [name, { body, what }] of Object.entries(patterns).filter(([n]) => !only || only.includes(n))) {
    const code = `@group(0) @binding(0) var<storage, read> src: array<u32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var tex: texture_2d<f32>;
@group(0) @binding(3) var<storage, read_write> at: array<atomic<u32>>;
@group(0) @binding(4) var wtex: texture_storage_2d<rgba32float, write>;
@group(0) @binding(5) var texh: texture_2d<u32>;
@group(0) @binding(6) var<storage, read> srcv: array<vec4<f32>>;
@group(0) @binding(7) var<storage, read> srch: array<vec4<u32>>;
@group(0) @binding(8) var rtex: texture_storage_2d<rgba32float, read>;
@compute @workgroup_size(16) fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  var a = 0.0;
  var v0 = vec4<f32>(0.0); var v1 = vec4<f32>(0.0); var v2 = vec4<f32>(0.0); var v3 = vec4<f32>(0.0);
  var v4 = vec4<f32>(0.0); var v5 = vec4<f32>(0.0); var v6 = vec4<f32>(0.0); var v7 = vec4<f32>(0.0);
  // a trip count the compiler cannot fold
  for (var r = 0u; r < ${ITERS}u + (gid.x & 0u); r++) { ${body} }
  // every accumulator reaches memory, so no load is dead code
  dst[gid.x] = a + dot(v0 + v1 + v2 + v3 + v4 + v5 + v6 + v7, vec4<f32>(1.0)) + textureLoad(tex, vec2<i32>(0, 0), 0).x * 0.0 + f32(src[0] & 0u) + f32(atomicLoad(&at[0]) & 0u)
    + f32(textureLoad(texh, vec2<i32>(0, 0), 0).x & 0u) + srcv[0].x * 0.0 + f32(srch[0].x & 0u)
    + textureLoad(rtex, vec2<i32>(0, 0)).x * 0.0;
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
  wtex.destroy();
  texh.destroy();
  rtex.destroy();
  srcv.destroy();
  srch.destroy();
  at.destroy();
} finally {
  gpu.destroy();
}
