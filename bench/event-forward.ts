/**
 * Speed of the hybrid event-LIF forward pass of a feed-forward layer
 * (`src/layers/event-lif-forward.ts`, kernel `shaders/neurons/event-lif-forward.wgsl`)
 * on the EventProp MNIST case of papers/003, Table 3: 784-350 hidden layer,
 * τ_mem 20 ms, τ_syn 5 ms, T = 30 ms, grid 0.5 ms, latency-coded digits
 * (t_max 20 ms, dropout 0.2 as in training), Gaussian initial weights.
 *
 * Per batch (median of the repetitions, after one warm-up):
 * - layerMs: `eventLifForward` (upload, kernel, read-back, per-sample sort);
 * - kernelMs: the kernel alone on buffers uploaded once (submit until the
 *   queue is done).
 * Also the largest |t_gpu − t_ref| (ms) against the float64 event-driven
 * reference (`src/reference/event-lif.ts`) over the first `--check` samples.
 * Writes bench/results/event-forward.json.
 *   npx tsx bench/event-forward.ts [--batch 32] [--reps 7] [--grid 0.5] [--check 4]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { requestDevice, describeDevice } from '../src/gpu/device.js';
import { readU32, storageBuffer, uploadBuffer } from '../src/gpu/buffers.js';
import { loadMnistDigits, takeFirst } from '../src/data/node.js';
import { latencyImages } from '../src/train/event-data.js';
import { EVENTPROP_MNIST_CONFIG, eventSpecFromConfig, gaussianEventWeights, networkSpecFromEvent } from '../src/train/event-trainer.js';
import { eventLifForward } from '../src/layers/event-lif-forward.js';
import { eventLifForward as eventLifForwardKernel, inputMajorWeights, packInputEvents, OUT_SPIKE_BYTES } from '../kernels/neurons/event-lif-forward.js';
import { eventForward } from '../src/reference/event-lif.js';

const { values: v } = parseArgs({
  options: {
    batch: { type: 'string', default: '32' },
    reps: { type: 'string', default: '7' },
    grid: { type: 'string', default: '0.5' },
    check: { type: 'string', default: '4' },
  },
});
const B = Number(v.batch);
const reps = Math.max(5, Number(v.reps));
const gridStepMs = Number(v.grid);
const checkSamples = Math.min(B, Number(v.check));

const gpu = await requestDevice({ log: () => {} });
const { device } = gpu;
const digits = await loadMnistDigits();
const ds = latencyImages(takeFirst(digits.train, B), 'mnist/train', { tMaxMs: 20, pDrop: 0.2, seed: 1 });
const input = Array.from({ length: B }, (_, i) => ds.spikes(i, 0));
const config = { ...EVENTPROP_MNIST_CONFIG, output: 'readout' as const };
const espec = eventSpecFromConfig(config, 784, 10);
const weights = gaussianEventWeights(networkSpecFromEvent(espec, 1), config.init, 1);
const capacity = config.capacity;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// the whole layer call
const layerTimes: number[] = [];
let hiddenSpikes = 0;
let result: Awaited<ReturnType<typeof eventLifForward>> | undefined;
for (let r = 0; r <= reps; r++) {
  const t0 = performance.now();
  result = await eventLifForward(device, espec, weights, input, { gridStepMs, capacity, onOverflow: 'grow' });
  if (r > 0) layerTimes.push(performance.now() - t0);
}
hiddenSpikes = result!.layers[0].reduce((n, s) => n + s.length, 0) / B;

// the kernel alone
const sorted = input.map((s) => s.filter((sp) => sp.time <= espec.durationMs).sort((x, y) => x.time - y.time || x.neuron - y.neuron));
const total = sorted.reduce((n, s) => n + s.length, 0);
const { records, offsets } = packInputEvents(sorted, { ...espec, gridStepMs });
const neurons = espec.hidden[0].size;
const kernelCapacity = result!.capacities[0];
const buffers = {
  weights: uploadBuffer(device, 'bench/weights', inputMajorWeights(weights.hidden[0].w, neurons, 784)),
  inSpikes: uploadBuffer(device, 'bench/in-spikes', new Uint32Array(records)),
  inOffsets: uploadBuffer(device, 'bench/in-offsets', offsets),
  outSpikes: storageBuffer(device, 'bench/out-spikes', B * kernelCapacity * OUT_SPIKE_BYTES),
  outCounts: storageBuffer(device, 'bench/out-counts', B * 4),
};
const dispatch = eventLifForwardKernel(device, {
  ...buffers, batch: B, neurons, capacity: kernelCapacity, tauMemMs: espec.tauMemMs, tauSynMs: espec.tauSynMs, threshold: espec.threshold,
});
const kernelTimes: number[] = [];
for (let r = 0; r <= reps; r++) {
  const enc = device.createCommandEncoder({ label: 'bench/event-lif-forward' });
  enc.clearBuffer(buffers.outCounts);
  const pass = enc.beginComputePass({ label: 'bench/event-lif-forward' });
  dispatch.encode(pass);
  pass.end();
  const t0 = performance.now();
  device.queue.submit([enc.finish()]);
  await device.queue.onSubmittedWorkDone();
  if (r > 0) kernelTimes.push(performance.now() - t0);
}
const counts = await readU32(device, buffers.outCounts, B);
dispatch.destroy();
for (const b of Object.values(buffers)) b.destroy();

// accuracy against the float64 reference
let maxErrMs = 0;
let countMismatch = 0;
for (let b = 0; b < checkSamples; b++) {
  const ref = eventForward(espec, weights, input[b]).spikes.filter((s) => s.layer === 0);
  const got = result!.layers[0][b];
  if (ref.length !== got.length) {
    countMismatch++;
    continue;
  }
  const perNeuron = (list: typeof got) => {
    const m = new Map<number, number[]>();
    for (const s of list) (m.get(s.neuron) ?? m.set(s.neuron, []).get(s.neuron)!).push(s.time);
    return m;
  };
  const g = perNeuron(got);
  for (const [n, ts] of perNeuron(ref)) {
    const gs = g.get(n) ?? [];
    if (gs.length !== ts.length) {
      countMismatch++;
      continue;
    }
    ts.forEach((t, i) => (maxErrMs = Math.max(maxErrMs, Math.abs(gs[i] - t))));
  }
}

const out = {
  device: describeDevice(gpu),
  adapter: gpu.adapter,
  case: {
    network: `784-${neurons}`, batch: B, gridStepMs, durationMs: espec.durationMs, tauMemMs: espec.tauMemMs, tauSynMs: espec.tauSynMs,
    inputSpikesPerSample: total / B, hiddenSpikesPerSample: hiddenSpikes, kernelCountsPerSample: counts.reduce((a, c) => a + c, 0) / B,
  },
  reps,
  layerMsPerBatch: median(layerTimes),
  kernelMsPerBatch: median(kernelTimes),
  layerMs: layerTimes.map((t) => +t.toFixed(1)),
  kernelMs: kernelTimes.map((t) => +t.toFixed(1)),
  reference: { samples: checkSamples, maxAbsErrMs: maxErrMs, maxAbsErrOverTauSyn: maxErrMs / espec.tauSynMs, spikeCountMismatches: countMismatch },
  date: new Date().toISOString(),
};
console.log(JSON.stringify(out, null, 2));
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/event-forward.json', import.meta.url), JSON.stringify(out, null, 2) + '\n');
gpu.destroy();
