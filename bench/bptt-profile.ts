/**
 * Per-kernel profile of one surrogate-BPTT training step as src/methods/bptt.ts
 * records it (784 → H → 10, the workload of bench/train-step.ts), from GPU
 * timestamp queries (src/gpu/profiler.ts: every kernel in its own pass), plus the
 * wall time of an unprofiled step (one encoder: forward + backward + Adam,
 * submit, await). Medians over --reps after one warm-up step. Several
 * propagation choices (comma-separated) run one after the other per configuration,
 * so their times compare under the same machine load.
 *
 *   npx tsx bench/bptt-profile.ts [--configs p:B:H:T,...] [--propagation fused|event|dense|auto[,…]]
 *                                 [--fused-weight-grad scan|lists] [--sample-chunks C] [--no-weight-texture] [--reps N]
 *                                 [--input-bits] [--disable-robustness] [--out FILE]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describeDevice, requestDevice } from '../src/gpu/device.js';
import { createProfiler } from '../src/gpu/profiler.js';
import { createNetwork } from '../src/layers/network.js';
import { bptt, resolvePropagation, type BpttOptions } from '../src/methods/bptt.js';
import type { NetworkSpec } from '../src/model/network.js';
import { packSpikeBits } from '../src/methods/method.js';
import { lifParams } from '../src/neurons/lif.js';
import { adamOptimizer, createOptimizer } from '../src/optim/optimizer.js';
import { fastSigmoid } from '../src/surrogates.js';
import { createRng } from '../src/reference/random.js';

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const configs = opt('--configs', '0.02:256:512:25').split(',').map((c) => c.split(':').map(Number));
const reps = parseInt(opt('--reps', '3'), 10);
const out = opt('--out', 'bench/results/bptt-profile.json');
const disableRobustness = args.includes('--disable-robustness');
const propagations = opt('--propagation', 'auto').split(',') as BpttOptions['propagation'][];
const fusedWeightGrad = opt('--fused-weight-grad', 'scan') as BpttOptions['fusedWeightGrad'];
const sampleChunks = args.includes('--sample-chunks') ? Number(opt('--sample-chunks', '16')) : undefined;
const weightTexture = args.includes('--no-weight-texture') ? false : undefined;
// --input-bits: bind with inputFormat 'bits' and upload the spikes packed (as the trainer's encoders write them)
const inputFormat = args.includes('--input-bits') ? 'bits' as const : 'f32' as const;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x: number) => Math.round(x * 1000) / 1000;

const gpu = await requestDevice({ disableRobustness });
const { device } = gpu;
const results: unknown[] = [];
try {
  for (const [p, B, H, T] of configs) for (const propagation of propagations) {
    const spec: NetworkSpec = {
      inputs: 784, hidden: [{ size: H, recurrent: false }], outputs: 10,
      neuron: lifParams({ tauSynMs: 5, tauMemMs: 10, detachReset: true }), surrogate: fastSigmoid({ slope: 10 }), readoutReduce: 'max',
    };
    const net = createNetwork(device, spec, { seed: 1, hiddenGain: 0.1 / Math.sqrt(p), readoutGain: 0.2 });
    const method = bptt({ propagation, fusedWeightGrad, sampleChunks, weightTexture });
    // as a trainer binds it: nothing observed (the hidden activity comes from a second run below)
    const run = method.bind(net, { batch: B, steps: T, observe: false, inputFormat });
    const optim = createOptimizer(net, adamOptimizer({ lr: 1e-3 }));
    const rng = createRng(12345 + B * 7 + H * 13 + T * 17 + Math.round(p * 1000)).next;
    const x = new Float32Array(T * B * 784);
    for (let i = 0; i < x.length; i++) x[i] = rng() < p ? 1 : 0;
    device.queue.writeBuffer(run.input, 0, inputFormat === 'bits' ? packSpikeBits(x, 784) : x);
    device.queue.writeBuffer(run.labels, 0, Uint32Array.from({ length: B }, () => Math.floor(rng() * 10)));
    const profiler = createProfiler(device);
    const kernels = new Map<string, number[]>();
    const wall: number[] = [];
    const step = async (profiled: boolean) => {
      const t0 = performance.now();
      const enc = device.createCommandEncoder();
      run.encodeForward(enc, profiled ? profiler : undefined);
      run.encodeBackward(enc, profiled ? profiler : undefined);
      optim.encode(enc, profiled ? profiler : undefined);
      if (profiled) profiler.resolve(enc);
      device.queue.submit([enc.finish()]);
      await device.queue.onSubmittedWorkDone();
      const ms = performance.now() - t0;
      if (profiled) for (const [k, v] of await profiler.read()) kernels.set(k, [...(kernels.get(k) ?? []), v]);
      return ms;
    };
    await step(false);
    for (let i = 0; i < reps; i++) {
      wall.push(await step(false));
      await step(true);
    }
    const kernels_ms = Object.fromEntries([...kernels].map(([k, v]) => [k, round(median(v))]));
    const kernel_sum_ms = round(Object.values(kernels_ms).reduce((s, v) => s + v, 0));
    const hiddenSpikes = (await (async () => {
      const { readF32 } = await import('../src/gpu/buffers.js');
      const seen = method.bind(net, { batch: B, steps: T });
      device.queue.writeBuffer(seen.input, 0, x);
      const enc = device.createCommandEncoder();
      seen.encodeForward(enc);
      device.queue.submit([enc.finish()]);
      const s = await readF32(device, seen.observables.get('hidden.0.spikes')!.buffer);
      seen.destroy();
      return s.reduce((a, v) => a + v, 0) / s.length;
    })());
    const res = {
      p, B, H, T, propagation: resolvePropagation(device, propagation, spec), fused_weight_grad: fusedWeightGrad, sample_chunks: sampleChunks ?? 'default', weight_texture: weightTexture ?? 'default', input_format: inputFormat, robustness: disableRobustness ? 'off' : 'on', reps,
      step_ms_median: round(median(wall)), step_ms_all: wall.map(round), kernel_sum_ms, hidden_activity: round(hiddenSpikes), kernels_ms,
    };
    results.push(res);
    console.log(JSON.stringify(res));
    profiler.destroy();
    optim.destroy();
    run.destroy();
    net.destroy();
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ adapter: describeDevice(gpu), date: new Date().toISOString(), results }, null, 2) + '\n');
} finally {
  gpu.destroy();
}
