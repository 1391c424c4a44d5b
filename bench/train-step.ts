/**
 * Training-step benchmark: the workload of bench/plain_pytorch_lif.py on webspike.
 *
 *   784 Poisson inputs (rate p per step) → H LIF → 10 leaky readout, CE on max over time,
 *   surrogate BPTT (fast sigmoid, slope 10; reset by subtraction, reset detached), Adam lr 1e-3.
 *
 * One training step = one command encoder with encodeForward + encodeBackward +
 * optimizer.encode, submitted, then `await device.queue.onSubmittedWorkDone()`.
 * The split (forward alone, backward alone after a separately awaited forward,
 * optimizer alone) is timed the same way. Input spikes and labels are drawn on
 * the CPU once per configuration and uploaded before timing.
 *
 *   npx tsx bench/train-step.ts [--configs p:B:H:T,...] [--reps N] [--out FILE]
 *                               [--disable-robustness] [--budget-s S] [--warmup N]
 *                               [--max-total-s S] [--propagation fused|event|dense] [--input-format bits|f32] [--merge]
 *
 * --merge: keep the results already in --out for configurations not measured by this run
 *   (e.g. a second run for configurations the first one skipped).
 * --propagation: bptt({ propagation }); omitted = the library default (recorded as such).
 * --input-format (default bits, as the trainer binds bptt): the input spikes are uploaded as
 *   bits (32 per u32 word) or as f32 values.
 * --warmup (default 2): untimed training steps before timing.
 * --budget-s (default 40): per configuration, the number of timed repetitions is
 *   lowered (never below min(2, --reps)) when reps × (one step + its split) would
 *   exceed it; each result records the repetitions it used.
 * --max-total-s (default 600, 0 = no limit): configurations run cheapest first
 *   (by T·B·H); one whose predicted time (from the per-(T·B·H) cost of the last
 *   measured one, × 1.5) does not fit in what is left is skipped and listed under
 *   `skipped` in the JSON, with its prediction. SwiftShader on 2 cores cannot run
 *   the whole default grid in 10 minutes.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname } from 'node:path';
import { describeDevice, requestDevice, type WebspikeDevice } from '../src/gpu/device.js';
import { createNetwork } from '../src/layers/network.js';
import { bptt } from '../src/methods/bptt.js';
import { packSpikeBits } from '../src/methods/method.js';
import type { NetworkSpec } from '../src/model/network.js';
import { lifParams } from '../src/neurons/lif.js';
import { adamOptimizer, createOptimizer } from '../src/optim/optimizer.js';
import { fastSigmoid } from '../src/surrogates.js';
import { createRng } from '../src/reference/random.js';

interface Config { p: number; B: number; H: number; T: number }

const DEFAULT_CONFIGS: Config[] = [];
for (const T of [25, 100]) for (const B of [32, 256]) for (const H of [128, 512]) for (const p of [0.02, 0.2]) DEFAULT_CONFIGS.push({ p, B, H, T });

function parseArgs(argv: string[]) {
  const out = { configs: DEFAULT_CONFIGS, reps: 5, out: 'bench/results/train-step.json', disableRobustness: false, budgetS: 40, warmup: 2, maxTotalS: 600, propagation: undefined as 'fused' | 'event' | 'dense' | undefined, inputFormat: 'bits' as 'bits' | 'f32', merge: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--configs') {
      out.configs = value().split(',').filter(Boolean).map((c) => {
        const parts = c.split(':').map(Number);
        if (parts.length !== 4 || parts.some((x) => !Number.isFinite(x))) throw new Error(`config '${c}' is not p:B:H:T`);
        const [p, B, H, T] = parts;
        return { p, B, H, T };
      });
    } else if (a === '--reps') out.reps = Math.max(1, parseInt(value(), 10));
    else if (a === '--out') out.out = value();
    else if (a === '--disable-robustness') out.disableRobustness = true;
    else if (a === '--budget-s') out.budgetS = Number(value());
    else if (a === '--merge') out.merge = true;
    else if (a === '--warmup') out.warmup = Math.max(0, parseInt(value(), 10));
    else if (a === '--max-total-s') out.maxTotalS = Number(value());
    else if (a === '--input-format') {
      const v = argv[++i];
      if (v !== 'bits' && v !== 'f32') throw new Error(`--input-format must be bits or f32, got ${v}`);
      out.inputFormat = v;
    } else if (a === '--propagation') {
      const v = value();
      if (v !== 'fused' && v !== 'event' && v !== 'dense') throw new Error(`--propagation must be fused, event or dense, got ${v}`);
      out.propagation = v;
    }
    else if (a === '--help' || a === '-h') {
      console.log('npx tsx bench/train-step.ts [--configs p:B:H:T,...] [--reps N] [--out FILE] [--disable-robustness] [--budget-s S] [--warmup N] [--max-total-s S] [--propagation fused|event|dense] [--input-format bits|f32] [--merge]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return out;
}

/** reproducible inputs: the library's seeded generator (mulberry32) */
const rng = (seed: number): (() => number) => createRng(seed).next;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x: number) => Math.round(x * 1000) / 1000;

async function timed(gpu: WebspikeDevice, record: (enc: GPUCommandEncoder) => void): Promise<number> {
  const { device } = gpu;
  const t0 = performance.now();
  const enc = device.createCommandEncoder({ label: 'bench' });
  record(enc);
  device.queue.submit([enc.finish()]);
  await device.queue.onSubmittedWorkDone();
  return performance.now() - t0;
}

async function benchConfig(gpu: WebspikeDevice, c: Config, maxReps: number, budgetS: number, warmups: number, propagation: 'fused' | 'event' | 'dense' | undefined, inputFormat: 'bits' | 'f32') {
  const load_before = loadavg()[0];
  const { device } = gpu;
  const inputs = 784;
  const spec: NetworkSpec = {
    inputs,
    hidden: [{ size: c.H, recurrent: false }],
    outputs: 10,
    neuron: lifParams({ tauSynMs: 5, tauMemMs: 10, detachReset: true }),
    surrogate: fastSigmoid({ slope: 10 }),
    readoutReduce: 'max',
  };
  // Same initial scales as the PyTorch peer: W1 ~ N(0, (0.1/sqrt(p·784))²), W2 ~ N(0, (0.2/sqrt(H))²).
  const net = createNetwork(device, spec, { seed: 1, hiddenGain: 0.1 / Math.sqrt(c.p), readoutGain: 0.2 });
  const run = bptt(propagation ? { propagation } : {}).bind(net, { batch: c.B, steps: c.T, observe: false, inputFormat });
  const opt = createOptimizer(net, adamOptimizer({ lr: 1e-3 }));
  try {
    const r = rng(12345 + c.B * 7 + c.H * 13 + c.T * 17 + Math.round(c.p * 1000));
    const x = new Float32Array(c.T * c.B * inputs);
    for (let i = 0; i < x.length; i++) x[i] = r() < c.p ? 1 : 0;
    const labels = Uint32Array.from({ length: c.B }, () => Math.floor(r() * 10));
    if (inputFormat === 'bits') device.queue.writeBuffer(run.input, 0, packSpikeBits(x, inputs));
    else device.queue.writeBuffer(run.input, 0, x.buffer, x.byteOffset, x.byteLength);
    device.queue.writeBuffer(run.labels, 0, labels);
    await device.queue.onSubmittedWorkDone();

    const step = (enc: GPUCommandEncoder) => {
      run.encodeForward(enc);
      run.encodeBackward(enc);
      opt.encode(enc);
    };
    // warm-up (pipeline compilation happens at bind; first submits may still be slower)
    const warm: number[] = [];
    for (let i = 0; i < warmups; i++) warm.push(await timed(gpu, step));
    const perRep = 2 * (warm.length ? warm[warm.length - 1] : 0); // step + forward + backward + optimizer ≈ 2 steps
    const reps = Math.max(Math.min(2, maxReps), Math.min(maxReps, perRep > 0 ? Math.floor((budgetS * 1000) / perRep) : maxReps));

    const train: number[] = [];
    const fwd: number[] = [];
    const bwd: number[] = [];
    const optim: number[] = [];
    for (let i = 0; i < reps; i++) {
      train.push(await timed(gpu, step));
      fwd.push(await timed(gpu, (enc) => run.encodeForward(enc)));
      bwd.push(await timed(gpu, (enc) => run.encodeBackward(enc))); // after the forward just above
      optim.push(await timed(gpu, (enc) => opt.encode(enc)));
    }
    const status = await opt.status();
    return {
      p: c.p, B: c.B, H: c.H, T: c.T,
      train_ms_median: round(median(train)),
      train_ms_min: round(Math.min(...train)),
      forward_ms: round(median(fwd)),
      backward_ms: round(median(bwd)),
      optimizer_ms: round(median(optim)),
      stored_bytes: run.stored().totalBytes,
      reps,
      warmup_ms: warm.map(round),
      train_ms_all: train.map(round),
      optimizer_updates: status.updates,
      optimizer_skipped: status.skipped,
      loadavg_1min: [round(load_before), round(loadavg()[0])],
    };
  } finally {
    opt.destroy();
    run.destroy();
    net.destroy();
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const gpu = await requestDevice({ disableRobustness: args.disableRobustness });
  const started = Date.now();
  const sh = (cmd: string) => {
    try {
      return execSync(cmd, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return '';
    }
  };
  // the tree other people edit concurrently: which commit, and which engine files differ from it
  const gitInfo = { commit: sh('git rev-parse HEAD'), dirty: sh('git status --porcelain -- src kernels shaders').split('\n').filter(Boolean) };
  const results: Awaited<ReturnType<typeof benchConfig>>[] = [];
  const failed: { config: Config; error: string }[] = [];
  const skipped: (Config & { predicted_s: number })[] = [];
  const units = (c: Config) => c.T * c.B * c.H;
  const order = [...args.configs].sort((a, b) => units(a) - units(b));
  const msPerUnit = new Map<number, number>(); // p → train-step ms per T·B·H of the last measured config at that rate
  let lastMsPerUnit = 0;
  const same = (a: Config, b: Config) => a.p === b.p && a.B === b.B && a.H === b.H && a.T === b.T;
  let kept: (Record<string, unknown> & Config)[] = [];
  let keptRuns: unknown[] = [];
  if (args.merge && existsSync(args.out)) {
    const old = JSON.parse(readFileSync(args.out, 'utf8'));
    kept = (old.results ?? []).filter((r: Config) => !args.configs.some((c) => same(c, r)));
    keptRuns = [...(old.merged_from ?? []), { date: old.date, robustness: old.robustness, propagation: old.propagation, git: old.git, configs: kept.length }];
    console.error(`--merge: keeping ${kept.length} results from ${args.out}`);
  }
  const report = () => ({
    adapter: { ...gpu.adapter, summary: describeDevice(gpu), features: gpu.features },
    runtime: gpu.runtime,
    node: process.version,
    webgpu: 'dawn (npm webgpu)',
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
    robustness: args.disableRobustness ? 'off' : 'on',
    propagation: args.propagation ?? 'library default',
    input_format: args.inputFormat,
    git: gitInfo,
    reps_requested: args.reps,
    warmup_steps: args.warmup,
    max_total_s: args.maxTotalS,
    budget_s_per_config: args.budgetS,
    total_s: round((Date.now() - started) / 1000),
    ...(args.merge ? { merged_from: keptRuns } : {}),
    results: [...kept, ...results].sort((a, b) => a.T - b.T || a.B - b.B || a.H - b.H || a.p - b.p),
    skipped,
    failed,
  });
  const write = () => {
    mkdirSync(dirname(args.out), { recursive: true });
    writeFileSync(args.out, JSON.stringify(report(), null, 2) + '\n');
  };
  try {
    console.error(`webspike train-step bench on ${describeDevice(gpu)}, robustness ${args.disableRobustness ? 'off' : 'on'}, ${args.configs.length} configs`);
    for (const c of order) {
      const rate = msPerUnit.get(c.p) ?? lastMsPerUnit;
      if (args.maxTotalS > 0 && rate > 0) {
        const stepS = (1.5 * rate * units(c)) / 1000;
        const predicted = stepS * (args.warmup + 2 * Math.min(2, args.reps));
        const left = args.maxTotalS - (Date.now() - started) / 1000;
        if (predicted > left) {
          skipped.push({ ...c, predicted_s: round(predicted) });
          console.error(`skipping ${JSON.stringify(c)}: predicted ${predicted.toFixed(0)} s, ${left.toFixed(0)} s left of --max-total-s ${args.maxTotalS}`);
          continue;
        }
      }
      try {
        const res = await benchConfig(gpu, c, args.reps, args.budgetS, args.warmup, args.propagation, args.inputFormat);
        results.push(res);
        lastMsPerUnit = res.train_ms_median / units(c);
        msPerUnit.set(c.p, lastMsPerUnit);
        const { train_ms_all: _a, warmup_ms: _w, ...line } = res;
        console.log(JSON.stringify({ impl: 'webspike', ...line }));
      } catch (err) {
        failed.push({ config: c, error: (err as Error).message });
        console.error(`config ${JSON.stringify(c)} failed: ${(err as Error).message}`);
      }
      write(); // keep partial results if interrupted
    }
    write();
    console.error(`wrote ${args.out} (${results.length} configs, ${skipped.length} skipped, ${failed.length} failed, ${round((Date.now() - started) / 1000)} s)`);
  } finally {
    gpu.destroy();
  }
}

await main();
