import { afterAll, describe, expect } from 'vitest';
import { gpuTest, releaseSharedDevice, runStep } from './fixture.js';
import { createNetwork } from '../../src/layers/network.js';
import { bptt, defaultSampleChunks, resolvePropagation, type BpttOptions, type BpttRun } from '../../src/methods/bptt.js';
import { availableParallelism } from 'node:os';
import { rtrl } from '../../src/methods/rtrl.js';
import { lifParams, type ResetMode } from '../../src/neurons/lif.js';
import { SURROGATE_NAMES, surrogateByName } from '../../src/surrogates.js';
import type { NetworkSpec, ReadoutReduce } from '../../src/model/network.js';
import { referenceForward, referenceBackward } from '../../src/reference/lif-network.js';
import { randomNetwork, randomSpikes } from '../../src/reference/random.js';
import { readF32 } from '../../src/gpu/buffers.js';
import { hostCores, isSoftwareDevice } from '../../src/gpu/device.js';
import { relativeError as relErr } from '../../src/compare/metrics.js';

afterAll(releaseSharedDevice);

/** worst relative gradient error allowed with f16 membrane storage (measured 1.6e-4 … 2.6e-3 on the f16 cases below) */
const F16_GRADIENT_TOLERANCE = 5e-3;

interface Case {
  hidden: { size: number; recurrent: boolean }[];
  reset: ResetMode;
  detachReset: boolean;
  surrogate: string;
  reduce: ReadoutReduce;
  propagation: BpttOptions['propagation'];
  /** input values other than 0 and 1 (graded inputs: events weighted by their value) */
  graded?: boolean;
  fusedWeightGrad?: BpttOptions['fusedWeightGrad'];
  /** 'fused': false reads the weights from a storage buffer instead of the texture */
  weightTexture?: boolean;
  /** readout size (default 7); above 32 the fused scan sums over all outputs of a flagged row */
  outputs?: number;
}

/** The random problem every reference comparison here uses: 29 inputs, 7 outputs (unless the case says), T = 13, B = 5. */
function problem(c: Omit<Case, 'propagation' | 'detachReset'> & { detachReset?: boolean }) {
  const spec: NetworkSpec = {
    inputs: 29, hidden: c.hidden, outputs: c.outputs ?? 7,
    neuron: lifParams({ reset: c.reset, detachReset: c.detachReset ?? false }),
    surrogate: surrogateByName(c.surrogate), readoutReduce: c.reduce,
  };
  const T = 13;
  const B = 5;
  const weights = randomNetwork(spec, 7, { gain: 3 });
  const input = randomSpikes(T, B, spec.inputs, 0.3, 11);
  if (c.graded) input.forEach((x, i) => (input[i] = x * [0.5, 1, 2][i % 3]));
  const labels = Uint32Array.from({ length: B }, (_, b) => (b * 3) % spec.outputs);
  return { spec, T, B, weights, input, labels };
}

/** the float64 reference's forward pass and gradients */
function reference(spec: NetworkSpec, weights: Parameters<typeof referenceForward>[1], input: ArrayLike<number>, T: number, B: number, labels: Uint32Array) {
  const ref = referenceForward(spec, weights, input, T, B, labels);
  return { ref, grads: referenceBackward(spec, weights, ref, input, T, B, labels) };
}

const cases: Omit<Case, 'propagation'>[] = [];
for (const surrogate of SURROGATE_NAMES) {
  cases.push({ hidden: [{ size: 37, recurrent: false }], reset: 'subtract', detachReset: false, surrogate, reduce: 'max' });
}
for (const reset of ['subtract', 'zero'] as const) {
  for (const detachReset of [false, true]) {
    cases.push({ hidden: [{ size: 23, recurrent: false }, { size: 19, recurrent: false }], reset, detachReset, surrogate: 'fast-sigmoid', reduce: 'mean' });
    cases.push({ hidden: [{ size: 21, recurrent: true }], reset, detachReset, surrogate: 'triangle', reduce: 'sum' });
  }
}
cases.push({ hidden: [{ size: 17, recurrent: true }, { size: 13, recurrent: false }], reset: 'subtract', detachReset: false, surrogate: 'arctan', reduce: 'max' });

describe('surrogate BPTT on the GPU matches the float64 reference', () => {
  const mixed: Case[] = [
    { hidden: [{ size: 23, recurrent: false }, { size: 19, recurrent: false }], reset: 'subtract', detachReset: false, surrogate: 'fast-sigmoid', reduce: 'mean', propagation: { forward: 'dense', weightGrad: 'event' } },
    { hidden: [{ size: 21, recurrent: true }], reset: 'subtract', detachReset: false, surrogate: 'triangle', reduce: 'sum', propagation: { forward: 'dense', weightGrad: 'event' } },
    { hidden: [{ size: 21, recurrent: true }], reset: 'zero', detachReset: true, surrogate: 'triangle', reduce: 'max', propagation: { forward: 'event', weightGrad: 'dense' } },
    { hidden: [{ size: 37, recurrent: false }], reset: 'subtract', detachReset: true, surrogate: 'fast-sigmoid', reduce: 'max', propagation: 'fused', graded: true },
    { hidden: [{ size: 23, recurrent: false }, { size: 19, recurrent: false }], reset: 'zero', detachReset: false, surrogate: 'sigmoid-derivative', reduce: 'mean', propagation: 'fused', graded: true },
    { hidden: [{ size: 1100, recurrent: false }], reset: 'subtract', detachReset: true, surrogate: 'fast-sigmoid', reduce: 'max', propagation: 'fused' },
    // 13 outputs: the readout forward's four texels, the last one partly past O (and four vec4 per thread in its reverse scan)
    { hidden: [{ size: 23, recurrent: false }, { size: 19, recurrent: false }], reset: 'zero', detachReset: false, surrogate: 'fast-sigmoid', reduce: 'mean', propagation: 'fused', outputs: 13 },
    // 4 outputs: one vec4 per thread in the readout's reverse scan; 17: one thread per output there (and bits per row)
    { hidden: [{ size: 37, recurrent: false }], reset: 'subtract', detachReset: true, surrogate: 'arctan', reduce: 'max', propagation: 'fused', outputs: 4 },
    { hidden: [{ size: 37, recurrent: false }], reset: 'zero', detachReset: false, surrogate: 'fast-sigmoid', reduce: 'sum', propagation: 'fused', outputs: 17 },
    // more than 32 outputs: the readout rows carry a flag instead of one bit per output (and the readout forward reads Wo from the buffer)
    { hidden: [{ size: 37, recurrent: false }], reset: 'subtract', detachReset: true, surrogate: 'fast-sigmoid', reduce: 'max', propagation: 'fused', outputs: 40 },
    // multiples of 128 neurons: the forward scan's variant without per-neuron bounds checks (as at 512)
    { hidden: [{ size: 128, recurrent: false }, { size: 256, recurrent: false }], reset: 'subtract', detachReset: false, surrogate: 'fast-sigmoid', reduce: 'max', propagation: 'fused' },
    { hidden: [{ size: 37, recurrent: false }], reset: 'subtract', detachReset: false, surrogate: 'arctan', reduce: 'max', propagation: 'fused', graded: true, fusedWeightGrad: 'lists' },
    { hidden: [{ size: 23, recurrent: false }, { size: 19, recurrent: false }], reset: 'zero', detachReset: true, surrogate: 'triangle', reduce: 'sum', propagation: 'fused', fusedWeightGrad: 'lists' },
    { hidden: [{ size: 600, recurrent: false }], reset: 'subtract', detachReset: true, surrogate: 'fast-sigmoid', reduce: 'max', propagation: 'fused', fusedWeightGrad: 'lists' },
    { hidden: [{ size: 37, recurrent: false }], reset: 'subtract', detachReset: true, surrogate: 'fast-sigmoid', reduce: 'max', propagation: 'fused', graded: true, weightTexture: false },
    { hidden: [{ size: 23, recurrent: false }, { size: 19, recurrent: false }], reset: 'zero', detachReset: false, surrogate: 'fast-sigmoid', reduce: 'mean', propagation: 'fused', weightTexture: false },
    { hidden: [{ size: 1100, recurrent: false }], reset: 'subtract', detachReset: true, surrogate: 'fast-sigmoid', reduce: 'max', propagation: 'fused', weightTexture: false },
  ];
  const modes = (c: Omit<Case, 'propagation'>) => (c.hidden.some((h) => h.recurrent) ? (['event', 'dense'] as const) : (['fused', 'event', 'dense'] as const));
  const all = [...cases.flatMap((c) => modes(c).map((propagation): Case => ({ ...c, propagation }))), ...mixed];
  for (const c of all) {
    const prop = typeof c.propagation === 'object' ? `forward ${c.propagation.forward}/grad ${c.propagation.weightGrad}` : c.propagation;
    const name = `${c.hidden.map((h) => `${h.size}${h.recurrent ? 'r' : ''}`).join('-')} ${c.reset}${c.detachReset ? '/detached' : ''} ${c.surrogate} ${c.reduce} ${prop}${c.graded ? ' graded input' : ''}${c.fusedWeightGrad ? ` weight grad ${c.fusedWeightGrad}` : ''}${c.weightTexture === false ? ' weights from a buffer' : ''}${c.outputs ? ` ${c.outputs} outputs` : ''}`;
    gpuTest(name, async ({ device }) => {
      const { spec, T, B, weights, input, labels } = problem(c);
      const net = createNetwork(device, spec, weights);
      const run = bptt({ propagation: c.propagation, fusedWeightGrad: c.fusedWeightGrad, weightTexture: c.weightTexture }).bind(net, { batch: B, steps: T });
      runStep(device, run, input, labels);
      const { ref, grads } = reference(spec, weights, input, T, B, labels);
      // spikes must occur for the test to mean something
      const spikeCount = ref.layers[0].S.reduce((s, x) => s + x, 0);
      expect(spikeCount).toBeGreaterThan(5);

      for (let l = 0; l < spec.hidden.length; l++) {
        const U = await readF32(device, run.observables.get(`hidden.${l}.membrane`)!.buffer);
        const S = await readF32(device, run.observables.get(`hidden.${l}.spikes`)!.buffer);
        for (let i = 0; i < U.length; i++) {
          expect(Math.abs(U[i] - ref.layers[l].U[i])).toBeLessThanOrEqual(1e-5 + 1e-4 * Math.abs(ref.layers[l].U[i]));
        }
        expect(Array.from(S)).toEqual(Array.from(ref.layers[l].S));
      }
      const stats = await readF32(device, run.sampleStats);
      const loss = Array.from({ length: B }, (_, b) => stats[2 * b]).reduce((s, x) => s + x, 0) / B;
      expect(loss).toBeCloseTo(ref.loss, 4);

      const g = await net.readGradients();
      spec.hidden.forEach((h, l) => {
        expect(relErr(g.hidden[l].w, grads.hidden[l].w)).toBeLessThanOrEqual(1e-4);
        if (h.recurrent) expect(relErr(g.hidden[l].v!, grads.hidden[l].v!)).toBeLessThanOrEqual(1e-4);
      });
      expect(relErr(g.readout, grads.readout)).toBeLessThanOrEqual(1e-4);
      run.destroy();
      net.destroy();
    });
  }
});

describe('fused path beyond the texture limits', () => {
  gpuTest('more inputs than maxTextureDimension2D: the weights stay in a storage buffer, gradients match the reference', async ({ device }) => {
    const K = device.limits.maxTextureDimension2D + 3;
    const spec: NetworkSpec = {
      inputs: K, hidden: [{ size: 9, recurrent: false }], outputs: 3,
      neuron: lifParams({ reset: 'subtract', detachReset: true }), surrogate: surrogateByName('fast-sigmoid'), readoutReduce: 'max',
    };
    const [T, B] = [8, 2];
    const weights = randomNetwork(spec, 5, { gain: 30 });
    const input = randomSpikes(T, B, K, 0.02, 6);
    const labels = Uint32Array.from([1, 2]);
    const net = createNetwork(device, spec, weights);
    const run = bptt({ propagation: 'fused' }).bind(net, { batch: B, steps: T });
    runStep(device, run, input, labels);
    const { ref, grads } = reference(spec, weights, input, T, B, labels);
    expect(ref.layers[0].S.reduce((s, x) => s + x, 0)).toBeGreaterThan(3);
    const g = await net.readGradients();
    expect(relErr(g.hidden[0].w, grads.hidden[0].w)).toBeLessThanOrEqual(1e-4);
    expect(relErr(g.readout, grads.readout)).toBeLessThanOrEqual(1e-4);
    run.destroy();
    net.destroy();
  });
});

describe('propagation choice', () => {
  gpuTest('auto picks fused (feed-forward) or adaptive (recurrent) paths on a software adapter; explicit choices are kept; bad ones are refused', async ({ device }) => {
    const software = isSoftwareDevice(device);
    const feedForward = { hidden: [{ size: 4, recurrent: false }] };
    const recurrent = { hidden: [{ size: 4, recurrent: false }, { size: 4, recurrent: true }] };
    expect(resolvePropagation(device, undefined, feedForward)).toEqual(software === false ? { forward: 'dense', weightGrad: 'dense' } : { forward: 'fused', weightGrad: 'fused' });
    expect(resolvePropagation(device, undefined, recurrent)).toEqual(software === false ? { forward: 'dense', weightGrad: 'dense' } : { forward: 'adaptive', weightGrad: 'adaptive' });
    expect(resolvePropagation(device, 'auto', feedForward)).toEqual(resolvePropagation(device, undefined, feedForward));
    expect(resolvePropagation(device, 'fused', feedForward)).toEqual({ forward: 'fused', weightGrad: 'fused' });
    expect(() => resolvePropagation(device, 'fused', recurrent)).toThrow(/feed-forward/);
    expect(resolvePropagation(device, 'dense')).toEqual({ forward: 'dense', weightGrad: 'dense' });
    expect(resolvePropagation(device, { forward: 'event', weightGrad: 'dense' })).toEqual({ forward: 'event', weightGrad: 'dense' });
    expect(() => resolvePropagation(device, 'sparse' as never)).toThrow(/propagation/);
    expect(() => resolvePropagation(device, { forward: 'dense', weightGrad: 'x' } as never)).toThrow(/per phase/);
  });
});

describe('default sample chunks of the fused backward', () => {
  gpuTest('two workgroups per host core on a software adapter, at most 16 and ⌈B/8⌉', async ({ device }) => {
    const cores = hostCores();
    expect(cores).toBe(availableParallelism());
    const want = (B: number, tiles: number) => Math.max(1, Math.min(B, 16, Math.ceil((2 * cores!) / tiles), Math.ceil(B / 8)));
    expect(defaultSampleChunks(device, 256, [512])).toBe(want(256, 1));
    expect(defaultSampleChunks(device, 256, [128, 1100])).toBe(want(256, 3));
    expect(defaultSampleChunks(device, 64, [512])).toBe(want(64, 1));
    expect(defaultSampleChunks(device, 5, [37])).toBe(1);
    if (cores === 2) expect(defaultSampleChunks(device, 256, [512])).toBe(4);
  });
});

describe('fused path bound with observe: false', () => {
  const cases: Omit<Case, 'propagation'>[] = [
    { hidden: [{ size: 37, recurrent: false }], reset: 'subtract', detachReset: false, surrogate: 'arctan', reduce: 'max', graded: true },
    { hidden: [{ size: 23, recurrent: false }, { size: 19, recurrent: false }], reset: 'zero', detachReset: true, surrogate: 'triangle', reduce: 'sum', fusedWeightGrad: 'lists' },
  ];
  for (const c of cases) {
    gpuTest(`${c.hidden.map((h) => h.size).join('-')}${c.fusedWeightGrad ? ` weight grad ${c.fusedWeightGrad}` : ''}: no f32 spikes stored, the same loss and gradients`, async ({ device }) => {
      const { spec, T, B, weights, input, labels } = problem(c);
      const net = createNetwork(device, spec, weights);
      const method = bptt({ propagation: 'fused', fusedWeightGrad: c.fusedWeightGrad });
      const runs = [method.bind(net, { batch: B, steps: T }), method.bind(net, { batch: B, steps: T, observe: false })];
      expect(() => method.bind(net, { batch: B, steps: T, observe: 'no' as never })).toThrow(/observe must be true or false/);
      const L = spec.hidden.length;
      // 'lists' reads the f32 spikes of a layer that feeds another: those stay
      const kept = (l: number) => c.fusedWeightGrad === 'lists' && l < L - 1;
      for (let l = 0; l < L; l++) expect(runs[1].observables.has(`hidden.${l}.spikes`)).toBe(kept(l));
      const spikeBytes = (r: (typeof runs)[0]) => r.stored().buffers.filter((b) => b.name.endsWith('/spikes')).length;
      expect(spikeBytes(runs[1])).toBe(spec.hidden.filter((_, l) => kept(l)).length);
      expect(spikeBytes(runs[0])).toBe(L);
      const seen: { metrics: number[]; grads: Awaited<ReturnType<typeof net.readGradients>> }[] = [];
      for (const r of runs) {
        device.queue.writeBuffer(r.metrics, 0, new Float32Array(4));
        runStep(device, r, input, labels);
        seen.push({ metrics: Array.from(await readF32(device, r.metrics, 4)), grads: await net.readGradients() });
      }
      expect(seen[0].metrics[0]).toBeGreaterThan(0);
      expect(seen[1].metrics).toEqual(seen[0].metrics);
      expect(Array.from(seen[1].grads.readout)).toEqual(Array.from(seen[0].grads.readout));
      for (let l = 0; l < L; l++) expect(Array.from(seen[1].grads.hidden[l].w)).toEqual(Array.from(seen[0].grads.hidden[l].w));
      for (const r of runs) r.destroy();
      net.destroy();
    });
  }
});

describe("spike bits as input (inputFormat: 'bits')", () => {
  const cases: (Omit<Case, 'propagation'> & { propagation: BpttOptions['propagation'] })[] = [
    { hidden: [{ size: 37, recurrent: false }], reset: 'subtract', detachReset: false, surrogate: 'arctan', reduce: 'max', propagation: 'fused' },
    { hidden: [{ size: 23, recurrent: false }, { size: 19, recurrent: false }], reset: 'zero', detachReset: true, surrogate: 'triangle', reduce: 'sum', propagation: 'fused', fusedWeightGrad: 'lists' },
    { hidden: [{ size: 21, recurrent: true }], reset: 'subtract', detachReset: false, surrogate: 'fast-sigmoid', reduce: 'mean', propagation: 'event' },
    { hidden: [{ size: 21, recurrent: false }], reset: 'subtract', detachReset: false, surrogate: 'gaussian', reduce: 'max', propagation: 'dense' },
  ];
  for (const c of cases) {
    const name = `${c.hidden.map((h) => `${h.size}${h.recurrent ? 'r' : ''}`).join('-')} ${String(c.propagation)}${c.fusedWeightGrad ? ` weight grad ${c.fusedWeightGrad}` : ''}`;
    gpuTest(`${name}: the same loss and gradients as f32 spikes`, async ({ device }) => {
      const { spec, T, B, weights, input, labels } = problem(c);
      const net = createNetwork(device, spec, weights);
      const method = bptt({ propagation: c.propagation, fusedWeightGrad: c.fusedWeightGrad, inputGradient: c.propagation === 'event' });
      const runs = [method.bind(net, { batch: B, steps: T, observe: false }), method.bind(net, { batch: B, steps: T, observe: false, inputFormat: 'bits' })];
      expect(runs[1].input.size).toBe(4 * T * B * Math.ceil(spec.inputs / 32));
      const seen: { metrics: number[]; grads: Awaited<ReturnType<typeof net.readGradients>>; inputGrad?: number[] }[] = [];
      for (const r of runs) {
        device.queue.writeBuffer(r.metrics, 0, new Float32Array(4));
        runStep(device, r, input, labels);
        const inputGrad = (r as BpttRun).inputGrad;
        seen.push({ metrics: Array.from(await readF32(device, r.metrics, 4)), grads: await net.readGradients(), inputGrad: inputGrad && Array.from(await readF32(device, inputGrad)) });
      }
      expect(seen[0].metrics[0]).toBeGreaterThan(0);
      expect(seen[1].metrics).toEqual(seen[0].metrics);
      expect(Array.from(seen[1].grads.readout)).toEqual(Array.from(seen[0].grads.readout));
      for (let l = 0; l < spec.hidden.length; l++) {
        expect(seen[0].grads.hidden[l].w.some((g) => g !== 0)).toBe(true);
        expect(Array.from(seen[1].grads.hidden[l].w)).toEqual(Array.from(seen[0].grads.hidden[l].w));
      }
      expect(seen[1].inputGrad).toEqual(seen[0].inputGrad);
      for (const r of runs) r.destroy();
      net.destroy();
    });
  }
  gpuTest('a format other than f32 or bits, and bits for a method that reads f32, are refused with the reason', async ({ device }) => {
    const { spec, T, B, weights } = problem({ hidden: [{ size: 8, recurrent: false }], reset: 'subtract', surrogate: 'arctan', reduce: 'max' });
    const net = createNetwork(device, spec, weights);
    expect(() => bptt().bind(net, { batch: B, steps: T, inputFormat: 'u8' as never })).toThrow(/inputFormat must be 'f32' or 'bits'/);
    expect(() => rtrl().bind(net, { batch: B, steps: T, inputFormat: 'bits' })).toThrow(/rtrl reads its input as 'f32', not inputFormat 'bits'/);
    net.destroy();
  });
});

describe("fused path with f16 membrane storage (membraneStorage: 'f16')", () => {
  const f16Cases: Omit<Case, 'propagation'>[] = [
    { hidden: [{ size: 37, recurrent: false }], reset: 'subtract', detachReset: false, surrogate: 'arctan', reduce: 'max', graded: true },
    { hidden: [{ size: 23, recurrent: false }, { size: 19, recurrent: false }], reset: 'zero', detachReset: false, surrogate: 'sigmoid-derivative', reduce: 'mean' },
    { hidden: [{ size: 600, recurrent: false }], reset: 'zero', detachReset: true, surrogate: 'fast-sigmoid', reduce: 'max' },
    { hidden: [{ size: 1100, recurrent: false }], reset: 'subtract', detachReset: true, surrogate: 'triangle', reduce: 'sum' },
  ];
  for (const c of f16Cases) {
    const name = `${c.hidden.map((h) => h.size).join('-')} ${c.reset}${c.detachReset ? '/detached' : ''} ${c.surrogate} ${c.reduce}${c.graded ? ' graded input' : ''}: spikes exact, gradients near the reference, membrane bytes halved`;
    gpuTest(name, async ({ device }) => {
      const { spec, T, B, weights, input, labels } = problem(c);
      const net = createNetwork(device, spec, weights);
      const run = bptt({ propagation: 'fused', membraneStorage: 'f16' }).bind(net, { batch: B, steps: T });
      const exact = bptt({ propagation: 'fused' }).bind(net, { batch: B, steps: T });
      expect(run.observables.has('hidden.0.membrane')).toBe(false);
      const { ref, grads } = reference(spec, weights, input, T, B, labels);
      expect(ref.layers[0].S.reduce((s, x) => s + x, 0)).toBeGreaterThan(5);
      const errors: number[] = [];
      for (const r of [run, exact]) {
        runStep(device, r, input, labels);
        for (let l = 0; l < spec.hidden.length; l++) {
          const S = await readF32(device, r.observables.get(`hidden.${l}.spikes`)!.buffer);
          expect(Array.from(S)).toEqual(Array.from(ref.layers[l].S));
        }
        const g = await net.readGradients();
        let worst = relErr(g.readout, grads.readout);
        spec.hidden.forEach((_, l) => (worst = Math.max(worst, relErr(g.hidden[l].w, grads.hidden[l].w))));
        errors.push(worst);
      }
      // f32 storage: 1e-4 as above; f16: U to 2⁻¹¹ relative (one unit in the last place where
      // rounding keeps a spike) moves the surrogate derivative by about slope·|U|·2⁻¹¹
      expect(errors[1]).toBeLessThanOrEqual(1e-4);
      expect(errors[0]).toBeLessThanOrEqual(F16_GRADIENT_TOLERANCE);
      const bytes = (x: typeof run) => x.stored().buffers.filter((b) => b.name.endsWith('/membrane')).reduce((s, b) => s + b.bytes, 0);
      const halfWords = (n: number) => 64 * Math.ceil(n / 128);
      expect(bytes(run)).toBe(spec.hidden.reduce((s, h) => s + T * B * halfWords(h.size) * 4, 0));
      expect(bytes(exact)).toBe(spec.hidden.reduce((s, h) => s + T * B * h.size * 4, 0));
      run.destroy();
      exact.destroy();
      net.destroy();
    });
  }

  gpuTest("f16 storage outside the fused path is refused with the reason", async ({ device }) => {
    const spec: NetworkSpec = { inputs: 5, hidden: [{ size: 4, recurrent: false }], outputs: 2, neuron: lifParams(), surrogate: surrogateByName('fast-sigmoid'), readoutReduce: 'max' };
    const net = createNetwork(device, spec, randomNetwork(spec, 1));
    expect(() => bptt({ propagation: 'event', membraneStorage: 'f16' }).bind(net, { batch: 2, steps: 3 })).toThrow(/fused/);
    expect(() => bptt({ propagation: 'fused', membraneStorage: 'bf16' as never }).bind(net, { batch: 2, steps: 3 })).toThrow(/membraneStorage/);
    net.destroy();
  });
});

describe('half-precision threshold bits', () => {
  gpuTest('halfFloorBits gives the largest half ≤ x', async () => {
    const { halfFloorBits, halfBitsToNumber } = await import('../../kernels/neurons/lif-fused-forward.js');
    expect(halfFloorBits(1)).toBe(0x3c00);
    expect(halfBitsToNumber(0x3c00)).toBe(1);
    expect(halfBitsToNumber(0x7bff)).toBe(65504);
    expect(halfBitsToNumber(0x0001)).toBe(2 ** -24);
    for (const x of [1e-7, 3e-5, 6.1e-5, 0.1, 0.3333, 0.5, 0.999, 1.0004, 1.5, 2, 2.0001, 1000.3, 65503, 65504, 1e6].map(Math.fround)) {
      const b = halfFloorBits(x);
      expect(halfBitsToNumber(b)).toBeLessThanOrEqual(x);
      if (b < 0x7bff) expect(halfBitsToNumber(b + 1)).toBeGreaterThan(x);
    }
  });
});

describe("'adaptive' propagation: per-call event/dense choice from measured activity", () => {
  const nets: { hidden: { size: number; recurrent: boolean }[]; reset: ResetMode; surrogate: string; reduce: ReadoutReduce }[] = [
    { hidden: [{ size: 23, recurrent: false }, { size: 19, recurrent: false }], reset: 'subtract', surrogate: 'fast-sigmoid', reduce: 'mean' },
    { hidden: [{ size: 21, recurrent: true }], reset: 'zero', surrogate: 'triangle', reduce: 'sum' },
  ];
  for (const c of nets) {
    gpuTest(`${c.hidden.map((h) => `${h.size}${h.recurrent ? 'r' : ''}`).join('-')}: every threshold gives the reference's gradients, and the choice follows the measured activity`, async ({ device }) => {
      const { spec, T, B, weights, input, labels } = problem(c);
      const { ref, grads } = reference(spec, weights, input, T, B, labels);
      // activity of each spike matrix that feeds a projection
      const matrices: [string, ArrayLike<number>, number][] = [['input', input, spec.inputs], ...spec.hidden.map((h, l): [string, ArrayLike<number>, number] => [`hidden.${l}`, ref.layers[l].S, h.size])];
      const active = matrices.map(([, x]) => Array.from(x).filter((v) => v !== 0).length);
      const activity = matrices.map(([, , k], i) => active[i] / (T * B * k));
      const lo = Math.min(...activity);
      const hi = Math.max(...activity);
      expect(hi - lo).toBeGreaterThan(0.02);
      const net = createNetwork(device, spec, weights);
      for (const threshold of [0, 1, (lo + hi) / 2]) {
        const run = bptt({ propagation: 'adaptive', activityThreshold: threshold }).bind(net, { batch: B, steps: T }) as BpttRun;
        for (let call = 0; call < 2; call++) runStep(device, run, input, labels);
        const g = await net.readGradients();
        spec.hidden.forEach((h, l) => {
          expect(relErr(g.hidden[l].w, grads.hidden[l].w)).toBeLessThanOrEqual(1e-4);
          if (h.recurrent) expect(relErr(g.hidden[l].v!, grads.hidden[l].v!)).toBeLessThanOrEqual(1e-4);
        });
        expect(relErr(g.readout, grads.readout)).toBeLessThanOrEqual(1e-4);
        const choices = await run.pathChoices();
        matrices.forEach(([label], i) => {
          const dense = activity[i] >= threshold;
          expect(choices[label]).toEqual({ event: dense ? 0 : 2, dense: dense ? 2 : 0, lastActive: active[i] });
        });
        run.destroy();
      }
      net.destroy();
    });
  }

  gpuTest('a threshold outside [0, 1] is refused', async ({ device }) => {
    const spec: NetworkSpec = { inputs: 5, hidden: [{ size: 4, recurrent: false }], outputs: 2, neuron: lifParams(), surrogate: surrogateByName('fast-sigmoid'), readoutReduce: 'max' };
    const net = createNetwork(device, spec, randomNetwork(spec, 1));
    expect(() => bptt({ propagation: 'adaptive', activityThreshold: 1.5 }).bind(net, { batch: 2, steps: 3 })).toThrow(/activityThreshold/);
    net.destroy();
  });
});
