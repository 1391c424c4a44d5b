/**
 * The event comparison (surrogate BPTT on the discretised network against
 * EventProp on the continuous network): the discrete run's optimizer moves the
 * continuous weights as the configured optimizer would with dL/dW = c·dL/dW̃,
 * and the report's numbers come from the runs: EventProp against itself scores
 * cosine 1, BPTT's cosine is below 1 and its readout gradient approaches
 * EventProp's as Δt shrinks, the initial-weight fidelity equals one computed
 * here from separate gradient calls, a perturbed gradient lowers the cosine,
 * the spikes converge with Δt, and the JSON and the HTML agree.
 */
import { afterAll, expect } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gpuTest, releaseSharedDevice } from './fixture.js';
import { gradientFidelity } from '../../src/compare/metrics.js';
import { runEventComparison } from '../../src/compare/event-runner.js';
import { fmt, headline, parseEmbeddedReport, reportCharts } from '../../src/compare/report.js';
import { writeReport } from '../../src/compare/files.js';
import { yinYang } from '../../src/data/yin-yang.js';
import { createNetwork } from '../../src/layers/network.js';
import { bptt } from '../../src/methods/bptt.js';
import { eventPropGradients } from '../../src/methods/eventprop-gpu.js';
import { sgdOptimizer } from '../../src/optim/optimizer.js';
import { surrogateByName } from '../../src/surrogates.js';
import { readF32 } from '../../src/gpu/buffers.js';
import { yinYangEvents } from '../../src/train/event-data.js';
import { EVENTPROP_MNIST_CONFIG, eventSpecFromConfig, gaussianEventWeights, networkSpecFromEvent, type EventTrainConfig } from '../../src/train/event-trainer.js';
import { discreteBatchInput, discretizeNetwork, trainDiscretized } from '../../src/train/discretized-trainer.js';
import type { NetworkWeights } from '../../src/model/network.js';

afterAll(releaseSharedDevice);

const enc = { tMaxMs: 30, tBiasMs: 0 };
const data = {
  train: yinYangEvents(yinYang({ count: 48, seed: 1 }), 'yy/train', enc),
  test: yinYangEvents(yinYang({ count: 24, seed: 2 }), 'yy/test', enc),
};
const config: EventTrainConfig = {
  ...EVENTPROP_MNIST_CONFIG, output: 'readout', firstSpike: undefined, hidden: [12], durationMs: 45, capacity: 32,
  init: { hidden: [1.5, 0.78], readout: [0.93, 0.1] }, batchSize: 16, epochs: 1,
};
const surrogate = surrogateByName('fast-sigmoid', 10);

/** Surrogate BPTT of the discretisation at continuous weights `w` on samples `idx` of `ds`: dL/dW̃ and the drive factor. */
async function discreteGradient(device: GPUDevice, w: NetworkWeights, dtMs: number, idx: number[], ds = data.test) {
  const espec = eventSpecFromConfig(config, 5, 3);
  const { model, weights } = discretizeNetwork(espec, w, dtMs, surrogate);
  const net = createNetwork(device, model.spec, weights);
  const run = bptt().bind(net, { batch: idx.length, steps: model.steps });
  try {
    device.queue.writeBuffer(run.input, 0, discreteBatchInput(ds, idx, undefined, idx.length, dtMs, model.steps, espec.durationMs));
    device.queue.writeBuffer(run.labels, 0, Uint32Array.from(idx, (i) => ds.labels[i]));
    run.setValid(idx.length);
    const e = device.createCommandEncoder();
    run.encodeForward(e);
    run.encodeBackward(e);
    device.queue.submit([e.finish()]);
    await readF32(device, run.sampleStats, 2);
    return { grad: await net.readGradients(), c: model.drive };
  } finally {
    run.destroy();
    net.destroy();
  }
}

gpuTest('the discretised run moves the continuous weights by −η·c·dL/dW̃ (SGD on W with dL/dW = c·dL/dW̃)', async ({ gpu }) => {
  const one = { train: yinYangEvents(yinYang({ count: 16, seed: 3 }), 'yy/one', enc), test: data.test };
  const c: EventTrainConfig = { ...config, optimizer: sgdOptimizer({ lr: 0.5 }), schedule: 'constant' };
  const espec = eventSpecFromConfig(c, 5, 3);
  const w0 = gaussianEventWeights(networkSpecFromEvent(espec, c.gridStepMs), c.init, c.seed);
  const res = await trainDiscretized(gpu, one, c, { dtMs: 1, surrogate });
  const { grad, c: drive } = await discreteGradient(gpu.device, w0, 1, Array.from({ length: 16 }, (_, i) => i), one.train);
  const pairs: [Float32Array, Float32Array, Float32Array][] = [[w0.hidden[0].w, res.weights.hidden[0].w, grad.hidden[0].w], [w0.readout, res.weights.readout, grad.readout]];
  for (const [before, after, g] of pairs) {
    const scale = Math.max(...Array.from(g, (x) => Math.abs(0.5 * drive * x)));
    expect(scale).toBeGreaterThan(0);
    for (let i = 0; i < before.length; i++) expect(Math.abs(after[i] - (before[i] - 0.5 * drive * g[i]))).toBeLessThan(1e-5 + 1e-3 * scale);
  }
  expect(res.metrics[0].testSpikesPerSample![0]).toBeGreaterThan(0);
});

gpuTest('event compare: report numbers come from the runs, JSON and HTML agree', async ({ gpu, device }) => {
  const dts = [2, 1, 0.5, 0.25];
  const report = await runEventComparison(gpu, {
    config, data, dataName: 'yin-yang (tiny)', dtMs: 1, surrogate: { name: 'fast-sigmoid', slope: 10 },
    probe: { batch: 6 }, fd: { batch: 2, perTensor: 4 }, timingReps: 1,
    sweep: { surrogates: ['fast-sigmoid', 'triangle'], slopes: [10], dts }, convergence: { dts: [1, 0.5, 0.25, 0.125], samples: 2 },
  });
  expect(report.kind).toBe('event');
  const [bp, ep] = report.methods;
  expect(report.methods.map((m) => m.label)).toEqual(['bptt', 'eventprop']);
  for (const m of report.methods) {
    expect(m.epochs.map((e) => e.epoch)).toEqual([1]);
    expect(m.probes.map((p) => p.epoch)).toEqual([0, 1]);
    expect(m.memory.peakAllocatedBytes).toBeGreaterThanOrEqual(m.memory.parameterBytes);
    expect(m.timing[0].totalMs).toBeGreaterThan(0);
    expect(m.epochs[0].testSpikesPerSample).toHaveLength(1);
    for (const p of m.probes) {
      expect(p.vsFiniteDiff!.overall.entries).toBeGreaterThan(0);
      // float64 EventProp is the exact gradient of what the differences measure
      expect(p.referenceVsFiniteDiff!.overall.cosine).toBeGreaterThan(0.999);
    }
  }
  // EventProp against itself (two GPU runs): cosine 1, relative error ~0; against the differences ≈ 1
  for (const p of ep.probes) {
    expect(p.vsExact.overall.cosine).toBeGreaterThan(1 - 1e-6);
    expect(p.vsExact.overall.relError).toBeLessThan(1e-4);
    expect(p.vsFiniteDiff!.overall.cosine).toBeGreaterThan(0.999);
  }
  // BPTT: a surrogate gradient of another (discrete) model: finite, below 1
  for (const p of bp.probes) {
    expect(Number.isFinite(p.vsExact.overall.cosine)).toBe(true);
    expect(p.vsExact.overall.cosine).toBeLessThan(1 - 1e-4);
  }
  // the same continuous initial weights: nearly the same loss at epoch 0
  expect(Math.abs(bp.probes[0].loss - ep.probes[0].loss)).toBeLessThan(0.05);

  // the epoch-0 fidelity equals one computed here from separate gradient calls
  const espec = eventSpecFromConfig(config, 5, 3);
  const w0 = gaussianEventWeights(networkSpecFromEvent(espec, config.gridStepMs), config.init, config.seed);
  const idx = [0, 1, 2, 3, 4, 5];
  const ref = await eventPropGradients(device, espec, w0, idx.map((i) => data.test.spikes(i)), idx.map((i) => data.test.labels[i]), { gridStepMs: config.gridStepMs, capacity: 32, onOverflow: 'grow' });
  const refNamed = [{ name: 'hidden.0.w', data: ref.gradients.hidden[0].w }, { name: 'readout.w', data: ref.gradients.readout }];
  const { grad, c } = await discreteGradient(device, w0, 1, idx);
  const mine = [{ name: 'hidden.0.w', data: Float64Array.from(grad.hidden[0].w, (x) => c * x) }, { name: 'readout.w', data: Float64Array.from(grad.readout, (x) => c * x) }];
  const f = gradientFidelity(mine, refNamed);
  expect(bp.probes[0].vsExact.overall.cosine).toBeCloseTo(f.overall.cosine, 5);
  f.layers.forEach((l, i) => expect(bp.probes[0].vsExact.layers[i].cosine).toBeCloseTo(l.cosine, 5));
  // a perturbed gradient lowers the cosine: EventProp's own plus 30 % noise of its size, orthogonalised
  const perturbed = refNamed.map((t) => {
    const d = Float64Array.from(t.data, (_, i) => Math.sin(12.9898 * i + 4.1));
    const proj = d.reduce((s, x, i) => s + x * t.data[i], 0) / t.data.reduce((s, x) => s + x * x, 0);
    const dd = d.map((x, i) => x - proj * t.data[i]);
    const k = (0.3 * Math.hypot(...t.data)) / Math.hypot(...dd);
    return { name: t.name, data: t.data.map((x, i) => x + k * dd[i]) };
  });
  expect(gradientFidelity(refNamed, refNamed).overall.cosine).toBeCloseTo(1, 12);
  expect(gradientFidelity(perturbed, refNamed).overall.cosine).toBeCloseTo(1 / Math.sqrt(1 + 0.09), 6);

  // Δt sweep: the readout gradient approaches EventProp's as Δt shrinks; the whole gradient stays below 1
  const sweepDt = report.sweep!.dts;
  expect(sweepDt.map((p) => p.dtMs)).toEqual(dts);
  expect(sweepDt.map((p) => p.steps)).toEqual([23, 46, 91, 181]);
  const readout = sweepDt.map((p) => p.vsDefault.layers.find((l) => l.param === 'readout.w')!.cosine);
  expect(readout[readout.length - 1]).toBeGreaterThan(readout[0]);
  expect(readout[readout.length - 1]).toBeGreaterThan(0.99);
  for (const p of [...sweepDt, ...report.sweep!.surrogates]) {
    expect(Number.isFinite(p.vsDefault.overall.cosine)).toBe(true);
    expect(p.vsDefault.overall.cosine).toBeLessThan(1);
  }
  // spikes of the discretisation converge to the continuous ones
  const conv = report.convergence!;
  expect(conv.skipped).toBeUndefined();
  expect(conv.points.map((p) => p.steps)).toEqual([46, 91, 181, 361]);
  for (const p of conv.points) expect(p.matched + p.missing).toBe(p.continuousSpikes);
  expect(conv.points[0].continuousSpikes).toBeGreaterThan(0);
  expect(conv.points[3].meanError).toBeLessThan(conv.points[0].meanError);
  expect(conv.points[3].readoutMaxError).toBeLessThan(conv.points[0].readoutMaxError);

  const dir = await mkdtemp(join(tmpdir(), 'webspike-compare-event-'));
  try {
    const files = await writeReport(report, dir);
    const json = JSON.parse(await readFile(files.json, 'utf8'));
    const html = await readFile(files.html, 'utf8');
    expect(json).toEqual(JSON.parse(JSON.stringify(report)));
    expect(parseEmbeddedReport(html)).toEqual(json);
    expect(html).toContain('<th>cosine vs EventProp</th>');
    expect(html).toContain('<h2>Continuous network and its discretisation</h2>');
    for (const m of json.methods) {
      const x = headline(m);
      for (const v of [x.testAccuracy, x.secondsPerEpoch, x.msPerStep, x.cosineVsExact, x.relErrorVsExact, x.cosineVsFiniteDiff]) expect(html).toContain(`<td>${fmt(v)}</td>`);
      for (const e of m.epochs) expect(html).toContain(`<td>${fmt(e.testLoss)}</td>`);
    }
    for (const p of json.sweep.dts) expect(html).toContain(`<td>${fmt(p.vsDefault.overall.cosine)}</td>`);
    for (const p of json.convergence.points) expect(html).toContain(`<td>${fmt(p.meanError)}</td>`);
    for (const ch of reportCharts(report)) expect(html.split(`id="${ch.id}"`).length, ch.id).toBe(2);
    expect(html).not.toMatch(/<(link|img)\b|src="http/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
