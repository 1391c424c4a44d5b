import { afterAll, describe, expect } from 'vitest';
import { gpuTest, releaseSharedDevice } from './fixture.js';
import { bindEncoder, encodeCpu, latency, poisson, type EncoderSpec } from '../../src/encode/encoders.js';
import { packBytes, readF32, readU32, storageBuffer, uploadBuffer } from '../../src/gpu/buffers.js';
import { createNetwork } from '../../src/layers/network.js';
import { adamOptimizer, createOptimizer, sgdOptimizer, type OptimizerSpec } from '../../src/optim/optimizer.js';
import { lifParams } from '../../src/neurons/lif.js';
import { fastSigmoid } from '../../src/surrogates.js';
import type { NetworkSpec } from '../../src/model/network.js';
import { createRng } from '../../src/reference/random.js';
import { packSpikeBits, spikeBitWords } from '../../src/methods/method.js';

afterAll(releaseSharedDevice);

describe('encoders on the GPU equal their CPU definition', () => {
  const encoders: [string, EncoderSpec, number][] = [
    ['poisson', poisson(0.4), 0],
    ['latency linear', latency({ mode: 'linear', threshold: 0.1 }), 0],
    ['latency log', latency({ mode: 'log', threshold: 0.2, tau: 6 }), 0.002],
  ];
  for (const [name, spec, tolerance] of encoders) {
    gpuTest(name, async ({ device }) => {
      const inputs = 45; // not a multiple of 4 or of the workgroup size
      const count = 9;
      const rng = createRng(3);
      const pixels = Uint8Array.from({ length: count * inputs }, () => (rng.uniform(0, 1) < 0.3 ? 0 : Math.floor(rng.uniform(0, 256))));
      const indices = Uint32Array.from([4, 0, 8, 3, 3]);
      const steps = 23;
      const B = 6; // one padding sample
      const seed = 12345;
      const spikes = storageBuffer(device, 'spikes', steps * B * inputs * 4);
      const d = bindEncoder(device, spec, {
        pixels: uploadBuffer(device, 'pixels', packBytes(pixels)),
        sampleIndex: uploadBuffer(device, 'index', Uint32Array.from([...indices, 0])),
        spikes, steps, batch: B, inputs, seed,
      });
      d.uniforms.write({ valid: indices.length });
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      d.encode(pass);
      pass.end();
      device.queue.submit([enc.finish()]);
      const gpu = await readF32(device, spikes);
      const cpu = encodeCpu(spec, pixels, inputs, [...indices], steps, seed);
      let mismatches = 0;
      let total = 0;
      for (let n = 0; n < steps; n++) {
        for (let b = 0; b < B; b++) {
          for (let j = 0; j < inputs; j++) {
            const g = gpu[(n * B + b) * inputs + j];
            const c = b < indices.length ? cpu[(n * indices.length + b) * inputs + j] : 0;
            total += g;
            if (g !== c) mismatches++;
          }
        }
      }
      expect(total).toBeGreaterThan(20);
      expect(mismatches).toBeLessThanOrEqual(tolerance * steps * B * inputs);
      // padding sample emits nothing
      for (let n = 0; n < steps; n++) for (let j = 0; j < inputs; j++) expect(gpu[(n * B + 5) * inputs + j]).toBe(0);
      d.destroy();
    });
  }
});

/** the encoders (and settings) whose GPU outputs are compared with each other below */
const SPIKE_ENCODERS: [string, EncoderSpec][] = [
  ['poisson', poisson(0.4)],
  ['latency linear', latency({ mode: 'linear', threshold: 0.1 })],
  ['latency log', latency({ mode: 'log', threshold: 0.05, tau: 8 })],
];

describe('encoders writing spike bits equal their f32 spikes, packed', () => {
  for (const [name, spec] of SPIKE_ENCODERS) {
    gpuTest(name, async ({ device }) => {
      const inputs = 77; // three words, the last one partial
      const count = 7;
      const rng = createRng(5);
      const pixels = Uint8Array.from({ length: count * inputs }, () => (rng.uniform(0, 1) < 0.3 ? 0 : Math.floor(rng.uniform(0, 256))));
      const steps = 9;
      const B = 5; // one padding sample
      const common = {
        pixels: uploadBuffer(device, 'pixels', packBytes(pixels)), sampleIndex: uploadBuffer(device, 'index', Uint32Array.from([6, 1, 1, 3, 0])),
        steps, totalSteps: 20, stepOffset: 4, batch: B, inputs, seed: 99,
      };
      const f32 = storageBuffer(device, 'spikes', steps * B * inputs * 4);
      const words = storageBuffer(device, 'spike-bits', steps * B * spikeBitWords(inputs) * 4);
      device.queue.writeBuffer(words, 0, new Uint32Array(steps * B * spikeBitWords(inputs)).fill(0xffffffff));
      const a = bindEncoder(device, spec, { ...common, spikes: f32 });
      const b = bindEncoder(device, spec, { ...common, spikes: words, bits: true });
      for (const d of [a, b]) d.uniforms.write({ valid: 4 });
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      a.encode(pass);
      b.encode(pass);
      pass.end();
      device.queue.submit([enc.finish()]);
      const dense = await readF32(device, f32);
      expect(dense.reduce((x, y) => x + y, 0)).toBeGreaterThan(10);
      expect(Array.from(await readU32(device, words))).toEqual(Array.from(packSpikeBits(dense, inputs)));
      a.destroy();
      b.destroy();
    });
  }
});

describe('windowed encoding equals whole-sequence encoding', () => {
  for (const [name, spec] of SPIKE_ENCODERS) {
    gpuTest(name, async ({ device }) => {
      const inputs = 45;
      const count = 9;
      const rng = createRng(4);
      const pixels = Uint8Array.from({ length: count * inputs }, () => (rng.uniform(0, 1) < 0.3 ? 0 : Math.floor(rng.uniform(0, 256))));
      const pixelBuf = uploadBuffer(device, 'pixels', packBytes(pixels));
      const sampleIndex = uploadBuffer(device, 'index', Uint32Array.from([4, 0, 8, 3, 3, 0]));
      const T = 23;
      const k = 5; // 5 windows, the last one partial (steps 20…22)
      const B = 6;
      const seed = 777;
      const per = B * inputs;
      const run = (d: ReturnType<typeof bindEncoder>, enc: GPUCommandEncoder) => {
        const pass = enc.beginComputePass();
        d.encode(pass);
        pass.end();
      };
      // whole sequence
      const whole = storageBuffer(device, 'whole', T * per * 4);
      const dWhole = bindEncoder(device, spec, { pixels: pixelBuf, sampleIndex, spikes: whole, steps: T, batch: B, inputs, seed });
      dWhole.uniforms.write({ valid: 5 });
      let enc = device.createCommandEncoder();
      run(dWhole, enc);
      device.queue.submit([enc.finish()]);
      const expected = await readF32(device, whole);
      expect(expected.reduce((s, x) => s + x, 0)).toBeGreaterThan(20);
      // some spikes fall in the later windows
      expect(expected.subarray(2 * k * per).reduce((s, x) => s + x, 0)).toBeGreaterThan(0);
      const windows = Math.ceil(T / k);
      const window = storageBuffer(device, 'window', k * per * 4);
      // 1. the step_offset uniform: one submission per window
      const dUniform = bindEncoder(device, spec, { pixels: pixelBuf, sampleIndex, spikes: window, steps: k, totalSteps: T, batch: B, inputs, seed });
      dUniform.uniforms.write({ valid: 5 });
      for (let w = 0; w < windows; w++) {
        dUniform.uniforms.write({ step_offset: w * k });
        enc = device.createCommandEncoder();
        run(dUniform, enc);
        device.queue.submit([enc.finish()]);
        const got = await readF32(device, window);
        const rows = Math.min(k, T - w * k);
        expect(Array.from(got.subarray(0, rows * per))).toEqual(Array.from(expected.subarray(w * k * per, (w * k + rows) * per)));
        // rows past the end of the sequence hold no spikes
        expect(got.subarray(rows * per).every((x) => x === 0)).toBe(true);
      }
      // 2. the offset from a step clock on the GPU: all windows in one command buffer
      const clock = storageBuffer(device, 'clock', 4);
      const starts = uploadBuffer(device, 'starts', Uint32Array.from({ length: windows }, (_, w) => w * k));
      const gathered = storageBuffer(device, 'gathered', windows * k * per * 4);
      const dClock = bindEncoder(device, spec, { pixels: pixelBuf, sampleIndex, spikes: window, steps: k, totalSteps: T, batch: B, inputs, seed, clock });
      dClock.uniforms.write({ valid: 5 });
      enc = device.createCommandEncoder();
      for (let w = 0; w < windows; w++) {
        enc.copyBufferToBuffer(starts, 4 * w, clock, 0, 4);
        run(dClock, enc);
        enc.copyBufferToBuffer(window, 0, gathered, w * k * per * 4, k * per * 4);
      }
      device.queue.submit([enc.finish()]);
      const all = await readF32(device, gathered);
      expect(Array.from(all.subarray(0, T * per))).toEqual(Array.from(expected));
      expect(all.subarray(T * per).every((x) => x === 0)).toBe(true);
      for (const d of [dWhole, dUniform, dClock]) d.destroy();
    });
  }
});

describe('optimizers on the GPU equal a CPU implementation', () => {
  const spec: NetworkSpec = {
    inputs: 7, hidden: [{ size: 5, recurrent: false }], outputs: 3,
    neuron: lifParams(), surrogate: fastSigmoid(), readoutReduce: 'max',
  };
  function cpuStep(o: OptimizerSpec, w: Float64Array, g: Float64Array, s1: Float64Array, s2: Float64Array, t: number, scale: number) {
    for (let i = 0; i < w.length; i++) {
      const gi = g[i] * scale;
      if (o.kind === 'adam') {
        s1[i] = o.beta1 * s1[i] + (1 - o.beta1) * gi;
        s2[i] = o.beta2 * s2[i] + (1 - o.beta2) * gi * gi;
        const mh = s1[i] / (1 - o.beta1 ** t);
        const vh = s2[i] / (1 - o.beta2 ** t);
        w[i] -= o.lr * (mh / (Math.sqrt(vh) + o.eps) + o.weightDecay * w[i]);
      } else {
        const gg = gi + o.weightDecay * w[i];
        s1[i] = o.momentum * s1[i] + gg;
        w[i] -= o.lr * s1[i];
      }
    }
  }
  const optimizers: [string, OptimizerSpec, number][] = [
    ['adam', adamOptimizer({ lr: 0.01, weightDecay: 0.01 }), 0],
    ['adam clipped', adamOptimizer({ lr: 0.01 }), 0.5],
    ['sgd momentum', sgdOptimizer({ lr: 0.1, momentum: 0.9, weightDecay: 1e-3 }), 0],
  ];
  for (const [name, ospec, maxNorm] of optimizers) {
    gpuTest(name, async ({ device }) => {
      const net = createNetwork(device, spec, { seed: 5 });
      const opt = createOptimizer(net, ospec, { maxGradNorm: maxNorm });
      const w0 = await net.readWeights();
      const cpuW = [w0.hidden[0].w, w0.readout].map((a) => Float64Array.from(a));
      const s1 = cpuW.map((a) => new Float64Array(a.length));
      const s2 = cpuW.map((a) => new Float64Array(a.length));
      const rng = createRng(9);
      for (let t = 1; t <= 3; t++) {
        const grads = net.params.map((p) => Float32Array.from({ length: p.length }, () => rng.uniform(-1, 1)));
        net.params.forEach((p, k) => device.queue.writeBuffer(p.grad, 0, grads[k]));
        const enc = device.createCommandEncoder();
        opt.encode(enc);
        device.queue.submit([enc.finish()]);
        const normSq = grads.reduce((s, g) => s + g.reduce((a, x) => a + x * x, 0), 0);
        const scale = maxNorm > 0 && Math.sqrt(normSq) > maxNorm ? maxNorm / Math.sqrt(normSq) : 1;
        cpuW.forEach((w, k) => cpuStep(ospec, w, Float64Array.from(grads[k]), s1[k], s2[k], t, scale));
      }
      const w = await net.readWeights();
      [w.hidden[0].w, w.readout].forEach((a, k) => {
        for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(cpuW[k][i], 5);
      });
      const st = await opt.status();
      expect(st.updates).toBe(3);
      expect(st.skipped).toBe(0);
      opt.destroy();
      net.destroy();
    });
  }

  gpuTest('a non-finite gradient skips the step, keeps the weights and names the step', async ({ device }) => {
    const net = createNetwork(device, spec, { seed: 5 });
    const opt = createOptimizer(net, adamOptimizer({ lr: 0.01 }));
    const step = (bad: boolean) => {
      net.params.forEach((p) => {
        const g = new Float32Array(p.length).fill(0.1);
        if (bad) g[3] = NaN;
        device.queue.writeBuffer(p.grad, 0, g);
      });
      const enc = device.createCommandEncoder();
      opt.encode(enc);
      device.queue.submit([enc.finish()]);
    };
    step(false);
    const before = await net.readWeights();
    step(true);
    const after = await net.readWeights();
    expect(Array.from(after.readout)).toEqual(Array.from(before.readout));
    step(false);
    const st = await opt.status();
    expect(st).toMatchObject({ calls: 3, updates: 2, skipped: 1, firstBadCall: 2 });
    opt.destroy();
    net.destroy();
  });
});
