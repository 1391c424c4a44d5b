/**
 * The optimizer's gradient norm with subgroups (entry `partial_subgroups`, one
 * partial per workgroup) equals its portable variant (one partial per CHUNK) up
 * to float32 summation order, on lengths that are and are not multiples of the
 * subgroup, workgroup and chunk sizes; a non-finite gradient still marks the step
 * bad; and a whole optimizer on a device requested with `subgroups: false`
 * updates the weights as one on the (subgroup) fixture device does.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { gpuTest, releaseSharedDevice } from './fixture.js';
import { requestDevice } from '../../src/gpu/device.js';
import { readF32, storageBuffer, uploadBuffer } from '../../src/gpu/buffers.js';
import { CHUNK, gradNorm, gradNormSpec, NO_BAD_CALL, OPT_STATE_BYTES, WORKGROUP } from '../../kernels/optim/grad-norm.js';
import { createNetwork } from '../../src/layers/network.js';
import { adamOptimizer, createOptimizer, sgdOptimizer, type OptimizerSpec } from '../../src/optim/optimizer.js';
import { lifParams } from '../../src/neurons/lif.js';
import { fastSigmoid } from '../../src/surrogates.js';
import type { NetworkSpec } from '../../src/model/network.js';
import { createRng } from '../../src/reference/random.js';

afterAll(releaseSharedDevice);

interface NormResult { norm: number; scale: number; bad: number; skipped: number; calls: number; firstBadCall: number; subgroups: boolean }

/** One grad-norm pass (partials + finalize) over `grads` on a fresh state. */
async function runNorm(device: GPUDevice, grads: Float32Array[], maxNorm: number, subgroups: boolean): Promise<NormResult> {
  const buffers = grads.map((g, i) => uploadBuffer(device, `grad${i}`, g));
  const state = storageBuffer(device, 'state', OPT_STATE_BYTES);
  const init = new Uint32Array(OPT_STATE_BYTES / 4);
  new Float32Array(init.buffer)[0] = 1;
  init[5] = NO_BAD_CALL;
  device.queue.writeBuffer(state, 0, init);
  const norm = gradNorm(device, buffers.map((buffer, i) => ({ buffer, length: grads[i].length })), state, maxNorm, { subgroups });
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  for (const d of norm.dispatches) d.encode(pass);
  pass.end();
  device.queue.submit([enc.finish()]);
  const raw = await readF32(device, state, OPT_STATE_BYTES / 4);
  const u = new Uint32Array(raw.buffer);
  norm.destroy();
  return { scale: raw[0], norm: raw[1], calls: u[4], skipped: u[3], firstBadCall: u[5], bad: u[6], subgroups: norm.subgroups };
}

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-30);

describe('gradient norm: subgroup variant equals the portable one', () => {
  it("only the subgroup variant's module enables subgroups (and opens with the directive)", () => {
    expect(gradNormSpec('partial').code).not.toMatch(/enable subgroups|subgroupAdd/);
    expect(gradNormSpec('finalize', true).code).not.toMatch(/enable subgroups|subgroupAdd/);
    expect(gradNormSpec('partial', true).code.startsWith('enable subgroups;')).toBe(true);
  });

  const SPAN = WORKGROUP * CHUNK; // elements per subgroup-variant partial
  const cases: number[][] = [
    [1], [3], [4], [5], [63], [64], [65], [255], [256], [257], [4099],
    [SPAN - 1], [SPAN], [SPAN + 1], [3 * SPAN + 4097],
    [1, 7, SPAN + 1], [4096, 3, 20001, 1], // several buffers, as the optimizer has
  ];
  for (const lengths of cases) {
    gpuTest(`lengths ${lengths.join(', ')}`, async ({ gpu, device, skip }) => {
      if (!gpu.features.subgroups) skip(); // nothing to compare on a device without subgroups
      const rng = createRng(lengths.reduce((s, x) => s * 31 + x, 7));
      // magnitudes vary over the buffers so the partials differ in size
      const grads = lengths.map((n, k) => Float32Array.from({ length: n }, () => rng.uniform(-1, 1) * 10 ** (k - 1)));
      let sq = 0;
      for (const g of grads) for (const x of g) sq += x * x;
      const exact = Math.sqrt(sq);
      const maxNorm = exact / 2; // clipping is active
      const sg = await runNorm(device, grads, maxNorm, true);
      const portable = await runNorm(device, grads, maxNorm, false);
      expect(sg.subgroups).toBe(true);
      expect(portable.subgroups).toBe(false);
      for (const r of [sg, portable]) {
        expect(r).toMatchObject({ bad: 0, skipped: 0, calls: 1, firstBadCall: NO_BAD_CALL });
        expect(rel(r.norm, exact)).toBeLessThan(1e-5); // f32 against float64
      }
      expect(rel(sg.norm, portable.norm)).toBeLessThan(1e-6);
      expect(rel(sg.scale, portable.scale)).toBeLessThan(1e-6);
      expect(sg.scale).toBeLessThan(1);
      // no clipping below the threshold: scale exactly 1 either way
      const loose = await runNorm(device, grads, exact * 2, true);
      expect(loose.scale).toBe(1);
    });
  }
});

describe('gradient norm with subgroups: a non-finite gradient marks the step bad', () => {
  const SPAN = WORKGROUP * CHUNK;
  const cases: [string, number[], number, number, number][] = [
    // name, lengths, buffer, index, value
    ['NaN in a single element', [1], 0, 0, NaN],
    ['NaN first', [5], 0, 0, NaN],
    ['NaN last, past the last full workgroup', [SPAN + 7], 0, SPAN + 6, NaN],
    ['NaN in the middle of a subgroup', [40000], 0, 12345, NaN],
    ['+Inf', [257], 0, 130, Infinity],
    ['−Inf in the second buffer', [100, 3 * SPAN + 1], 1, 2 * SPAN + 3, -Infinity],
    ['a square that overflows float32', [64], 0, 17, 3e19],
  ];
  for (const [name, lengths, buffer, index, value] of cases) {
    gpuTest(name, async ({ gpu, device, skip }) => {
      if (!gpu.features.subgroups) skip();
      const rng = createRng(11);
      const grads = lengths.map((n) => Float32Array.from({ length: n }, () => rng.uniform(-1, 1)));
      grads[buffer][index] = value;
      for (const subgroups of [true, false]) {
        const r = await runNorm(device, grads, 1, subgroups);
        expect(r.subgroups).toBe(subgroups);
        expect(r).toMatchObject({ bad: 1, skipped: 1, calls: 1, firstBadCall: 1, scale: 0 });
        expect(Number.isFinite(r.norm)).toBe(false);
      }
    });
  }
});

describe('an optimizer on a device without subgroups updates the weights as one with them', () => {
  const spec: NetworkSpec = {
    // parameter lengths 300·70 = 21000 (> one subgroup-variant partial, not a multiple) and 70·3 = 210
    inputs: 300, hidden: [{ size: 70, recurrent: false }], outputs: 3,
    neuron: lifParams(), surrogate: fastSigmoid(), readoutReduce: 'max',
  };
  const optimizers: [string, OptimizerSpec][] = [
    ['sgd momentum, clipped', sgdOptimizer({ lr: 0.1, momentum: 0.9 })],
    ['adam, clipped', adamOptimizer({ lr: 0.01 })],
  ];
  for (const [name, ospec] of optimizers) {
    gpuTest(name, async ({ gpu, device, skip }) => {
      if (!gpu.features.subgroups) skip();
      const plain = await requestDevice({ subgroups: false, log: () => {} });
      try {
        expect(plain.device.features.has('subgroups')).toBe(false);
        plain.device.pushErrorScope('validation');
        const nets = [createNetwork(device, spec, { seed: 3 }), createNetwork(plain.device, spec, { seed: 3 })];
        const opts = nets.map((net) => createOptimizer(net, ospec, { maxGradNorm: 2 }));
        const rng = createRng(21);
        for (let t = 1; t <= 3; t++) {
          const grads = nets[0].params.map((p) => Float32Array.from({ length: p.length }, () => rng.uniform(-1, 1)));
          if (t === 2) grads[1][5] = NaN; // a skipped step on both
          for (const net of nets) {
            net.params.forEach((p, k) => net.device.queue.writeBuffer(p.grad, 0, grads[k]));
          }
          opts.forEach((opt, k) => {
            const enc = nets[k].device.createCommandEncoder();
            opt.encode(enc);
            nets[k].device.queue.submit([enc.finish()]);
          });
          const [a, b] = await Promise.all(opts.map((o) => o.status()));
          expect(a).toMatchObject({ calls: t, skipped: t >= 2 ? 1 : 0, firstBadCall: t >= 2 ? 2 : null });
          expect(b).toMatchObject({ calls: a.calls, updates: a.updates, skipped: a.skipped, firstBadCall: a.firstBadCall });
          if (t !== 2) {
            expect(a.clipScale).toBeLessThan(1);
            expect(rel(a.gradNorm, b.gradNorm)).toBeLessThan(1e-6);
            expect(rel(a.clipScale, b.clipScale)).toBeLessThan(1e-6);
          }
        }
        const [wa, wb] = await Promise.all(nets.map((n) => n.readWeights()));
        const pairs: [Float32Array, Float32Array][] = [[wa.hidden[0].w, wb.hidden[0].w], [wa.readout, wb.readout]];
        let worst = 0;
        for (const [x, y] of pairs) {
          for (let i = 0; i < x.length; i++) {
            // relative to the weight, or to the step size for weights near 0
            worst = Math.max(worst, Math.abs(x[i] - y[i]) / Math.max(Math.abs(x[i]), Math.abs(y[i]), ospec.lr));
          }
        }
        expect(worst).toBeLessThan(1e-6);
        opts.forEach((o) => o.destroy());
        nets.forEach((n) => n.destroy());
        expect(await plain.device.popErrorScope()).toBeNull();
      } finally {
        plain.destroy();
      }
    });
  }
});
