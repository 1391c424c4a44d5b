/**
 * The Open Neuromorphic SNN-library benchmark workload on webspike, with per-kernel
 * GPU times and the adapter's measured copy bandwidth and FP32 peak.
 *
 *   Linear(n→n, no bias) + LIF, batch 16, T = 500, dense float inputs [T][B][n];
 *   forward = linear/matmul (T·B rows) + scan/forward (LIF);
 *   forward+backward = forward, then loss = Σ spikes: scan/backward (LIF) with
 *   dL/dS = 1, and dW = dL/d driveᵀ · x (linear/matmul transA). No input gradient
 *   (the inputs do not require one in the published benchmark either).
 *
 * The LIF is the canonical discrete LIF of DESIGN.md (α = e^{-1/5}, β = e^{-1/10},
 * ϑ = 1, reset by subtraction, reset detached, fast-sigmoid surrogate slope 10).
 * The kernels are the library's (kernels/linear/matmul, kernels/neurons/lif-*),
 * bound directly: no readout or loss kernels are recorded.
 *
 * Timing: one command encoder per call, submitted, then onSubmittedWorkDone;
 * medians over repetitions. Per-kernel GPU ms come from timestamp queries where
 * the adapter has 'timestamp-query' (src/gpu/profiler.ts); otherwise each kernel
 * is timed alone on the wall clock (own submit), and `kernel_time_source` says so.
 *
 * Roofline references, measured on the adapter at hand:
 *   copy_buffer: copyBufferToBuffer of a large buffer (GB/s = (read + write bytes) / s);
 *   copy_kernel: a vec4 copy compute kernel (same accounting);
 *   fma_peak:    an FMA-only compute kernel (GFLOP/s, 2 FLOP per FMA).
 * Per kernel: achieved GB/s counts compulsory traffic only (each operand read or
 * written once), achieved GFLOP/s counts 2·m·n·k for matmul and the arithmetic of
 * the scan (lif-forward 6, lif-backward 12 FLOP per neuron-step).
 *
 * PyTorch: bench/open_neuromorphic.py (the same workload in plain PyTorch) runs in the
 * same process tree afterwards on /usr/bin/python3 with 2 threads; the JSON holds
 * both and their ratio.
 *
 *   npx tsx bench/open-neuromorphic.ts [--sizes 512,4096] [--reps N] [--warmup N]
 *        [--budget-s S] [--max-total-s S] [--disable-robustness] [--no-torch]
 *        [--torch-threads N] [--torch-python PATH] [--torch-device cpu|cuda]
 *        [--out FILE]
 *
 * --torch-device cuda runs the PyTorch peer on an NVIDIA GPU (where webspike runs on
 *   the same GPU through Vulkan), with --torch-python naming a Python that has CUDA
 *   PyTorch (default /usr/bin/python3).
 *
 * --budget-s (default 60): per size, timed repetitions are lowered (never below 2)
 *   to fit. --max-total-s (default 300): a size whose predicted time (from the
 *   measured FLOP rate of the sizes before it, and the measured FMA peak before any)
 *   does not fit what is left is skipped and listed with its prediction.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync, execSync } from 'node:child_process';
import { dirname } from 'node:path';
import { describeDevice, requestDevice, type WebspikeDevice } from '../src/gpu/device.js';
import { readF32, storageBuffer } from '../src/gpu/buffers.js';
import { createProfiler } from '../src/gpu/profiler.js';
import { lifKernel, lifParams } from '../src/neurons/lif.js';
import { fastSigmoid } from '../src/surrogates.js';
import { grid1d, type Dispatch } from '../kernels/kernel.js';
import { matmul } from '../kernels/linear/matmul.js';
import { scanForward } from '../kernels/scan/forward.js';
import { scanBackward } from '../kernels/scan/backward.js';
import { createRng } from '../src/reference/random.js';

const argv = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : def;
};
const sizes = opt('--sizes', '512,4096').split(',').map(Number);
const repsWanted = Math.max(2, parseInt(opt('--reps', '5'), 10));
const warmups = Math.max(1, parseInt(opt('--warmup', '1'), 10));
const budgetS = Number(opt('--budget-s', '60'));
const maxTotalS = Number(opt('--max-total-s', '300'));
const out = opt('--out', 'bench/results/open-neuromorphic.json');
const disableRobustness = argv.includes('--disable-robustness');
const runTorch = !argv.includes('--no-torch');
const torchThreads = parseInt(opt('--torch-threads', '2'), 10);
const torchPython = opt('--torch-python', '/usr/bin/python3');
const torchDevice = opt('--torch-device', 'cpu');
const B = 16;
const T = 500;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

/** reproducible inputs: the library's seeded generator (mulberry32) */
const rng = (seed: number): (() => number) => createRng(seed).next;

const gpu: WebspikeDevice = await requestDevice({ disableRobustness });
const { device } = gpu;
const profiler = createProfiler(device, 64);
const started = Date.now();
const elapsedS = () => (Date.now() - started) / 1000;

async function wall(record: (enc: GPUCommandEncoder) => void): Promise<number> {
  const t0 = performance.now();
  const enc = device.createCommandEncoder({ label: 'open-neuromorphic' });
  record(enc);
  device.queue.submit([enc.finish()]);
  await device.queue.onSubmittedWorkDone();
  return performance.now() - t0;
}

/** GPU ms of each dispatch (timestamps), or wall ms of each alone when there are none. */
async function perKernel(list: [string, Dispatch][]): Promise<Map<string, number>> {
  if (profiler.enabled) {
    const enc = device.createCommandEncoder({ label: 'profiled' });
    for (const [label, d] of list) {
      const pass = enc.beginComputePass({ label, timestampWrites: profiler.pass(label) });
      d.encode(pass);
      pass.end();
    }
    profiler.resolve(enc);
    device.queue.submit([enc.finish()]);
    await device.queue.onSubmittedWorkDone();
    return profiler.read();
  }
  const m = new Map<string, number>();
  for (const [label, d] of list) {
    m.set(label, await wall((enc) => {
      const pass = enc.beginComputePass({ label });
      d.encode(pass);
      pass.end();
    }));
  }
  return m;
}

const kernelTimeSource = profiler.enabled ? 'timestamp-query' : 'wall clock, each kernel alone (no timestamp-query on this adapter)';

// ---------------------------------------------------------------- roofline references
async function microbenchmarks() {
  // a hardware GPU copies 128 MiB in well under the submission overhead: 1 GiB there
  const maxBytes = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize, (gpu.adapter.software === false ? 1024 : 128) * 2 ** 20);
  const bytes = Math.floor(maxBytes / 16) * 16;
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const src = device.createBuffer({ label: 'micro/src', size: bytes, usage });
  const dst = device.createBuffer({ label: 'micro/dst', size: bytes, usage });
  const fill = new Float32Array(bytes / 4);
  for (let i = 0; i < fill.length; i++) fill[i] = i & 1023;
  device.queue.writeBuffer(src, 0, fill);
  await device.queue.onSubmittedWorkDone();
  const reps = 5;

  // copyBufferToBuffer
  const copyTimes: number[] = [];
  await wall((enc) => enc.copyBufferToBuffer(src, 0, dst, 0, bytes));
  for (let i = 0; i < reps; i++) copyTimes.push(await wall((enc) => enc.copyBufferToBuffer(src, 0, dst, 0, bytes)));
  const copyMs = median(copyTimes);

  const oneDispatch = (module: GPUShaderModule, entries: GPUBuffer[], groups: [number, number], label: string): Dispatch => {
    const pipeline = device.createComputePipeline({ label, layout: 'auto', compute: { module, entryPoint: 'main' } });
    const group = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: entries.map((buffer, binding) => ({ binding, resource: { buffer } })) });
    return {
      name: label,
      encode(pass) {
        pass.setPipeline(pipeline);
        pass.setBindGroup(0, group);
        pass.dispatchWorkgroups(groups[0], groups[1]);
      },
      destroy() {},
    };
  };
  const timeDispatch = async (d: Dispatch) => {
    const ts: number[] = [];
    const gpuTs: number[] = [];
    await wall((enc) => { const p = enc.beginComputePass(); d.encode(p); p.end(); });
    for (let i = 0; i < reps; i++) {
      ts.push(await wall((enc) => { const p = enc.beginComputePass(); d.encode(p); p.end(); }));
      if (profiler.enabled) gpuTs.push((await perKernel([[d.name, d]])).get(d.name)!);
    }
    return { wall_ms: median(ts), gpu_ms: gpuTs.length ? median(gpuTs) : undefined };
  };

  // vec4 copy kernel
  const WG = 256;
  const vecs = bytes / 16;
  const [gx, gy] = grid1d(vecs, WG);
  const copyModule = device.createShaderModule({
    label: 'micro/copy',
    code: /* wgsl */ `
@group(0) @binding(0) var<storage, read> src: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> dst: array<vec4<f32>>;
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * ${WG}u;
  if (i >= ${vecs}u) { return; }
  dst[i] = src[i];
}`,
  });
  const copyKernel = await timeDispatch(oneDispatch(copyModule, [src, dst], [gx, gy], 'micro/copy-kernel'));

  // FMA peak: 8 independent vec4 accumulators per thread
  const fmaThreads = 64 * 1024;
  const fmaOut = device.createBuffer({ label: 'micro/fma-out', size: fmaThreads * 16, usage });
  const fmaFor = (iters: number) => {
    const module = device.createShaderModule({
      label: 'micro/fma',
      code: /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> outp: array<vec4<f32>>;
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let x = f32(gid.x) * 1e-9;
  var a0 = vec4<f32>(x, x + 1e-9, x + 2e-9, x + 3e-9);
  var a1 = a0 + 0.1; var a2 = a0 + 0.2; var a3 = a0 + 0.3;
  var a4 = a0 + 0.4; var a5 = a0 + 0.5; var a6 = a0 + 0.6; var a7 = a0 + 0.7;
  let m = vec4<f32>(0.9999);
  let c = vec4<f32>(1e-4);
  for (var i = 0u; i < ${iters}u; i++) {
    a0 = fma(a0, m, c); a1 = fma(a1, m, c); a2 = fma(a2, m, c); a3 = fma(a3, m, c);
    a4 = fma(a4, m, c); a5 = fma(a5, m, c); a6 = fma(a6, m, c); a7 = fma(a7, m, c);
  }
  outp[gid.x] = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
}`,
    });
    return oneDispatch(module, [fmaOut], [fmaThreads / WG, 1], 'micro/fma');
  };
  let iters = 64;
  let fma = await timeDispatch(fmaFor(iters));
  while ((fma.gpu_ms ?? fma.wall_ms) < 200 && iters < 1 << 16) {
    iters *= Math.min(16, Math.max(2, Math.ceil(250 / Math.max(1, fma.gpu_ms ?? fma.wall_ms))));
    fma = await timeDispatch(fmaFor(iters));
  }
  const fmaFlops = fmaThreads * iters * 8 * 4 * 2;
  src.destroy();
  dst.destroy();
  fmaOut.destroy();
  const gbs = (b: number, ms: number) => round(b / ms / 1e6, 2);
  const copyKernelMs = copyKernel.gpu_ms ?? copyKernel.wall_ms;
  return {
    buffer_bytes: bytes,
    copy_buffer: { ms: round(copyMs), gb_per_s: gbs(2 * bytes, copyMs), timing: 'wall clock (submit → onSubmittedWorkDone)' },
    copy_kernel: { wall_ms: round(copyKernel.wall_ms), gpu_ms: copyKernel.gpu_ms === undefined ? null : round(copyKernel.gpu_ms), gb_per_s: gbs(2 * bytes, copyKernelMs) },
    fma_peak: {
      threads: fmaThreads, iterations: iters, flops: fmaFlops,
      wall_ms: round(fma.wall_ms), gpu_ms: fma.gpu_ms === undefined ? null : round(fma.gpu_ms),
      gflop_per_s: round(fmaFlops / (fma.gpu_ms ?? fma.wall_ms) / 1e6, 2),
    },
  };
}

// ---------------------------------------------------------------- workload
interface KernelCost { flops: number; bytes: number }

async function benchSize(n: number, peak: { gbs: number; copyKernelGbs: number; gflops: number }) {
  const rows = T * B;
  const params = lifParams({ tauSynMs: 5, tauMemMs: 10, detachReset: true });
  const surrogate = fastSigmoid({ slope: 10 });
  const bufs: GPUBuffer[] = [];
  const buf = (label: string, floats: number) => {
    const b = storageBuffer(device, `on/${label}`, floats * 4);
    bufs.push(b);
    return b;
  };
  const x = buf('input', rows * n);
  const w = buf('weights', n * n);
  const dw = buf('weight-grad', n * n);
  const drive = buf('drive', rows * n); // reused for dL/d drive in the backward pass, as bptt does
  const membrane = buf('membrane', rows * n);
  const spikes = buf('spikes', rows * n);
  const gradSpikes = buf('grad-spikes', rows * n);
  const r = rng(1000 + n);
  // x ~ U[0,1), W ~ U(−a, a) with a = 0.5·sqrt(3/n): drive std ≈ 0.29
  const chunk = 1 << 20;
  const tmp = new Float32Array(chunk);
  for (let off = 0; off < rows * n; off += chunk) {
    const len = Math.min(chunk, rows * n - off);
    for (let i = 0; i < len; i++) tmp[i] = r();
    device.queue.writeBuffer(x, off * 4, tmp.buffer, 0, len * 4);
  }
  const a = 0.5 * Math.sqrt(3 / n);
  const wv = new Float32Array(n * n);
  for (let i = 0; i < wv.length; i++) wv[i] = (2 * r() - 1) * a;
  device.queue.writeBuffer(w, 0, wv);
  const ones = new Float32Array(Math.min(chunk, rows * n)).fill(1); // dL/dS for L = Σ S
  for (let off = 0; off < rows * n; off += ones.length) {
    const len = Math.min(ones.length, rows * n - off);
    device.queue.writeBuffer(gradSpikes, off * 4, ones.buffer, 0, len * 4);
  }
  await device.queue.onSubmittedWorkDone();

  const fwd: [string, Dispatch][] = [
    ['matmul x·Wᵀ', matmul(device, { a: x, b: w, c: drive, m: rows, n, k: n, transB: true })],
    ['lif-forward', scanForward(device, { drive, saved: membrane, spikes, steps: T, batch: B, neurons: n, neuron: lifKernel(params) })],
  ];
  const bwd: [string, Dispatch][] = [
    ['lif-backward', scanBackward(device, { saved: membrane, spikes, gradSpikes, gradDrive: drive, steps: T, batch: B, neurons: n, neuron: lifKernel(params), surrogate })],
    ['matmul dW = gᵀ·x', matmul(device, { a: drive, b: x, c: dw, m: n, n, k: rows, transA: true })],
  ];
  const el = rows * n;
  const costs: Record<string, KernelCost> = {
    'matmul x·Wᵀ': { flops: 2 * rows * n * n, bytes: 4 * (rows * n + n * n + rows * n) },
    'lif-forward': { flops: 6 * el, bytes: 4 * 3 * el },
    'lif-backward': { flops: 12 * el, bytes: 4 * 4 * el },
    'matmul dW = gᵀ·x': { flops: 2 * rows * n * n, bytes: 4 * (rows * n + rows * n + n * n) },
  };
  const record = (list: [string, Dispatch][]) => (enc: GPUCommandEncoder) => {
    const pass = enc.beginComputePass({ label: 'open-neuromorphic' });
    for (const [, d] of list) d.encode(pass);
    pass.end();
  };
  try {
    const warm: number[] = [];
    for (let i = 0; i < warmups; i++) warm.push(await wall(record([...fwd, ...bwd])));
    // spike rate of the forward just run
    const s = await readF32(device, spikes, Math.min(rows * n, 1 << 22));
    let count = 0;
    for (let i = 0; i < s.length; i++) count += s[i];
    const perRep = 2 * warm[warm.length - 1]; // forward + forward+backward + profiled run ≈ 2 steps
    const reps = Math.max(2, Math.min(repsWanted, Math.floor((budgetS * 1000) / Math.max(perRep, 1))));
    const fTimes: number[] = [];
    const fbTimes: number[] = [];
    const kTimes = new Map<string, number[]>();
    for (let i = 0; i < reps; i++) {
      fTimes.push(await wall(record(fwd)));
      fbTimes.push(await wall(record([...fwd, ...bwd])));
      if (i < Math.min(reps, 3)) {
        for (const [k, v] of await perKernel([...fwd, ...bwd])) kTimes.set(k, [...(kTimes.get(k) ?? []), v]);
      }
    }
    const kernels = Object.fromEntries([...kTimes].map(([k, ts]) => {
      const ms = median(ts);
      const c = costs[k];
      const gbs = c.bytes / ms / 1e6;
      const gflops = c.flops / ms / 1e6;
      return [k, {
        ms: round(ms), flops: c.flops, compulsory_bytes: c.bytes,
        gb_per_s: round(gbs, 2), gflop_per_s: round(gflops, 2),
        fraction_of_copy_bandwidth: round(gbs / peak.gbs, 3), fraction_of_copy_kernel_bandwidth: round(gbs / peak.copyKernelGbs, 3), fraction_of_fma_peak: round(gflops / peak.gflops, 3),
      }];
    }));
    const flopsFB = Object.values(costs).reduce((t, c) => t + c.flops, 0);
    return {
      n, B, T, reps, warmup_ms: warm.map((v) => round(v)),
      forward_ms: round(median(fTimes)), forward_backward_ms: round(median(fbTimes)),
      forward_ms_all: fTimes.map((v) => round(v)), forward_backward_ms_all: fbTimes.map((v) => round(v)),
      spike_rate: round(count / s.length, 4),
      flops_forward_backward: flopsFB,
      kernels,
    };
  } finally {
    for (const [, d] of [...fwd, ...bwd]) d.destroy();
    for (const b of bufs) b.destroy();
  }
}

function torchResults(sz: number[]): { results: Record<string, unknown>[]; error?: string; torch?: string; device?: string; gpu?: string } {
  try {
    const text = execFileSync(torchPython, ['bench/open_neuromorphic.py', '--sizes', sz.join(','), '--threads', String(torchThreads), '--device', torchDevice], {
      encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, OMP_NUM_THREADS: String(torchThreads) }, timeout: 900_000,
    });
    const lines = text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    const info = lines.find((l) => l.torch);
    return { results: lines.filter((l) => l.n !== undefined), torch: info?.torch, device: info?.device, gpu: info?.gpu };
  } catch (err) {
    return { results: [], error: (err as Error).message.split('\n')[0] } as { results: Record<string, unknown>[]; error?: string; torch?: string; device?: string; gpu?: string };
  }
}

const sh = (cmd: string) => {
  try {
    return execSync(cmd, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
};

try {
  console.error(`open-neuromorphic bench on ${describeDevice(gpu)}, robustness ${disableRobustness ? 'off' : 'on'}, kernel times: ${kernelTimeSource}`);
  const micro = await microbenchmarks();
  console.error(JSON.stringify(micro));
  const peak = { gbs: Math.max(micro.copy_buffer.gb_per_s, micro.copy_kernel.gb_per_s), copyKernelGbs: micro.copy_kernel.gb_per_s, gflops: micro.fma_peak.gflop_per_s };
  const results: Awaited<ReturnType<typeof benchSize>>[] = [];
  const skipped: { n: number; B: number; T: number; predicted_s: number; predicted_forward_ms: number; predicted_forward_backward_ms: number; basis: string }[] = [];
  for (const n of [...sizes].sort((p, q) => p - q)) {
    // predicted cost ∝ matmul FLOPs (2·T·B·n² per matmul) at the last measured rate, else at the FMA peak
    const last = results[results.length - 1];
    const flopsFwd = 2 * T * B * n * n;
    const rateF = last ? (2 * T * B * last.n * last.n) / last.forward_ms : peak.gflops * 1e6; // FLOP per ms
    const rateFB = last ? (4 * T * B * last.n * last.n) / last.forward_backward_ms : peak.gflops * 1e6;
    const predF = flopsFwd / rateF;
    const predFB = (2 * flopsFwd) / rateFB;
    const predictedS = ((warmups + 2) * predFB + 2 * predF + 2 * predFB) / 1000; // warm-up, 2 reps, 2 profiled runs
    const left = maxTotalS - elapsedS();
    if (maxTotalS > 0 && predictedS > left) {
      skipped.push({ n, B, T, predicted_s: round(predictedS, 1), predicted_forward_ms: round(predF, 0), predicted_forward_backward_ms: round(predFB, 0), basis: last ? `matmul FLOP rate measured at n = ${last.n}` : 'measured FMA peak' });
      console.error(`skipping n = ${n}: predicted ${predictedS.toFixed(0)} s (forward ${(predF / 1000).toFixed(1)} s, forward+backward ${(predFB / 1000).toFixed(1)} s), ${left.toFixed(0)} s left of --max-total-s ${maxTotalS}`);
      continue;
    }
    const res = await benchSize(n, peak);
    results.push(res);
    const { forward_ms_all: _f, forward_backward_ms_all: _fb, ...line } = res;
    console.log(JSON.stringify({ impl: 'webspike', ...line }));
  }
  const torch = runTorch ? torchResults(sizes) : { results: [] };
  const ratios = results.map((r) => {
    const p = torch.results.find((t) => t.n === r.n) as { forward_ms: number; forward_backward_ms: number } | undefined;
    return p ? { n: r.n, forward: round(r.forward_ms / p.forward_ms, 2), forward_backward: round(r.forward_backward_ms / p.forward_backward_ms, 2), meaning: 'webspike ms / PyTorch ms' } : { n: r.n, forward: null, forward_backward: null };
  });
  const report = {
    workload: 'Open Neuromorphic SNN library benchmark: Linear(n→n, no bias) + LIF, batch 16, T = 500, dense inputs; forward, and forward + backward of Σ spikes (weight gradient only)',
    adapter: { ...gpu.adapter, summary: describeDevice(gpu), features: gpu.features },
    runtime: gpu.runtime, node: process.version, platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(), robustness: disableRobustness ? 'off' : 'on',
    git: { commit: sh('git rev-parse HEAD'), dirty: sh('git status --porcelain -- src kernels shaders').split('\n').filter(Boolean) },
    reps_requested: repsWanted, warmup: warmups, budget_s_per_size: budgetS, max_total_s: maxTotalS,
    kernel_time_source: kernelTimeSource,
    accounting: 'GB/s: compulsory bytes (each operand read/written once) / kernel ms; GFLOP/s: 2·m·n·k for matmul, 6 (forward) and 12 (backward) FLOP per neuron-step for the LIF scans; fractions against max(copy_buffer, copy_kernel) GB/s, against copy_kernel GB/s alone, and against fma_peak GFLOP/s',
    microbenchmarks: micro,
    results, skipped,
    pytorch: runTorch ? { script: 'bench/open_neuromorphic.py', threads: torchThreads, ...torch } : 'not run (--no-torch)',
    ratio_webspike_over_pytorch: ratios,
    total_s: round(elapsedS(), 1),
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
  console.error(`wrote ${out} (${results.length} sizes measured, ${skipped.length} skipped, ${round(elapsedS(), 1)} s)`);
  console.log(JSON.stringify({ pytorch: torch.results, ratios }));
} finally {
  profiler.destroy();
  gpu.destroy();
}
