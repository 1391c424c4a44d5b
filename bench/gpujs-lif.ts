/**
 * LIF forward written with gpu.js (a generic JavaScript GPU library) against
 * webspike's scan/forward kernel (LIF), on the same input currents.
 *
 * Model: the canonical discrete LIF of DESIGN.md, one feed-forward layer, given the
 * input currents drive[T][B][N] (α = e^{-1/5}, β = e^{-1/10}, ϑ = 1, reset by subtraction):
 *   S[n] = Θ(U[n] − ϑ);  U[n+1] = β·U[n] + I[n] − ϑ·S[n];  I[n+1] = α·I[n] + drive[n].
 *
 * gpu.js kernels return one value per thread, so the scan is written two ways:
 *   per-step: one kernel call per step, output [B·N, 2] = (U[n+1], I[n+1]) from (U[n], I[n]),
 *             pipelined (GPU-resident handles, kept for every step: the full U trajectory,
 *             from which S[n] = U[n] > ϑ) — the same outputs as webspike's kernel;
 *   scan:     one thread per (sample, neuron) looping over T, returning its spike count
 *             (the fused time loop, but without the per-step outputs).
 * Modes: gpu.js 'webgpu' (navigator.gpu provided from Dawn's `webgpu` package, a device of
 * its own on the same adapter) and 'webasm' (WebAssembly + SIMD on the CPU).
 * webspike: scan/forward, one dispatch for all T steps writing U and S ([T][B][N]).
 * Every result is checked against webspike's (U, S, spike counts) before it is timed.
 * Timing: median wall ms over repetitions, inputs already resident (webspike buffers,
 * gpu.js pipeline handle); result readback is not timed.
 *
 *   npx tsx bench/gpujs-lif.ts [--T 100] [--B 64] [--N 512] [--reps 5] [--out FILE]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createRequire } from 'node:module';
import { GPU } from 'gpu.js';
import { describeDevice, requestDevice } from '../src/gpu/device.js';
import { readF32, storageBuffer } from '../src/gpu/buffers.js';
import { createProfiler } from '../src/gpu/profiler.js';
import { lifKernel, lifParams } from '../src/neurons/lif.js';
import { scanForward } from '../kernels/scan/forward.js';

const argv = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : def;
};
const T = parseInt(opt('--T', '100'), 10);
const B = parseInt(opt('--B', '64'), 10);
const N = parseInt(opt('--N', '512'), 10);
const reps = Math.max(2, parseInt(opt('--reps', '5'), 10));
const out = opt('--out', 'bench/results/gpujs-lif.json');
const count = B * N;
const p = lifParams({ tauSynMs: 5, tauMemMs: 10 });
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
const now = () => performance.now();

// input currents
let seed = 99;
const r = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
const drive = new Float32Array(T * count);
for (let i = 0; i < drive.length; i++) drive[i] = 0.1 * r();

// ---------------------------------------------------------------- webspike
const gpu = await requestDevice();
const { device } = gpu;
const dBuf = storageBuffer(device, 'drive', drive.length * 4);
const uBuf = storageBuffer(device, 'membrane', drive.length * 4);
const sBuf = storageBuffer(device, 'spikes', drive.length * 4);
device.queue.writeBuffer(dBuf, 0, drive);
const lif = scanForward(device, { drive: dBuf, saved: uBuf, spikes: sBuf, steps: T, batch: B, neurons: N, neuron: lifKernel(p) });
const profiler = createProfiler(device, 4);
const runWebspike = async (profiled = false) => {
  const t0 = now();
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass({ timestampWrites: profiled ? profiler.pass('lif-forward') : undefined });
  lif.encode(pass);
  pass.end();
  if (profiled) profiler.resolve(enc);
  device.queue.submit([enc.finish()]);
  await device.queue.onSubmittedWorkDone();
  const ms = now() - t0;
  return profiled ? (await profiler.read()).get('lif-forward') ?? ms : ms;
};
await runWebspike();
const refU = await readF32(device, uBuf, drive.length);
const refS = await readF32(device, sBuf, drive.length);
const refCounts = new Float32Array(count);
for (let n = 0; n < T; n++) for (let i = 0; i < count; i++) refCounts[i] += refS[n * count + i];
const wsWall: number[] = [];
const wsGpu: number[] = [];
for (let i = 0; i < reps; i++) {
  wsWall.push(await runWebspike());
  if (profiler.enabled) wsGpu.push(await runWebspike(true));
}
const spikeRate = refS.reduce((a, b) => a + b, 0) / refS.length;

// ---------------------------------------------------------------- gpu.js
// navigator.gpu for gpu.js's webgpu mode, from the same Dawn binding webspike uses
const require = createRequire(import.meta.url);
const dawn = require('webgpu') as { create: (flags: string[]) => GPU_; globals: Record<string, unknown> };
type GPU_ = unknown;
const nav = ((globalThis as { navigator?: object }).navigator ??= {}) as object;
Object.defineProperty(nav, 'gpu', { value: dawn.create([]), configurable: true });

interface Handle { toArray(): Promise<Float32Array[] | Float32Array> | Float32Array[] | Float32Array; delete?(): void }
type Kernel = ((...args: unknown[]) => unknown) & { destroy?(removeCanvasReferences?: boolean): void };

function compare(label: string, u: Float32Array | null, s: Float32Array | null, counts: Float32Array | null) {
  let maxDiff = 0;
  let spikeMismatch = 0;
  let countMismatch = 0;
  if (u) for (let i = 0; i < u.length; i++) maxDiff = Math.max(maxDiff, Math.abs(u[i] - refU[i]));
  if (s) for (let i = 0; i < s.length; i++) spikeMismatch += s[i] !== refS[i] ? 1 : 0;
  if (counts) for (let i = 0; i < count; i++) countMismatch += counts[i] !== refCounts[i] ? 1 : 0;
  const ok = maxDiff <= 1e-4 && spikeMismatch === 0 && countMismatch === 0;
  return { label, ok, max_abs_diff_membrane: u ? maxDiff : null, spike_mismatches: s ? spikeMismatch : null, count_mismatches: counts ? countMismatch : null };
}

async function gpujsMode(mode: 'webgpu' | 'webasm') {
  const g = new GPU({ mode });
  const res: Record<string, unknown> = { mode };
  try {
    // --- scan: one thread per (sample, neuron), loops over T, returns its spike count
    const scan = g.createKernel(function (this: { thread: { x: number }; constants: { T: number; count: number; alpha: number; beta: number; thr: number } }, d: number[]) {
      const i = this.thread.x;
      let syn = 0;
      let u = 0;
      let spikes = 0;
      for (let n = 0; n < this.constants.T; n++) {
        let s = 0;
        if (u > this.constants.thr) s = 1;
        spikes += s;
        const next = this.constants.beta * u + syn - this.constants.thr * s;
        syn = this.constants.alpha * syn + d[n * this.constants.count + i];
        u = next;
      }
      return spikes;
    }, { output: [count], constants: { T, count, alpha: p.alpha, beta: p.beta, thr: p.threshold }, loopMaxIterations: T + 1, tactic: 'precision' } as never) as unknown as Kernel;

    // resident input (identity kernel, pipelined)
    const resident = mode === 'webgpu'
      ? g.createKernel(function (this: { thread: { x: number } }, a: number[]) { return a[this.thread.x]; }, { output: [T * count], pipeline: true } as never) as unknown as Kernel
      : null;
    const dIn = resident ? await (resident as Kernel)(drive) : drive;

    const scanCounts = (await scan(dIn)) as Float32Array;
    res.scan_check = compare('scan', null, null, Float32Array.from(scanCounts));
    const scanMs: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t0 = now();
      await scan(dIn);
      scanMs.push(now() - t0);
    }
    res.scan_ms = round(median(scanMs));
    res.scan_note = mode === 'webgpu' ? 'includes reading back the B·N spike counts (gpu.js has no non-pipelined call without readback)' : 'synchronous call, WebAssembly SIMD, one thread';

    // --- per-step: (U, I)[n] → (U, I)[n+1], one call per step, every step's state kept
    const step = g.createKernel(function (this: { thread: { x: number; y: number }; constants: { alpha: number; beta: number; thr: number } }, st: number[][], d: number[], base: number) {
      const i = this.thread.x;
      const u = st[0][i];
      const syn = st[1][i];
      let s = 0;
      if (u > this.constants.thr) s = 1;
      if (this.thread.y === 0) return this.constants.beta * u + syn - this.constants.thr * s;
      return this.constants.alpha * syn + d[base + i];
    }, { output: [count, 2], constants: { alpha: p.alpha, beta: p.beta, thr: p.threshold }, pipeline: mode === 'webgpu', immutable: true, tactic: 'precision' } as never) as unknown as Kernel;
    const zero = [new Float32Array(count), new Float32Array(count)];
    const runSteps = async () => {
      const states: unknown[] = [zero];
      let st: unknown = zero;
      for (let n = 0; n < T - 1; n++) {
        st = await step(st, dIn, n * count);
        states.push(st);
      }
      return states;
    };
    const states = await runSteps();
    const u = new Float32Array(T * count);
    for (let n = 0; n < T; n++) {
      const s = states[n] as Handle | Float32Array[];
      const arr = (typeof (s as Handle).toArray === 'function' && !Array.isArray(s) ? await (s as Handle).toArray() : s) as Float32Array[];
      u.set(arr[0], n * count);
    }
    const sp = u.map((x) => (x > p.threshold ? 1 : 0));
    res.per_step_check = compare('per-step', u, sp, null);
    const release = (xs: unknown[]) => { for (const x of xs) (x as Handle).delete?.(); };
    release(states.slice(1));
    const stepMs: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t0 = now();
      const kept = await runSteps();
      const last = kept[kept.length - 1] as Handle;
      if (mode === 'webgpu') await last.toArray(); // the calls resolve at submit: wait for the GPU by reading the last state (2·B·N floats)
      stepMs.push(now() - t0);
      release(kept.slice(1));
    }
    res.per_step_ms = round(median(stepMs));
    res.per_step_note = mode === 'webgpu'
      ? `${T - 1} pipelined kernel calls, each awaited (gpu.js webgpu calls return Promises); all T states kept on the GPU; timing ends with a readback of the last state (2·B·N floats) so that the GPU work is included`
      : `${T - 1} synchronous kernel calls returning typed arrays`;
    scan.destroy?.();
    step.destroy?.();
    resident?.destroy?.();
  } catch (err) {
    res.error = (err as Error).message;
  }
  try {
    g.destroy();
  } catch {
    // ignore
  }
  return res;
}

const started = now();
const gpujs: Record<string, unknown>[] = [];
for (const mode of ['webgpu', 'webasm'] as const) {
  console.error(`gpu.js ${mode} …`);
  gpujs.push(await gpujsMode(mode));
  console.error(JSON.stringify(gpujs[gpujs.length - 1]));
}
const gpujsPkg = require('gpu.js/package.json') as { version: string };
const wsMs = median(wsWall);
const report = {
  workload: `LIF forward (discrete LIF of DESIGN.md), one layer, given input currents [T][B][N]; T = ${T}, B = ${B}, N = ${N}`,
  adapter: { ...gpu.adapter, summary: describeDevice(gpu), features: gpu.features },
  node: process.version, platform: `${process.platform} ${process.arch}`, date: new Date().toISOString(),
  gpujs_version: gpujsPkg.version,
  reps, spike_rate: round(spikeRate, 4),
  webspike: { kernel: 'scan/forward (LIF; one dispatch, loop over T inside, writes U and S)', wall_ms: round(wsMs), gpu_ms: wsGpu.length ? round(median(wsGpu)) : null },
  gpujs,
  ratios_gpujs_over_webspike_wall: Object.fromEntries(gpujs.flatMap((g) => [
    [`${g.mode} per-step`, typeof g.per_step_ms === 'number' ? round(g.per_step_ms / wsMs, 2) : null],
    [`${g.mode} scan`, typeof g.scan_ms === 'number' ? round(g.scan_ms / wsMs, 2) : null],
  ])),
  total_s: round((now() - started) / 1000, 1),
};
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
console.log(JSON.stringify(report, null, 2));
lif.destroy();
profiler.destroy();
for (const b of [dBuf, uBuf, sBuf]) b.destroy();
gpu.destroy();
process.exit(0);
