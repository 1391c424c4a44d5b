/**
 * The forward-mode methods through the command line and the trainer:
 * `webspike grad --method rtrl | eligibility` on a checkpoint and a batch file
 * equal the float64 reference (BPTT for rtrl, the factorized traces for
 * eligibility, sequence and online), and a training run with online
 * eligibility updates, its input encoded in windows, equals the run with the
 * whole input encoded at once and resumes from a checkpoint to the same weights
 * as an uninterrupted run.
 */
import { afterAll, describe, expect } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gpuTest, releaseSharedDevice } from './fixture.js';
import { saveCheckpoint, loadCheckpoint } from '../../src/train/checkpoint.js';
import { lifParams } from '../../src/neurons/lif.js';
import { surrogateByName } from '../../src/surrogates.js';
import type { NetworkSpec } from '../../src/model/network.js';
import { randomNetwork, randomSpikes } from '../../src/reference/random.js';
import { referenceBackward, referenceForward } from '../../src/reference/lif-network.js';
import { referenceEligibility, type ForwardModeGradients } from '../../src/reference/forward-mode.js';
import { feedbackMatrices } from '../../src/methods/eligibility.js';
import { loadMnistDigits, takeFirst } from '../../src/data/node.js';
import { DEFAULT_TRAIN_CONFIG, train, type TrainConfig } from '../../src/train/trainer.js';
import { eligibility } from '../../src/methods/eligibility.js';
import { adamOptimizer } from '../../src/optim/optimizer.js';
import { CLI_ARGS } from '../helpers/cli.js';

afterAll(releaseSharedDevice);
const exec = promisify(execFile);

const spec: NetworkSpec = {
  inputs: 10, hidden: [{ size: 8, recurrent: true }], outputs: 3,
  neuron: lifParams({ reset: 'subtract' }), surrogate: surrogateByName('fast-sigmoid', 5), readoutReduce: 'mean',
};
const T = 12;
const B = 3;
const labels = [2, 0, 1];
const weights = randomNetwork(spec, 11, { gain: 3 });
const spikes = randomSpikes(T, B, spec.inputs, 0.35, 12);
const NAMES = ['hidden.0.w', 'hidden.0.v', 'readout.w'] as const;

async function gradCli(args: string[]) {
  const dir = mkdtempSync(join(tmpdir(), 'webspike-grad-fm-'));
  const model = join(dir, 'model.json');
  await saveCheckpoint(model, { spec, weights });
  const batchFile = join(dir, 'batch.json');
  writeFileSync(batchFile, JSON.stringify({ steps: T, batch: B, inputs: spec.inputs, spikes: Array.from(spikes), labels }));
  const out = join(dir, 'grads.json');
  await exec(process.execPath, [...CLI_ARGS, 'grad', '--model', model, '--batch', batchFile, '--out', out, ...args]);
  return JSON.parse(readFileSync(out, 'utf8')) as { method: string; loss: number; gradients: Record<string, { shape: number[]; data: number[] }> };
}

const asTensors = (g: ForwardModeGradients) => ({ 'hidden.0.w': g.hidden[0].w, 'hidden.0.v': g.hidden[0].v!, 'readout.w': g.readout });

function expectClose(report: { gradients: Record<string, { data: number[] }> }, want: Record<string, ArrayLike<number>>) {
  for (const name of NAMES) {
    const got = report.gradients[name].data;
    const w = Array.from(want[name]);
    expect(got).toHaveLength(w.length);
    const scale = Math.max(...w.map(Math.abs));
    expect(scale).toBeGreaterThan(0);
    got.forEach((x, i) => expect(Math.abs(x - w[i])).toBeLessThanOrEqual(2e-4 * scale));
  }
}

describe('webspike grad with the forward-mode methods', () => {
  const ref = referenceForward(spec, weights, spikes, T, B, labels);

  gpuTest('--method rtrl equals the reference BPTT gradient', async () => {
    expect(ref.layers[0].S.reduce((s, x) => s + x, 0)).toBeGreaterThan(5);
    const report = await gradCli(['--method', 'rtrl']);
    expect(report.method).toBe('rtrl');
    expect(report.loss).toBeCloseTo(ref.loss, 5);
    const g = referenceBackward(spec, weights, ref, spikes, T, B, labels);
    expectClose(report, { 'hidden.0.w': g.hidden[0].w, 'hidden.0.v': g.hidden[0].v!, 'readout.w': g.readout });
  });

  gpuTest('--method eligibility --signal symmetric equals the reference traces', async () => {
    const report = await gradCli(['--method', 'eligibility', '--signal', 'symmetric']);
    expect(report.method).toBe('eligibility');
    expect(report.loss).toBeCloseTo(ref.loss, 5);
    const want = referenceEligibility(spec, weights, spikes, T, B, labels, { signal: 'symmetric' });
    expect(want.gradients).toHaveLength(1);
    expectClose(report, asTensors(want.gradients[0]));
  });

  gpuTest('--method bptt --propagation event|dense: the recurrent scans give the reference BPTT gradient', async () => {
    const g = referenceBackward(spec, weights, ref, spikes, T, B, labels);
    for (const propagation of ['event', 'dense']) {
      const report = await gradCli(['--method', 'bptt', '--propagation', propagation]);
      expect(report.loss).toBeCloseTo(ref.loss, 5);
      expectClose(report, { 'hidden.0.w': g.hidden[0].w, 'hidden.0.v': g.hidden[0].v!, 'readout.w': g.readout });
    }
    const unknown = await exec(process.execPath, [...CLI_ARGS, 'grad', '--model', 'x.json', '--batch', 'y.json', '--propagation', 'sideways']).catch((e) => e);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/unknown propagation 'sideways' \(available: auto, fused, adaptive, event, dense\)/);
    const other = await exec(process.execPath, [...CLI_ARGS, 'grad', '--model', 'x.json', '--batch', 'y.json', '--method', 'rtrl', '--propagation', 'dense']).catch((e) => e);
    expect(other.stderr).toMatch(/--propagation applies to --method bptt only, not 'rtrl'/);
    // a recurrent layer cannot take the fused scans, and says so
    const fused = await gradCli(['--method', 'bptt', '--propagation', 'fused']).catch((e) => e);
    expect(fused.stderr).toMatch(/propagation 'fused' needs feed-forward hidden layers/);
  });

  gpuTest('--update-every k gives the sum of the online chunk gradients (weights held fixed)', async () => {
    const report = await gradCli(['--method', 'eligibility', '--signal', 'feedback-alignment', '--update-every', '5']);
    const want = referenceEligibility(spec, weights, spikes, T, B, labels, {
      signal: 'feedback-alignment', feedback: feedbackMatrices(spec, 'feedback-alignment'), updateEvery: 5,
    });
    expect(want.gradients).toHaveLength(3);
    const sum = asTensors(want.gradients[0]);
    for (const g of want.gradients.slice(1)) {
      const t = asTensors(g);
      for (const name of NAMES) sum[name].forEach((_, i) => (sum[name][i] += t[name][i]));
    }
    expectClose(report, sum);
    const failed = await exec(process.execPath, [...CLI_ARGS, 'grad', '--model', 'x.json', '--batch', 'y.json', '--method', 'rtrl', '--signal', 'direct']).catch((e) => e);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/--signal applies to --method eligibility only, not 'rtrl'/);
  });
});

describe('training with online eligibility updates', () => {
  gpuTest('a checkpoint resumes an eligibility({ updateEvery }) run exactly', async ({ gpu }) => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'webspike-test-cache-'));
    const { train: tr, test } = await loadMnistDigits({ cacheDir });
    const data = { train: takeFirst(tr, 256), test: takeFirst(test, 64) };
    const config: TrainConfig = {
      ...DEFAULT_TRAIN_CONFIG,
      hidden: [24], recurrent: true, steps: 8, batchSize: 32, epochs: 2, optimizer: adamOptimizer({ lr: 5e-3 }), schedule: 'cosine',
    };
    const method = () => eligibility({ signal: 'symmetric', updateEvery: 3 });
    // input encoded 5 steps at a time (windows [0,5), [5,8); chunks [3,6) and [6,8) start inside them)
    const inputWindow = 5;
    const straight = await train(gpu, data, config, { method: method(), inputWindow });
    // the same run with all 8 steps encoded at once
    const whole = await train(gpu, data, config, { method: method(), inputWindow: 8 });
    expect(Array.from(straight.weights.hidden[0].w)).toEqual(Array.from(whole.weights.hidden[0].w));
    expect(Array.from(straight.weights.readout)).toEqual(Array.from(whole.weights.readout));
    const scores = (r: typeof whole) => r.metrics.map((m) => [m.loss, m.trainAccuracy, m.testLoss, m.testAccuracy]);
    expect(scores(straight)).toEqual(scores(whole));
    const path = join(mkdtempSync(join(tmpdir(), 'webspike-ckpt-el-')), 'run.json');
    await train(gpu, data, config, { method: method(), checkpointPath: path, maxEpochs: 1, inputWindow });
    const saved = await loadCheckpoint(path);
    expect(saved.training?.epoch).toBe(1);
    // 8 batches of 32, 3 chunks (3 + 3 + 2 steps) each: one optimizer update per chunk
    expect(saved.optimizer?.updates).toBe(8 * 3);
    const resumed = await train(gpu, data, config, { method: method(), resume: saved, inputWindow });
    expect(resumed.metrics.map((m) => m.epoch)).toEqual([1, 2]);
    expect(Array.from(resumed.weights.hidden[0].w)).toEqual(Array.from(straight.weights.hidden[0].w));
    expect(Array.from(resumed.weights.hidden[0].v!)).toEqual(Array.from(straight.weights.hidden[0].v!));
    expect(Array.from(resumed.weights.readout)).toEqual(Array.from(straight.weights.readout));
    expect(resumed.metrics[1].testAccuracy).toBe(straight.metrics[1].testAccuracy);
    expect(resumed.metrics[1].loss).toBe(straight.metrics[1].loss);
    // the second epoch's online updates moved the weights
    expect(Array.from(saved.weights.readout)).not.toEqual(Array.from(straight.weights.readout));
  });

  gpuTest('webspike train records the method in the checkpoint, and --resume continues with it exactly', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'webspike-cli-el-'));
    const common = ['train', '--train-limit', '96', '--test-limit', '32', '--hidden', '16', '--recurrent', '--steps', '6', '--batch', '32',
      '--schedule', 'constant', '--lr', '5e-3', '--quiet'];
    const straight = join(dir, 'straight.json');
    const split = join(dir, 'split.json');
    await exec(process.execPath, [...CLI_ARGS, ...common, '--method', 'eligibility', '--update-every', '4', '--epochs', '2', '--checkpoint', straight]);
    await exec(process.execPath, [...CLI_ARGS, ...common, '--method', 'eligibility', '--update-every', '4', '--epochs', '1', '--checkpoint', split]);
    const first = JSON.parse(readFileSync(split, 'utf8'));
    expect(first.training.method).toEqual({ name: 'eligibility', updateEvery: 4 });
    // 3 batches of 32, 2 chunks (4 + 2 steps) each
    expect(first.optimizer.updates).toBe(6);
    const resumed = await exec(process.execPath, [...CLI_ARGS, 'train', '--resume', split, '--epochs', '2', '--checkpoint', split, '--quiet']);
    expect(resumed.stderr).toMatch(/method: factorized eligibility traces \(symmetric learning signal, online updates every 4 steps\)/);
    const a = JSON.parse(readFileSync(straight, 'utf8'));
    const b = JSON.parse(readFileSync(split, 'utf8'));
    expect(b.training.epoch).toBe(2);
    expect(b.optimizer.updates).toBe(12);
    expect(b.parameters).toEqual(a.parameters);
    expect(b.parameters).not.toEqual(first.parameters);
    // an option that contradicts the checkpoint's network is refused, naming it
    const refused = await exec(process.execPath, [...CLI_ARGS, 'train', '--resume', split, '--epochs', '3', '--threshold', '0.5', '--quiet']).catch((e) => e);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/declares a different network than this run's options \(checkpoint ≠ run\): neuron threshold 1 ≠ 0\.5/);
  });
});
