/**
 * Per-kernel split of one BPTT training step (784→H→10, feed-forward), to find
 * which kernel dominates. Rebuilds the dispatches src/methods/bptt.ts records,
 * with the same shapes and buffers, and times each alone (own encoder, submit,
 * await onSubmittedWorkDone), median over reps.
 *
 *   npx tsx bench/kernel-split.ts [--configs p:B:H:T,...] [--reps N] [--disable-robustness] [--out FILE]
 *                                 [--propagation event|dense]   (default event)
 *
 * The 'fused' path of bptt() (the default on software adapters) has no separate
 * drive buffers to rebuild this way: bench/bptt-profile.ts profiles it (and any other
 * propagation) from timestamp queries inside the real step.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { describeDevice, requestDevice } from '../src/gpu/device.js';
import { storageBuffer } from '../src/gpu/buffers.js';
import { createNetwork } from '../src/layers/network.js';
import type { NetworkSpec } from '../src/model/network.js';
import { lifParams } from '../src/neurons/lif.js';
import { adamOptimizer, createOptimizer } from '../src/optim/optimizer.js';
import { fastSigmoid } from '../src/surrogates.js';
import type { ClearingDispatch } from '../kernels/kernel.js';
import { matmul } from '../kernels/linear/matmul.js';
import { compact, type SpikeLists } from '../kernels/linear/compact.js';
import { colLists } from '../kernels/linear/col-lists.js';
import { eventForward } from '../kernels/linear/event-forward.js';
import { eventWeightGrad } from '../kernels/linear/event-weight-grad.js';
import { scanForward } from '../kernels/scan/forward.js';
import { scanBackward } from '../kernels/scan/backward.js';
import { lifKernel } from '../src/neurons/lif.js';
import { readoutBackward, readoutForward } from '../kernels/neurons/readout.js';
import { crossEntropy } from '../kernels/loss/cross-entropy.js';

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const configs = opt('--configs', '0.02:32:128:25').split(',').map((c) => c.split(':').map(Number));
const reps = parseInt(opt('--reps', '3'), 10);
const out = opt('--out', 'bench/results/kernel-split.json');
const disableRobustness = args.includes('--disable-robustness');
const propagation = opt('--propagation', 'event');
const event = propagation === 'event';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const round = (x: number) => Math.round(x * 1000) / 1000;

const gpu = await requestDevice({ disableRobustness });
const { device } = gpu;
const results: unknown[] = [];
try {
  for (const [p, B, H, T] of configs) {
    const spec: NetworkSpec = {
      inputs: 784, hidden: [{ size: H, recurrent: false }], outputs: 10,
      neuron: lifParams({ tauSynMs: 5, tauMemMs: 10, detachReset: true }), surrogate: fastSigmoid({ slope: 10 }), readoutReduce: 'max',
    };
    const net = createNetwork(device, spec, { seed: 1, hiddenGain: 0.1 / Math.sqrt(p), readoutGain: 0.2 });
    const optim = createOptimizer(net, adamOptimizer({ lr: 1e-3 }));
    const rows = T * B;
    const O = 10;
    const bufs: GPUBuffer[] = [];
    const buf = (label: string, floats: number) => {
      const b = storageBuffer(device, label, floats * 4);
      bufs.push(b);
      return b;
    };
    const input = buf('input', rows * 784);
    const labels = buf('labels', B);
    const metrics = buf('metrics', 4);
    const stats = buf('stats', 2 * B);
    const membrane = buf('membrane', rows * H);
    const spikes = buf('spikes', rows * H);
    const drive = buf('drive', rows * H);
    const gradSpikes = buf('grad-spikes', rows * H);
    const roDrive = buf('ro-drive', rows * O);
    const voltage = buf('voltage', rows * O);
    const gradVoltage = buf('grad-voltage', rows * O);
    const r = (() => { let s = 7; return () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296); })();
    const x = new Float32Array(rows * 784);
    for (let i = 0; i < x.length; i++) x[i] = r() < p ? 1 : 0;
    device.queue.writeBuffer(input, 0, x);
    device.queue.writeBuffer(labels, 0, Uint32Array.from({ length: B }, () => Math.floor(r() * 10)));
    const np = spec.neuron;
    const ro = { steps: T, batch: B, outputs: O, alpha: np.alpha, beta: np.beta };
    const ce = crossEntropy(device, { voltage, labels, gradVoltage, sampleStats: stats, metrics, steps: T, batch: B, outputs: O, reduce: 'max' });
    const lists = (cols: number, label: string) => {
      const mk = (axis: 'rows' | 'cols'): SpikeLists => ({ counts: buf(`${label}-${axis}-counts`, axis === 'rows' ? rows : cols), index: buf(`${label}-${axis}-index`, rows * cols) });
      return { rows: mk('rows'), cols: mk('cols') };
    };
    const inL = lists(784, 'input');
    const hL = lists(H, 'hidden');
    const kernels: [string, ClearingDispatch][] = [];
    if (event) {
      kernels.push(['fwd compact-rows input', compact(device, { spikes: input, rows, cols: 784, lists: inL.rows })]);
      for (const d of colLists(device, { rowLists: inL.rows, rows, cols: 784, lists: inL.cols })) kernels.push([`fwd ${d.name} input`, d]);
      kernels.push([`fwd event-forward S_in·W1ᵀ (rows=${rows},out=${H},in=784)`, eventForward(device, { spikes: input, rowLists: inL.rows, weights: net.hidden[0].w.weights, drive, rows, outputs: H, inputs: 784 })]);
    } else {
      kernels.push([`fwd matmul transB S_in·W1ᵀ (m=${rows},n=${H},k=784)`, matmul(device, { a: input, b: net.hidden[0].w.weights, c: drive, m: rows, n: H, k: 784, transB: true })]);
    }
    kernels.push(['fwd scan/forward', scanForward(device, { drive, saved: membrane, spikes, steps: T, batch: B, neurons: H, neuron: lifKernel(np) })]);
    if (event) {
      kernels.push(['fwd compact-rows hidden', compact(device, { spikes, rows, cols: H, lists: hL.rows })]);
      for (const d of colLists(device, { rowLists: hL.rows, rows, cols: H, lists: hL.cols })) kernels.push([`fwd ${d.name} hidden`, d]);
      kernels.push([`fwd event-forward S·Woᵀ (rows=${rows},out=10,in=${H})`, eventForward(device, { spikes, rowLists: hL.rows, weights: net.readout.weights, drive: roDrive, rows, outputs: O, inputs: H })]);
    } else {
      kernels.push([`fwd matmul transB S·Woᵀ (m=${rows},n=10,k=${H})`, matmul(device, { a: spikes, b: net.readout.weights, c: roDrive, m: rows, n: O, k: H, transB: true })]);
    }
    kernels.push(

      ['fwd readout-forward', readoutForward(device, { ...ro, drive: roDrive, voltage })],
      ['fwd cross-entropy', ce.loss],
      ['fwd cross-entropy/accumulate', ce.accumulate],
      ['bwd readout-backward', readoutBackward(device, { ...ro, gradVoltage, gradDrive: roDrive })],
      event
        ? [`bwd event-weight-grad dWo (out=10,in=${H},rows=${rows})`, eventWeightGrad(device, { spikes, colLists: hL.cols, gradDrive: roDrive, gradWeights: net.readout.grad, rows, outputs: O, inputs: H })]
        : [`bwd matmul transA dWo (m=10,n=${H},k=${rows})`, matmul(device, { a: roDrive, b: spikes, c: net.readout.grad, m: O, n: H, k: rows, transA: true })],
      [`bwd matmul plain gS (m=${rows},n=${H},k=10)`, matmul(device, { a: roDrive, b: net.readout.weights, c: gradSpikes, m: rows, n: H, k: O })],
      ['bwd scan/backward', scanBackward(device, { saved: membrane, spikes, gradSpikes, gradDrive: drive, steps: T, batch: B, neurons: H, neuron: lifKernel(np), surrogate: spec.surrogate })],
      event
        ? [`bwd event-weight-grad dW1 (out=${H},in=784,rows=${rows})`, eventWeightGrad(device, { spikes: input, colLists: inL.cols, gradDrive: drive, gradWeights: net.hidden[0].w.grad, rows, outputs: H, inputs: 784 })]
        : [`bwd matmul transA dW1 (m=${H},n=784,k=${rows})`, matmul(device, { a: drive, b: input, c: net.hidden[0].w.grad, m: H, n: 784, k: rows, transA: true })],
    );
    const timeOne = async (d: ClearingDispatch) => {
      const t0 = performance.now();
      const enc = device.createCommandEncoder();
      d.clear?.(enc);
      const pass = enc.beginComputePass();
      d.encode(pass);
      pass.end();
      device.queue.submit([enc.finish()]);
      await device.queue.onSubmittedWorkDone();
      return performance.now() - t0;
    };
    const times = new Map<string, number[]>(kernels.map(([n]) => [n, []]));
    for (const [, d] of kernels) await timeOne(d); // warm-up, in step order
    const optTimes: number[] = [];
    for (let i = 0; i < reps; i++) {
      for (const [n, d] of kernels) times.get(n)!.push(await timeOne(d));
      const t0 = performance.now();
      const enc = device.createCommandEncoder();
      optim.encode(enc);
      device.queue.submit([enc.finish()]);
      await device.queue.onSubmittedWorkDone();
      optTimes.push(performance.now() - t0);
    }
    const split = Object.fromEntries([...times].map(([n, t]) => [n, round(median(t))]));
    split['optimizer (grad-norm + adam)'] = round(median(optTimes));
    const total = Object.values(split).reduce((s, v) => s + v, 0);
    const res = { p, B, H, T, robustness: disableRobustness ? 'off' : 'on', propagation, reps, total_ms: round(total), kernels_ms: split };
    results.push(res);
    console.log(JSON.stringify(res));
    for (const [, d] of kernels) d.destroy();
    ce.destroy();
    optim.destroy();
    net.destroy();
    for (const b of bufs) b.destroy();
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ adapter: describeDevice(gpu), node: process.version, date: new Date().toISOString(), results }, null, 2) + '\n');
} finally {
  gpu.destroy();
}
