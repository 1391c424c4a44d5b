/**
 * GPU memory of one training step with factorized eligibility traces versus
 * surrogate BPTT as the sequence grows: T = 100, 1,000, 10,000 steps, a small
 * network (100 inputs, 64 recurrent hidden, 10 outputs, batch 16, Poisson input
 * encoded on the GPU). Each run goes through the trainer (`train`) on a synthetic
 * 10×10 image set, and every GPU buffer created from the network's creation to
 * the end of the step is counted: network (weights, gradients), method (states,
 * traces or stored history), input spikes, optimizer, sample indices and encoder
 * uniforms. Not counted: the data set's pixels (`datasetBytes`, the same for every
 * T) and the transient readback buffers. The traces read their input in windows
 * of `inputWindow` steps (encoded just before each window runs, in the forward
 * pass and again in the replay), BPTT reads it whole.
 * BPTT is only allocated (training stops before its first step); one eligibility
 * training step (forward + traces + optimizer) is run and timed at every T up to
 * `--run-max-steps` (default 10,000), above that it is only allocated.
 * Writes bench/results/trace-memory.json (after every entry).
 *   npx tsx bench/trace-memory.ts [--run-max-steps 1000]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { requestDevice, describeDevice } from '../src/gpu/device.js';
import { bptt } from '../src/methods/bptt.js';
import { eligibility } from '../src/methods/eligibility.js';
import type { GradientMethod } from '../src/methods/method.js';
import { adamOptimizer } from '../src/optim/optimizer.js';
import { createRng } from '../src/reference/random.js';
import { DEFAULT_TRAIN_CONFIG, train, type TrainConfig } from '../src/train/trainer.js';
import type { ImageDataset } from '../src/data/dataset.js';

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const runMaxSteps = Number(arg('--run-max-steps') ?? 10000);
const B = 16;
const INPUT_WINDOW = 16;

const gpu = await requestDevice({ log: () => {} });
const { device } = gpu;
const rng = createRng(1);
const images = (count: number, name: string): ImageDataset => ({
  name, rows: 10, cols: 10, classes: 10, count,
  images: Uint8Array.from({ length: count * 100 }, () => (rng.uniform(0, 1) < 0.5 ? 0 : Math.floor(rng.uniform(0, 256)))),
  labels: Uint8Array.from({ length: count }, (_, i) => i % 10),
});
// two training batches: the run is stopped after the first
const data = { train: images(2 * B, 'synthetic-train'), test: images(B, 'synthetic-test') };

interface Created { label: string; size: number; usage: number }
const results: Record<string, unknown>[] = [];
const write = () => {
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('./results/trace-memory.json', import.meta.url), JSON.stringify({
    device: describeDevice(gpu),
    network: '100-64r-10, mean readout, Poisson input (rate 0.3), Adam',
    batch: B,
    inputWindow: INPUT_WINDOW,
    note: 'stepBytes: every GPU buffer created for a training step (network weights and gradients, method states, input spikes, optimizer slots, sample indices, kernel uniforms); otherBytes = stepBytes − inputBytes − methodBytesWithoutInput; data set pixels (datasetBytes) and readback buffers not counted',
    results,
  }, null, 2) + '\n');
};

for (const T of [100, 1000, 10000]) {
  for (const [name, method] of [['bptt', bptt()], ['eligibility', eligibility({ signal: 'symmetric' })]] as [string, GradientMethod][]) {
    const run = name === 'eligibility' && T <= runMaxSteps;
    const config: TrainConfig = {
      ...DEFAULT_TRAIN_CONFIG, hidden: [64], recurrent: true, steps: T, batchSize: B, epochs: 1,
      encoder: { kind: 'poisson', rate: 0.3 }, optimizer: adamOptimizer({ lr: 1e-3 }), schedule: 'constant',
    };
    const created: Created[] = [];
    const original = device.createBuffer;
    device.createBuffer = function (this: GPUDevice, d: GPUBufferDescriptor) {
      created.push({ label: d.label ?? '', size: d.size, usage: d.usage });
      return original.call(this, d);
    } as typeof device.createBuffer;
    const stop = new AbortController();
    if (!run) stop.abort(); // allocate only: training stops before its first step
    let step: { seconds: number; loss: number } | undefined;
    let result;
    try {
      result = await train(gpu, data, config, {
        method, inputWindow: INPUT_WINDOW, signal: stop.signal, progressEvery: 1,
        onProgress: (p) => {
          step = { seconds: p.seconds, loss: p.loss };
          stop.abort();
        },
      });
    } finally {
      device.createBuffer = original;
    }
    const readback = (c: Created) => (c.usage & GPUBufferUsage.MAP_READ) !== 0;
    const dataset = (c: Created) => c.label.startsWith('data/');
    const input = (c: Created) => c.label.endsWith('/input-spikes');
    const counted = created.filter((c) => !readback(c) && !dataset(c));
    const sum = (list: Created[]) => list.reduce((s, c) => s + c.size, 0);
    const byPrefix = (prefix: string) => sum(counted.filter((c) => c.label.startsWith(prefix) && !input(c)));
    const entry: Record<string, unknown> = {
      method: name, steps: T, batch: B, inputRows: Math.round(sum(counted.filter(input)) / (B * 100 * 4)),
      stepBytes: sum(counted),
      inputBytes: sum(counted.filter(input)),
      methodBytesWithoutInput: byPrefix(`${name}/`),
      otherBytes: sum(counted) - sum(counted.filter(input)) - byPrefix(`${name}/`),
      datasetBytes: sum(created.filter(dataset)),
      ran: run,
    };
    if (run) {
      entry.stepSeconds = step?.seconds;
      entry.loss = step?.loss;
      entry.weightsFinite = [result.weights.hidden[0].w, result.weights.hidden[0].v!, result.weights.readout].every((a) => a.every(Number.isFinite));
    }
    console.log(JSON.stringify(entry));
    results.push(entry);
    write();
  }
}
gpu.destroy();
