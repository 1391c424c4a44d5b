/**
 * `compare`: the report's numbers come from the runs. Gradient fidelity metrics
 * (self-cosine 1, a perpendicular perturbation of relative size ε gives relative
 * error ε and cosine 1/√(1+ε²)), exact forward mode scoring 1 against BPTT,
 * the JSON and the HTML agreeing, and the per-method training curves equal to a
 * separate train() with the same settings.
 */
import { afterAll, expect } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gpuTest, releaseSharedDevice } from './fixture.js';
import { cosineSimilarity, gradientFidelity, relativeError } from '../../src/compare/metrics.js';
import { runComparison } from '../../src/compare/runner.js';
import { fmt, headline, parseEmbeddedReport, reportCharts } from '../../src/compare/report.js';
import { writeReport } from '../../src/compare/files.js';
import { DEFAULT_TRAIN_CONFIG, train, type TrainConfig } from '../../src/train/trainer.js';
import { createNetwork } from '../../src/layers/network.js';
import { bptt } from '../../src/methods/bptt.js';
import { initWeights, parameterShapes, weightList } from '../../src/model/network.js';
import { specFromConfig } from '../../src/train/trainer.js';
import { adamOptimizer } from '../../src/optim/optimizer.js';
import type { ImageDataset } from '../../src/data/dataset.js';

afterAll(releaseSharedDevice);

/** 4×4 images of 3 classes: a bright row per class plus seeded noise. */
function toyImages(count: number, seed: number): ImageDataset {
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const images = new Uint8Array(count * 16);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const c = i % 3;
    labels[i] = c;
    for (let j = 0; j < 16; j++) images[i * 16 + j] = Math.floor(rnd() * 60) + (Math.floor(j / 4) === c ? 190 : 0);
  }
  return { name: 'toy', images, labels, count, rows: 4, cols: 4, classes: 3 };
}

const config: TrainConfig = {
  ...DEFAULT_TRAIN_CONFIG, hidden: [8], steps: 8, batchSize: 8, epochs: 2, encoder: { kind: 'poisson', rate: 0.5 },
  optimizer: adamOptimizer({ lr: 1e-2 }), initGain: 3, readoutGain: 1, schedule: 'constant',
};
const data = { train: toyImages(24, 1), test: toyImages(12, 2) };

gpuTest('fidelity metrics: self-cosine 1, a perpendicular perturbation of size ε gives rel. error ε and cosine 1/√(1+ε²)', async ({ device }) => {
  // a real gradient: GPU surrogate BPTT of the toy network on one batch
  const spec = specFromConfig(config, 16, 3);
  const net = createNetwork(device, spec, initWeights(spec, { seed: 1, hiddenGain: 3 }));
  const run = bptt().bind(net, { batch: 4, steps: 8 });
  const input = Float32Array.from({ length: 8 * 4 * 16 }, (_, i) => ((i * 2654435761) >>> 0) % 5 === 0 ? 1 : 0);
  device.queue.writeBuffer(run.input, 0, input);
  device.queue.writeBuffer(run.labels, 0, Uint32Array.from([0, 1, 2, 0]));
  const enc = device.createCommandEncoder();
  run.encodeForward(enc);
  run.encodeBackward(enc);
  device.queue.submit([enc.finish()]);
  const list = weightList(spec, await net.readGradients());
  run.destroy();
  net.destroy();
  const g = parameterShapes(spec).map((p, i) => ({ name: p.name, data: Float64Array.from(list[i]) }));
  const self = gradientFidelity(g, g);
  for (const l of [...self.layers, self.overall]) {
    expect(l.norm).toBeGreaterThan(0);
    expect(l.cosine).toBeCloseTo(1, 12);
    expect(l.relError).toBe(0);
  }
  // g' = g + ε·d per tensor, d ⟂ g with ‖d‖ = ‖g‖
  const eps = 0.5;
  const perturbed = g.map((t) => {
    const r = Float64Array.from(t.data, (_, i) => Math.sin(7.1 * i + 1));
    const proj = r.reduce((s, x, i) => s + x * t.data[i], 0) / t.data.reduce((s, x) => s + x * x, 0);
    const d = r.map((x, i) => x - proj * t.data[i]);
    const scale = Math.hypot(...t.data) / Math.hypot(...d);
    return { name: t.name, data: t.data.map((x, i) => x + eps * scale * d[i]) };
  });
  const f = gradientFidelity(perturbed, g);
  for (const l of [...f.layers, f.overall]) {
    expect(l.cosine).toBeCloseTo(1 / Math.sqrt(1 + eps * eps), 10);
    expect(l.relError).toBeCloseTo(eps, 10);
  }
  expect(cosineSimilarity([1, 0], [-1, 0])).toBe(-1);
  expect(relativeError([2, 0], [1, 0])).toBe(1);
});

gpuTest('compare: report numbers come from the runs, JSON and HTML agree', async ({ gpu }) => {
  const report = await runComparison(gpu, {
    methods: [{ name: 'bptt' }, { name: 'rtrl' }, { name: 'eligibility' }, { name: 'eligibility', signal: 'feedback-alignment' }], config, data, dataName: 'toy',
    probe: { batch: 6 }, fd: { batch: 2, perTensor: 6 }, timingReps: 1,
    sweep: { surrogates: ['fast-sigmoid', 'triangle'], slopes: [5, 10], dts: [0.5, 1] },
    convergence: { samples: 2, dts: [1, 0.5, 0.25, 0.125] },
  });
  const [bp, rt, el, fa] = report.methods;
  expect(report.methods.map((m) => m.label)).toEqual(['bptt', 'rtrl', 'eligibility', 'eligibility/feedback-alignment']);
  for (const m of report.methods) {
    expect(m.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(m.probes.map((p) => p.epoch)).toEqual([0, 1, 2]);
    expect(m.memory.peakAllocatedBytes).toBeGreaterThanOrEqual(m.memory.parameterBytes);
    expect(m.timing.some((t) => t.source === 'queue' && t.totalMs > 0)).toBe(true);
    for (const p of m.probes) {
      expect(p.spikesPerSample).toHaveLength(1);
      expect(p.vsFiniteDiff!.overall.entries).toBe(12);
      // the smooth-model BPTT is the exact gradient of what the differences measure
      expect(p.smoothReferenceVsFiniteDiff!.overall.cosine).toBeGreaterThan(0.999);
    }
  }
  // the same initial weights: identical probes at epoch 0 (loss, spikes)
  expect(rt.probes[0].spikesPerSample).toEqual(bp.probes[0].spikesPerSample);
  expect(el.probes[0].spikesPerSample).toEqual(bp.probes[0].spikesPerSample);
  // BPTT against itself and exact forward mode against BPTT: cosine 1, rel. error ~0
  for (const p of [...bp.probes, ...rt.probes]) {
    expect(p.vsExact.overall.cosine).toBeGreaterThan(1 - 1e-6);
    expect(p.vsExact.overall.relError).toBeLessThan(1e-3);
  }
  // traces drop terms: below 1 at initialization
  expect(el.probes[0].vsExact.overall.cosine).toBeLessThan(bp.probes[0].vsExact.overall.cosine);
  // random feedback weights: the hidden layer's gradient is further from BPTT than with symmetric feedback; the readout's is the same
  expect(fa.probes[0].vsExact.layers[0].cosine).toBeLessThan(el.probes[0].vsExact.layers[0].cosine);
  expect(fa.probes[0].vsExact.layers[1].cosine).toBeCloseTo(el.probes[0].vsExact.layers[1].cosine, 5);
  // rtrl stores sensitivities (|θ|-sized), BPTT stores T·B·N states, traces O(B·(inputs + neurons))
  expect(rt.memory.storedBytes).toBeGreaterThan(el.memory.storedBytes);
  // sweeps: the configured surrogate/Δt scores 1 against itself
  const same = report.sweep!.surrogates.find((p) => p.surrogate === 'fast-sigmoid' && p.slope === 10)!;
  expect(same.vsDefault.overall.cosine).toBeCloseTo(1, 5);
  const dt1 = report.sweep!.dts.find((p) => p.dtMs === 1)!;
  expect(dt1.vsDefault.overall.cosine).toBeCloseTo(1, 5);
  expect(report.sweep!.dts.find((p) => p.dtMs === 0.5)!.steps).toBe(16);
  const tri = report.sweep!.surrogates.find((p) => p.surrogate === 'triangle' && p.slope === 5)!;
  expect(tri.vsDefault.overall.cosine).toBeLessThan(1 - 1e-4);
  // Δt convergence: the continuous twin of bptt's final network, discretised at Δt0 = 1 ms, 0.5, 0.25, 0.125
  const conv = report.convergence!;
  expect(conv.skipped).toBeUndefined();
  expect(conv.points.map((p) => [p.dtMs, p.steps])).toEqual([[1, 8], [0.5, 15], [0.25, 29], [0.125, 57]]);
  expect(conv.tauMemMs).toBeCloseTo(10, 9);
  expect(conv.points[0].continuousSpikes).toBeGreaterThan(0);
  for (const p of conv.points) expect(p.matched + p.missing).toBe(p.continuousSpikes);

  // the per-method training curves equal those of a separate train() with the same settings
  const own = await train(gpu, data, config, { method: bptt() });
  own.metrics.forEach((m, i) => {
    expect(bp.epochs[i].loss).toBeCloseTo(m.loss, 5);
    expect(bp.epochs[i].testAccuracy).toBeCloseTo(m.testAccuracy, 6);
  });

  const dir = await mkdtemp(join(tmpdir(), 'webspike-compare-'));
  try {
    const files = await writeReport(report, dir);
    const json = JSON.parse(await readFile(files.json, 'utf8'));
    const html = await readFile(files.html, 'utf8');
    expect(json).toEqual(JSON.parse(JSON.stringify(report)));
    expect(parseEmbeddedReport(html)).toEqual(json);
    // the summary table shows the JSON's numbers
    for (const m of json.methods) {
      const x = headline(m);
      for (const v of [x.testAccuracy, x.secondsPerEpoch, x.cosineVsExact, x.relErrorVsExact, x.cosineVsFiniteDiff]) expect(html).toContain(`<td>${fmt(v)}</td>`);
      for (const e of m.epochs) expect(html).toContain(`<td>${fmt(e.testLoss)}</td>`);
    }
    for (const c of reportCharts(report)) expect(html.split(`id="${c.id}"`).length, c.id).toBe(2);
    expect(reportCharts(report).map((c) => c.id)).toContain('convergence-error');
    expect(html).toContain('<h2>Δt convergence</h2>');
    for (const p of json.convergence.points) expect(html).toContain(`<td>${fmt(p.meanError)}</td>`);
    expect(html).not.toMatch(/<(link|img)\b|src="http/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

gpuTest('compare on ALIF layers: rtrl equals BPTT, the Δt sweep rebuilds the layer model, the convergence study says why it is skipped', async ({ gpu }) => {
  const alif: TrainConfig = { ...config, neuronKind: 'alif', neuron: { ...config.neuron, tauAdaptMs: 20, adaptation: 0.5 }, epochs: 1 };
  const report = await runComparison(gpu, {
    methods: [{ name: 'bptt' }, { name: 'rtrl' }, { name: 'eligibility' }], config: alif, data, dataName: 'toy',
    probe: { batch: 6 }, fd: { batch: 2, perTensor: 4 }, timingReps: 1,
    sweep: { surrogates: ['fast-sigmoid'], slopes: [10], dts: [0.5, 1] }, convergence: { samples: 2, dts: [1, 0.5] },
  });
  const [bp, rt, el] = report.methods;
  expect(bp.probes[0].spikesPerSample[0]).toBeGreaterThan(0);
  for (const p of rt.probes) expect(p.vsExact.overall.cosine).toBeGreaterThan(1 - 1e-6);
  expect(el.probes[0].vsExact.overall.cosine).toBeGreaterThan(0);
  // Δt = 1 is the configured network; Δt = 0.5 changes the ALIF decays (α, β, ρ) and so the gradient
  expect(report.sweep!.dts.find((p) => p.dtMs === 1)!.vsDefault.overall.cosine).toBeCloseTo(1, 5);
  expect(report.sweep!.dts.find((p) => p.dtMs === 0.5)!.vsDefault.overall.cosine).toBeLessThan(1 - 1e-4);
  expect(report.convergence!.skipped).toMatch(/hidden layer 0 is 'alif': the continuous-time twin exists for LIF layers only/);
});
