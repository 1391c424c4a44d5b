/**
 * GPU memory of an EventProp gradient computation (forward + adjoint, src/methods/eventprop-gpu.ts)
 * against the number of grid steps of its crossing scan, at the same spikes: the same
 * network (784-350-10, Table 3 MNIST initialisation) and the same latency-coded MNIST
 * digits, simulated for T = 30 ms on grids of 1, 0.25 and 0.0625 ms (30, 120 and 480
 * grid steps: × 4 each). The spike times do not depend on the grid, so the spike
 * counts agree, and so should the bytes: the event method stores per spike
 * (time, current, neuron) and per-sample gradient rows, nothing per grid step.
 * For contrast, the stored state of surrogate BPTT on the discretised network with
 * Δt = grid step (`bptt().bind(...).stored()`, input spikes included) is listed too.
 *
 * Counted: every GPU buffer created during the call (`device.createBuffer` is
 * wrapped): bytes allocated in total and the peak of live bytes (buffers destroyed
 * are subtracted). Readback staging buffers are included.
 * Writes bench/results/eventprop-memory.json.
 *   npx tsx bench/eventprop-memory.ts [--batch 16] [--grids 1,0.25,0.0625]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { requestDevice, describeDevice } from '../src/gpu/device.js';
import { loadMnistDigits, takeFirst } from '../src/data/node.js';
import { latencyImages } from '../src/train/event-data.js';
import { EVENTPROP_MNIST_CONFIG, eventSpecFromConfig, gaussianEventWeights, networkSpecFromEvent } from '../src/train/event-trainer.js';
import { eventPropGradients } from '../src/methods/eventprop-gpu.js';
import { createNetwork } from '../src/layers/network.js';
import { bptt } from '../src/methods/bptt.js';
import { trackAllocations } from '../src/gpu/allocations.js';

const { values: v } = parseArgs({ options: { batch: { type: 'string', default: '16' }, grids: { type: 'string', default: '1,0.25,0.0625' }, hidden: { type: 'string', default: '350' } } });
const B = Number(v.batch);
const grids = v.grids!.split(',').map(Number);
const H = Number(v.hidden);

const gpu = await requestDevice({ log: () => {} });
const { device } = gpu;
const digits = await loadMnistDigits();
const ds = latencyImages(takeFirst(digits.train, B), 'mnist/train', { tMaxMs: 20, pDrop: 0, seed: 1 });
const spikes = Array.from({ length: B }, (_, i) => ds.spikes(i));
const labels = Array.from({ length: B }, (_, i) => ds.labels[i]);
const config = { ...EVENTPROP_MNIST_CONFIG, hidden: [H] };
const espec = eventSpecFromConfig(config, 784, 10);
const weights = gaussianEventWeights(networkSpecFromEvent(espec, 1), config.init, 1);

const results: Record<string, unknown>[] = [];
for (const grid of grids) {
  const gridSteps = Math.round(espec.durationMs / grid);
  const m = await trackAllocations(device, () => eventPropGradients(device, espec, weights, spikes, labels, { gridStepMs: grid, capacity: 1024, onOverflow: 'grow' }));
  const hiddenSpikes = m.result.layers[0].reduce((a, s) => a + s.length, 0);
  // BPTT on the discretised network with Δt = grid: what it stores for its backward pass
  const dspec = networkSpecFromEvent(espec, grid);
  const net = createNetwork(device, dspec, { seed: 1 });
  const run = bptt().bind(net, { batch: B, steps: gridSteps + 1 });
  const bpttStored = run.stored().totalBytes;
  run.destroy();
  net.destroy();
  const entry = {
    gridStepMs: grid, gridSteps, inputSpikes: spikes.reduce((a, s) => a + s.length, 0), hiddenSpikes,
    loss: m.result.loss, eventPropTotalBytes: m.totalBytes, eventPropPeakBytes: m.peakBytes, eventPropBuffers: m.count,
    bpttStoredBytes: bpttStored,
  };
  results.push(entry);
  console.log(JSON.stringify(entry));
}
gpu.destroy();
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/eventprop-memory.json', import.meta.url), JSON.stringify({
  device: describeDevice(gpu),
  network: `784-${H}-10 continuous-time LIF, readout max-voltage loss (eq. 4), Table 3 MNIST initialisation, T = ${espec.durationMs} ms`,
  data: `first ${B} mnist-package training digits, latency code t_max 20 ms, no dropout`,
  batch: B,
  note: 'eventProp*: every GPU buffer created during one eventPropGradients call (forward, readout maxima, adjoint, batch sums, readback staging); bpttStoredBytes: what surrogate BPTT stores for its backward pass on the discretised network with Δt = grid step',
  results,
}, null, 2) + '\n');
