/**
 * Paired timing of surrogate-BPTT training steps with different propagation
 * choices (bench/train-step.ts workload: 784 → H → 10, Poisson inputs at rate p,
 * fast-sigmoid surrogate, Adam). One network and run per choice, all bound at
 * once; every repetition times one step (forward + backward + Adam in one
 * encoder, submit, await) of each choice in turn, so that all choices see the same
 * machine load. Reports per choice the median step and, against the first choice,
 * the median of the per-repetition time ratios.
 *
 * A choice may carry modifiers of the fused path after colons: membrane storage ('f16'),
 * weight gradients ('lists'), W from a buffer instead of a texture ('buffer'), sample
 * chunks of the backward scan ('chunks=N'), 'observe' to bind the run with its observables
 * (the others bind as a trainer does, observe: false), and 'bits' to bind with inputFormat 'bits'
 * and upload the spikes packed, as the trainer's encoders write them; e.g. 'fused:f16', 'fused:chunks=4'. Reports the
 * bytes each choice stores for its backward pass (MethodRun.stored()).
 * The choice 'pytorch' runs the plain PyTorch baseline (bench/plain_pytorch_lif.py,
 * Debian's python3-torch + OpenBLAS, 2 threads) on the same configuration in its turn:
 * one process per repetition, its median of 3 steps after 2 warm-up steps; so the
 * ratios compare webspike and PyTorch under the same machine load. With it, each
 * webspike choice takes one untimed step per repetition first (the first step after
 * the peer's process runs about twice as long: caches and page tables are cold).
 *
 * Several configurations (--config p:B:H:T,p:B:H:T,…) run one after the other; the JSON
 * then lists one entry per configuration under `runs` (a single configuration keeps the
 * flat layout: config, results).
 *
 *   npx tsx bench/step-ab.ts [--config p:B:H:T[,…]] [--propagation fused,fused:f16,event,pytorch,...] [--reps N]
 *                            [--disable-robustness] [--out FILE]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { loadavg } from 'node:os';
import { execFileSync } from 'node:child_process';
import { describeDevice, requestDevice } from '../src/gpu/device.js';
import { trackAllocations } from '../src/gpu/allocations.js';
import { createNetwork } from '../src/layers/network.js';
import { bptt, type BpttOptions } from '../src/methods/bptt.js';
import { packSpikeBits, type MethodRun } from '../src/methods/method.js';
import type { NetworkSpec } from '../src/model/network.js';
import { lifParams } from '../src/neurons/lif.js';
import { adamOptimizer, createOptimizer } from '../src/optim/optimizer.js';
import { fastSigmoid } from '../src/surrogates.js';
import { createRng } from '../src/reference/random.js';

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const configs = opt('--config', '0.02:256:512:100').split(',').map((c) => c.split(':').map(Number));
const choices = opt('--propagation', 'fused,event').split(',');
const reps = parseInt(opt('--reps', '3'), 10);
const disableRobustness = args.includes('--disable-robustness');
const out = opt('--out', 'bench/results/step-ab.json');

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x: number) => Math.round(x * 1000) / 1000;

/** bptt options of a choice: propagation, then ':'-separated modifiers (see the header) */
function choiceOptions(choice: string): BpttOptions & { observe?: boolean; bits?: boolean } {
  const [propagation, ...mods] = choice.split(':');
  const o: BpttOptions & { observe?: boolean; bits?: boolean } = { propagation: propagation as BpttOptions['propagation'] };
  for (const m of mods) {
    if (m === 'observe') o.observe = true;
    else if (m === 'bits') o.bits = true;
    else if (m === 'f16' || m === 'f32') o.membraneStorage = m;
    else if (m === 'lists' || m === 'scan') o.fusedWeightGrad = m;
    else if (m === 'buffer') o.weightTexture = false;
    else if (/^chunks=\d+$/.test(m)) o.sampleChunks = Number(m.slice(7));
    else throw new Error(`step-ab: unknown modifier '${m}' in choice '${choice}'`);
  }
  return o;
}

const gpu = await requestDevice({ disableRobustness });
const { device } = gpu;
async function measure([p, B, H, T]: number[]) {
  const spec: NetworkSpec = {
    inputs: 784, hidden: [{ size: H, recurrent: false }], outputs: 10,
    neuron: lifParams({ tauSynMs: 5, tauMemMs: 10, detachReset: true }), surrogate: fastSigmoid({ slope: 10 }), readoutReduce: 'max',
  };
  const rng = createRng(12345 + B * 7 + H * 13 + T * 17 + Math.round(p * 1000)).next;
  const x = new Float32Array(T * B * 784);
  for (let i = 0; i < x.length; i++) x[i] = rng() < p ? 1 : 0;
  const labels = Uint32Array.from({ length: B }, () => Math.floor(rng() * 10));
  const setups: { propagation: string; net: ReturnType<typeof createNetwork>; run: MethodRun; optim: ReturnType<typeof createOptimizer>; allocated: number; times: number[] }[] = [];
  const peerTimes: number[] = [];
  const withPeer = choices.includes('pytorch');
  let peerInfo: Record<string, unknown> | undefined;
  const peer = () => {
    const line = execFileSync('/usr/bin/python3', ['bench/plain_pytorch_lif.py', '--configs', `${p}:${B}:${H}`, '--steps', String(T), '--reps', '3', '--threads', '2'], { encoding: 'utf8' })
      .trim().split('\n').pop()!;
    const r = JSON.parse(line) as { train_ms_median: number; torch: string; threads: number };
    peerInfo = { torch: r.torch, threads: r.threads };
    return r.train_ms_median;
  };
  for (const choice of choices) {
    if (choice === 'pytorch') continue;
    const net = createNetwork(device, spec, { seed: 1, hiddenGain: 0.1 / Math.sqrt(p), readoutGain: 0.2 });
    // GPU buffers the method allocates (all of its bind-time buffers; network and optimizer excluded)
    const { result: run, totalBytes: allocated } = await trackAllocations(device, async () => {
      const { observe, bits, ...options } = choiceOptions(choice);
      return bptt(options).bind(net, { batch: B, steps: T, observe: observe ?? false, inputFormat: bits ? 'bits' : 'f32' });
    });
    const optim = createOptimizer(net, adamOptimizer({ lr: 1e-3 }));
    device.queue.writeBuffer(run.input, 0, run.shape.inputFormat === 'bits' ? packSpikeBits(x, 784) : x);
    device.queue.writeBuffer(run.labels, 0, labels);
    setups.push({ propagation: choice, net, run, optim, allocated, times: [] as number[] });
  }
  const step = async (s: (typeof setups)[number]) => {
    const t0 = performance.now();
    const enc = device.createCommandEncoder();
    s.run.encodeForward(enc);
    s.run.encodeBackward(enc);
    s.optim.encode(enc);
    device.queue.submit([enc.finish()]);
    await device.queue.onSubmittedWorkDone();
    return performance.now() - t0;
  };
  const load = [loadavg()[0]];
  for (const s of setups) await step(s); // warm-up
  for (let i = 0; i < reps; i++) {
    for (const s of setups) {
      // after the peer's process the first step is slow (cold caches and page tables): untimed
      if (withPeer) await step(s);
      s.times.push(await step(s));
    }
    if (withPeer) peerTimes.push(peer());
  }
  load.push(loadavg()[0]);
  const base = setups[0].times;
  const results = setups.map((s) => ({
    propagation: s.propagation ?? 'auto',
    step_ms_median: round(median(s.times)),
    step_ms_all: s.times.map(round),
    ratio_to_first_median: round(median(s.times.map((t, i) => t / base[i]))),
    stored_bytes: s.run.stored().totalBytes,
    method_buffer_bytes: s.allocated,
  }));
  if (peerTimes.length) {
    results.push({
      propagation: 'pytorch (plain, CPU)', step_ms_median: round(median(peerTimes)), step_ms_all: peerTimes.map(round),
      ratio_to_first_median: round(median(peerTimes.map((t, i) => t / base[i]))), stored_bytes: 0, method_buffer_bytes: 0,
    });
  }
  const run = { config: { p, B, H, T }, reps, loadavg_1min: load.map(round), results, ...(peerInfo ? { pytorch: peerInfo } : {}) };
  console.log(JSON.stringify(run));
  for (const s of setups) {
    s.optim.destroy();
    s.run.destroy();
    s.net.destroy();
  }
  return run;
}

try {
  const runs = [];
  for (const c of configs) runs.push(await measure(c));
  const head = { adapter: describeDevice(gpu), date: new Date().toISOString(), robustness: disableRobustness ? 'off' : 'on' };
  const doc = runs.length === 1 ? { ...head, ...runs[0] } : { ...head, runs };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(doc, null, 2) + '\n');
} finally {
  gpu.destroy();
}
