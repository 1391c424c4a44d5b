import { afterAll, describe, expect } from 'vitest';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gpuTest, releaseSharedDevice } from './fixture.js';
import { loadMnistDigits, takeFirst } from '../../src/data/node.js';
import { DEFAULT_TRAIN_CONFIG, NonFiniteGradientError, train, type TrainConfig } from '../../src/train/trainer.js';
import { DivergenceError } from '../../src/train/divergence.js';
import { CheckpointError, loadCheckpoint, parseCheckpoint, serializeCheckpoint } from '../../src/train/checkpoint.js';
import { customSurrogate, fastSigmoid } from '../../src/surrogates.js';
import { adamOptimizer, sgdOptimizer } from '../../src/optim/optimizer.js';

afterAll(releaseSharedDevice);

const cacheDir = mkdtempSync(join(tmpdir(), 'webspike-test-cache-'));
const small = (overrides: Partial<TrainConfig> = {}): TrainConfig => ({
  ...DEFAULT_TRAIN_CONFIG,
  hidden: [32], steps: 8, batchSize: 32, epochs: 2, optimizer: adamOptimizer({ lr: 5e-3 }), schedule: 'constant',
  ...overrides,
});

describe('training on real MNIST digits', () => {
  gpuTest('a small network learns well above chance (≥ 70% test accuracy)', async ({ gpu }) => {
    const { train: tr, test } = await loadMnistDigits({ cacheDir });
    const data = { train: takeFirst(tr, 1600), test: takeFirst(test, 400) };
    const result = await train(gpu, data, small({ hidden: [64], steps: 12, epochs: 3 }));
    const last = result.metrics[result.metrics.length - 1];
    expect(result.metrics).toHaveLength(3);
    expect(last.testAccuracy).toBeGreaterThanOrEqual(0.7);
    expect(last.loss).toBeLessThan(result.metrics[0].loss);
  });

  gpuTest('a checkpoint resumes training exactly', async ({ gpu }) => {
    const { train: tr, test } = await loadMnistDigits({ cacheDir });
    const data = { train: takeFirst(tr, 256), test: takeFirst(test, 64) };
    const dir = mkdtempSync(join(tmpdir(), 'webspike-ckpt-'));
    const config = small({ schedule: 'cosine' });
    const straight = await train(gpu, data, config);
    const path = join(dir, 'run.json');
    await train(gpu, data, config, { checkpointPath: path, maxEpochs: 1 });
    const saved = await loadCheckpoint(path);
    expect(saved.training?.epoch).toBe(1);
    const resumed = await train(gpu, data, config, { resume: saved });
    expect(resumed.metrics.map((m) => m.epoch)).toEqual([1, 2]);
    expect(Array.from(resumed.weights.hidden[0].w)).toEqual(Array.from(straight.weights.hidden[0].w));
    expect(Array.from(resumed.weights.readout)).toEqual(Array.from(straight.weights.readout));
    expect(resumed.metrics[1].testAccuracy).toBe(straight.metrics[1].testAccuracy);
  });

  gpuTest('resumeLearningRate replaces the checkpoint\'s learning rate: one SGD step moves the weights in proportion to it', async ({ gpu }) => {
    const { train: tr, test } = await loadMnistDigits({ cacheDir });
    const data = { train: takeFirst(tr, 32), test: takeFirst(test, 32) };
    const dir = mkdtempSync(join(tmpdir(), 'webspike-lr-'));
    const config = small({ optimizer: sgdOptimizer({ lr: 0.05 }), maxGradNorm: 0 });
    const path = join(dir, 'run.json');
    await train(gpu, data, config, { checkpointPath: path, maxEpochs: 1 });
    const saved = await loadCheckpoint(path);
    const w0 = saved.weights.readout;
    const step = async (lr: number, out: string) => {
      const r = await train(gpu, data, config, { resume: saved, resumeLearningRate: lr, checkpointPath: join(dir, out) });
      return Array.from(r.weights.readout, (w, i) => w - w0[i]);
    };
    const d1 = await step(0.01, 'a.json');
    const d2 = await step(0.03, 'b.json');
    const scale = Math.max(...d1.map(Math.abs));
    expect(scale).toBeGreaterThan(0);
    d1.forEach((d, i) => expect(Math.abs(d2[i] - 3 * d)).toBeLessThan(1e-4 * scale + 1e-7));
    expect((await loadCheckpoint(join(dir, 'b.json'))).optimizer?.spec.lr).toBe(0.03);
  });

  gpuTest('a checkpoint handed to onCheckpoint keeps its own metrics while training goes on', async ({ gpu }) => {
    const { train: tr, test } = await loadMnistDigits({ cacheDir });
    const data = { train: takeFirst(tr, 64), test: takeFirst(test, 32) };
    const kept: { epoch: number; metrics: number }[] = [];
    const held: Awaited<ReturnType<typeof loadCheckpoint>>[] = [];
    await train(gpu, data, small({ epochs: 3 }), { onCheckpoint: (c) => void held.push(c) });
    held.forEach((c) => kept.push({ epoch: Number(c.training?.epoch), metrics: c.metrics?.length ?? 0 }));
    expect(kept).toEqual([{ epoch: 1, metrics: 1 }, { epoch: 2, metrics: 2 }, { epoch: 3, metrics: 3 }]);
  });

  gpuTest('a diverging run (learning rate 1e6) stops with DivergenceError and keeps the last good checkpoint', async ({ gpu }) => {
    const { train: tr, test } = await loadMnistDigits({ cacheDir });
    const data = { train: takeFirst(tr, 128), test: takeFirst(test, 32) };
    const dir = mkdtempSync(join(tmpdir(), 'webspike-diverge-'));
    const path = join(dir, 'run.json');
    await train(gpu, data, small({ epochs: 3, optimizer: sgdOptimizer({ lr: 0.01 }) }), { checkpointPath: path, maxEpochs: 1 });
    const good = readFileSync(path, 'utf8');
    const saved = parseCheckpoint(good);
    const err = await train(gpu, data, small({ epochs: 3, optimizer: sgdOptimizer({ lr: 0.01 }) }), { resume: saved, resumeLearningRate: 1e6, checkpointPath: path, progressEvery: 1 }).catch((e) => e);
    expect(err).toBeInstanceOf(DivergenceError);
    expect(err.message).toMatch(/training diverged at epoch 2/);
    expect(err.message).toContain('1000000');
    expect(err.message).toContain(path);
    expect(readFileSync(path, 'utf8')).toBe(good);
    // the same run with the limits off trains on without this error
    const off = await train(gpu, data, small({ epochs: 2, optimizer: sgdOptimizer({ lr: 0.01 }) }), { resume: saved, resumeLearningRate: 1e6, divergence: { maxLossRatio: 0, maxWeight: 0 } }).catch((e) => e);
    expect(off).not.toBeInstanceOf(DivergenceError);
  });

  gpuTest('a non-finite gradient stops training, names the step, and keeps the last good checkpoint', async ({ gpu }) => {
    const { train: tr, test } = await loadMnistDigits({ cacheDir });
    const data = { train: takeFirst(tr, 128), test: takeFirst(test, 32) };
    const dir = mkdtempSync(join(tmpdir(), 'webspike-nan-'));
    const path = join(dir, 'run.json');
    await train(gpu, data, small({ epochs: 3 }), { checkpointPath: path, maxEpochs: 1 });
    const good = readFileSync(path, 'utf8');
    const saved = parseCheckpoint(good);
    const base = fastSigmoid();
    // a surrogate that yields NaN: the gradient of every step becomes non-finite
    const poisoned = customSurrogate({
      name: 'nan-test', slope: 1, fn: base.fn, derivative: () => NaN,
      wgsl: 'fn surrogate_grad(x: f32, slope: f32) -> f32 { return bitcast<f32>(0x7fc00000u + u32(slope * 0.0)); }',
    });
    // the resumed network must be the checkpoint's: poison it there too
    const poisonedSave = { ...saved, spec: { ...saved.spec, surrogate: poisoned } };
    const err = await train(gpu, data, small({ epochs: 3, surrogate: poisoned }), { resume: poisonedSave, checkpointPath: path, progressEvery: 1 }).catch((e) => e);
    expect(err).toBeInstanceOf(NonFiniteGradientError);
    // 4 steps per epoch, epoch 1 done: the first step of epoch 2 is optimizer step 5
    expect(err.message).toMatch(/training step 5 \(epoch 2, batch 1\)/);
    expect(err.message).toContain(path);
    expect(readFileSync(path, 'utf8')).toBe(good);
  });

  gpuTest('resuming from a checkpoint of another architecture is refused', async ({ gpu }) => {
    const { train: tr, test } = await loadMnistDigits({ cacheDir });
    const data = { train: takeFirst(tr, 64), test: takeFirst(test, 32) };
    const dir = mkdtempSync(join(tmpdir(), 'webspike-arch-'));
    const path = join(dir, 'run.json');
    await train(gpu, data, small({ epochs: 1 }), { checkpointPath: path });
    const saved = await loadCheckpoint(path);
    await expect(train(gpu, data, small({ hidden: [48] }), { resume: saved })).rejects.toThrow(/different architecture: hidden layers 32 ≠ 48/);
  });

  gpuTest('resuming trains the network the checkpoint declares, or refuses and names each difference', async ({ gpu }) => {
    const { train: tr, test } = await loadMnistDigits({ cacheDir });
    const data = { train: takeFirst(tr, 64), test: takeFirst(test, 32) };
    const dir = mkdtempSync(join(tmpdir(), 'webspike-model-'));
    const path = join(dir, 'run.json');
    await train(gpu, data, small({ epochs: 1 }), { checkpointPath: path });
    // the checkpoint's model edited by hand: the run's options no longer describe it
    const doc = JSON.parse(readFileSync(path, 'utf8'));
    doc.model.neuron.threshold = 0.7;
    doc.model.readoutReduce = 'sum';
    const edited = parseCheckpoint(JSON.stringify(doc));
    await expect(train(gpu, data, small({ epochs: 2 }), { resume: edited })).rejects.toThrow(/declares a different network than this run's options \(checkpoint ≠ run\): neuron threshold 0\.7 ≠ 1, readout 'sum' ≠ '\w+'/);
    const saved = await loadCheckpoint(path);
    await expect(train(gpu, data, small({ epochs: 2, surrogate: { name: 'arctan', slope: 2 } }), { resume: saved })).rejects.toThrow(/surrogate fast-sigmoid \(slope \d+\) ≠ arctan \(slope 2\)/);
    // the unchanged options resume
    const res = await train(gpu, data, small({ epochs: 2 }), { resume: saved });
    expect(res.metrics).toHaveLength(2);
  });
});

describe('checkpoint format', () => {
  gpuTest('rejects truncated files, wrong shapes and NaN weights with the cause', async ({ gpu }) => {
    const { train: tr, test } = await loadMnistDigits({ cacheDir });
    const data = { train: takeFirst(tr, 64), test: takeFirst(test, 32) };
    const dir = mkdtempSync(join(tmpdir(), 'webspike-fmt-'));
    const path = join(dir, 'run.json');
    await train(gpu, data, small({ epochs: 1 }), { checkpointPath: path });
    expect(existsSync(path)).toBe(true);
    const text = readFileSync(path, 'utf8');
    expect(() => parseCheckpoint(text.slice(0, text.length / 2), 'x.json')).toThrow(/x\.json: not JSON.*truncated/);
    const doc = JSON.parse(text);
    doc.parameters[0].shape = [31, 784];
    expect(() => parseCheckpoint(JSON.stringify(doc), 'y.json')).toThrow(CheckpointError);
    expect(() => parseCheckpoint(JSON.stringify(doc), 'y.json')).toThrow(/hidden\.0\.w: shape \[31,784\] but the model needs \[32, 784\]/);
    const c = parseCheckpoint(text);
    c.weights.readout[7] = NaN;
    expect(() => parseCheckpoint(serializeCheckpoint(c), 'z.json')).toThrow(/readout\.w\[0\]\[7\] is NaN/);
  });
});
