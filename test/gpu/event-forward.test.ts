/**
 * The hybrid event-LIF forward kernel (grid scan + analytic spike-time
 * refinement) against the float64 event-driven reference of papers/003,
 * Table 1 (src/reference/event-lif.ts): random feed-forward networks and
 * random off-grid input spikes, three grid steps, τ_mem/τ_syn = 2 (closed
 * form), 1/2 (closed form in e^{−s/τ_syn}) and 4 (Newton/bisection).
 */
import { afterAll, describe, expect } from 'vitest';
import { gpuTest, releaseSharedDevice } from './fixture.js';
import { compareGrids, compareLayer, expectCompiles, gridSummary, newGridStats, pspPeak } from './event-helpers.js';
import { eventLifForwardSpec } from '../../kernels/neurons/event-lif-forward.js';
import { eventLifForward, SpikeCapacityError } from '../../src/layers/event-lif-forward.js';
import { eventForward, freeVoltage, type EventLifSpec, type EventSpike, type InputSpike } from '../../src/reference/event-lif.js';
import { createRng, type Rng } from '../../src/reference/random.js';
import type { Float64Weights } from '../../src/reference/lif-network.js';

afterAll(releaseSharedDevice);

const GRID_STEPS_MS = [1, 0.5, 0.1] as const;
const BATCH = 4;

interface Case {
  label: string;
  spec: EventLifSpec;
  weights: Float64Weights;
  input: InputSpike[][];
}

function randomCase(seed: number, hidden: number[], tauMemMs: number, tauSynMs: number, onGrid = false): Case {
  const rng: Rng = createRng(seed);
  const inputs = 6;
  const outputs = 3;
  const spec: EventLifSpec = {
    inputs,
    hidden: hidden.map((size) => ({ size, recurrent: false })),
    outputs,
    output: 'spiking',
    tauMemMs,
    tauSynMs,
    threshold: 1,
    durationMs: 30,
  };
  const gain = 1 / pspPeak(tauMemMs, tauSynMs);
  const u = (n: number, lo: number, hi: number) => Float64Array.from({ length: n }, () => rng.uniform(lo, hi));
  let fanIn = inputs;
  const layers = hidden.map((size) => {
    const scale = (gain * inputs) / fanIn;
    const w = u(size * fanIn, -0.5 * scale, 0.9 * scale);
    fanIn = size;
    return { w };
  });
  const readout = u(outputs * fanIn, (-0.5 * gain * inputs) / fanIn, (1.0 * gain * inputs) / fanIn);
  const input = Array.from({ length: BATCH }, () => {
    const spikes: InputSpike[] = [];
    for (let i = 0; i < inputs; i++) {
      const n = 1 + rng.int(3);
      for (let k = 0; k < n; k++) {
        const t = rng.uniform(0, 22);
        // onGrid: half of the inputs exactly on a grid point of every grid step
        spikes.push({ time: onGrid && k % 2 === 0 ? Math.round(t) : t, neuron: i });
      }
    }
    return spikes;
  });
  return { label: `${inputs}-${hidden.join('-')}-${outputs} τ_mem ${tauMemMs} τ_syn ${tauSynMs} seed ${seed}${onGrid ? ' (inputs on grid points)' : ''}`, spec, weights: { hidden: layers, readout }, input };
}

/** A spike that compareLayer matches out of order must be near-tied with the reference spike in its place. */
const REORDER_NEAR_TIED = true;

/** Times of the spikes that layer l of sample b receives (reference). */
function inputTimesOf(c: Case, ref: readonly EventSpike[], b: number, l: number): number[] {
  return l === 0 ? c.input[b].map((s) => s.time) : ref.filter((s) => s.layer === l - 1).map((s) => s.time);
}

/** The current at a spike at `time` is ambiguous by one weight when an input arrives within 2·tol of it. */
const nearInput = (inputTimes: readonly number[], tol: number) => (time: number) => inputTimes.some((t) => Math.abs(t - time) <= 2 * tol);

const CASES: Case[] = [
  // τ_mem = 2·τ_syn: closed form
  randomCase(1, [9], 10, 5),
  randomCase(2, [8, 7], 10, 5),
  randomCase(6, [37, 23], 10, 5),
  // τ_mem = 4·τ_syn: safeguarded Newton/bisection
  randomCase(3, [9], 20, 5),
  randomCase(4, [8, 7], 20, 5),
  randomCase(7, [37, 23], 20, 5, true),
  // τ_syn = 2·τ_mem: closed form in e^{−s/τ_syn}
  randomCase(5, [8, 6], 5, 10),
];

describe('event-LIF hybrid forward kernel matches the float64 event-driven reference', () => {
  gpuTest('compiles without warnings for every solver', async ({ device }) => {
    for (const solver of ['newton', 'quadratic-mem', 'quadratic-syn'] as const) await expectCompiles(device, eventLifForwardSpec(solver), `/${solver}`);
  });

  const stats = newGridStats();
  for (const c of CASES) {
    gpuTest(c.label, async ({ device }) => {
      const tol = 1e-4 * c.spec.tauSynMs;
      const refs = c.input.map((inp) => eventForward(c.spec, c.weights, inp).spikes);
      const layerCount = c.spec.hidden.length + 1;
      const capacity = 16 * Math.max(...c.spec.hidden.map((h) => h.size));
      // each grid against the reference, then the three grids with each other
      const total = await compareGrids(c.spec, {
        run: async (gridStepMs) => (await eventLifForward(device, c.spec, c.weights, c.input, { gridStepMs, capacity })).layers,
        refs, grids: GRID_STEPS_MS, layerCount, tol,
        ambiguous: (b, l) => nearInput(inputTimesOf(c, refs[b], b, l), tol),
        nearTiedReorder: REORDER_NEAR_TIED,
      }, stats);
      // every layer fires, and the deeper layers too
      expect(total).toBeGreaterThan(20 * GRID_STEPS_MS.length);
      for (let l = 0; l < layerCount; l++) expect(refs.some((r) => r.some((s) => s.layer === l)), `layer ${l} fires`).toBe(true);
    });
  }

  gpuTest('a long input train (hundreds of input spikes per sample) keeps f32 spike times within 1e-4·τ_syn', async ({ device }) => {
    // 60 channels × ~14 spikes over 30 ms: ~850 input spikes per sample into one layer
    const rng = createRng(11);
    const inputs = 60;
    const size = 24;
    const spec: EventLifSpec = { inputs, hidden: [{ size, recurrent: false }], outputs: 1, output: 'readout', tauMemMs: 20, tauSynMs: 5, threshold: 1, durationMs: 30 };
    const gain = 1 / pspPeak(20, 5);
    const w = Float64Array.from({ length: size * inputs }, () => rng.uniform(-0.1, 0.16) * gain);
    const weights = { hidden: [{ w }], readout: new Float64Array(size) };
    const input = Array.from({ length: BATCH }, () =>
      Array.from({ length: inputs }, (_, i) => Array.from({ length: 10 + rng.int(9) }, () => ({ time: rng.uniform(0, 30), neuron: i }))).flat(),
    );
    expect(Math.min(...input.map((s) => s.length))).toBeGreaterThan(700);
    const tol = 1e-4 * spec.tauSynMs;
    const refs = input.map((inp) => eventForward(spec, weights, inp).spikes);
    const fired = refs.reduce((n, r) => n + r.length, 0);
    expect(fired).toBeGreaterThan(20 * BATCH);
    let worst = 0;
    for (const gridStepMs of GRID_STEPS_MS) {
      const gpu = await eventLifForward(device, spec, weights, input, { gridStepMs, capacity: 64 * size });
      for (let b = 0; b < BATCH; b++) {
        const where = `long train, grid ${gridStepMs} ms, sample ${b}`;
        worst = Math.max(worst, compareLayer(gpu.layers[0][b], refs[b], tol, nearInput(input[b].map((s) => s.time), tol), where, REORDER_NEAR_TIED));
      }
    }
    console.log(`long input train: ${fired / BATCH} spikes per sample, max |t_gpu − t_ref| / τ_syn ${(worst / spec.tauSynMs).toExponential(2)}`);
  });

  gpuTest('a rise above threshold and fall back within one grid step is a spike', async ({ device }) => {
    // one input of weight just above the PSP threshold: V peaks slightly above ϑ and falls back within ~1 ms
    const spec: EventLifSpec = { inputs: 1, hidden: [{ size: 1, recurrent: false }], outputs: 1, output: 'readout', tauMemMs: 20, tauSynMs: 5, threshold: 1, durationMs: 30 };
    const w = 1.0005 / pspPeak(20, 5);
    const weights = { hidden: [{ w: Float64Array.of(w) }], readout: Float64Array.of(0) };
    const input = [[{ time: 0.1, neuron: 0 }]];
    // below ϑ at every grid point (0, 10, 20, 30 ms): only the extremum test finds it
    for (const t of [10, 20, 30]) expect(freeVoltage(0, w, t - 0.1, 20, 5)).toBeLessThan(1);
    const ref = eventForward(spec, weights, input[0]).spikes;
    expect(ref.length).toBe(1);
    const gpu = await eventLifForward(device, spec, weights, input, { gridStepMs: 10, capacity: 4 });
    expect(gpu.spikes[0].length).toBe(1);
    expect(Math.abs(gpu.spikes[0][0].time - ref[0].time)).toBeLessThanOrEqual(1e-4 * spec.tauSynMs);
  });

  gpuTest('a sample that overflows its spike capacity raises a clear error (or grows)', async ({ device }) => {
    const c = CASES[0];
    const big = await eventLifForward(device, c.spec, c.weights, c.input, { gridStepMs: 0.5, capacity: 128 });
    const most = Math.max(...big.layers[0].map((s) => s.length));
    expect(most).toBeGreaterThan(2);
    const small = eventLifForward(device, c.spec, c.weights, c.input, { gridStepMs: 0.5, capacity: 2 });
    await expect(small).rejects.toBeInstanceOf(SpikeCapacityError);
    await expect(eventLifForward(device, c.spec, c.weights, c.input, { gridStepMs: 0.5, capacity: 2 })).rejects.toThrow(
      /layer 0, sample \d+ produced at least \d+ spikes but the capacity is 2 per sample/,
    );
    const grown = await eventLifForward(device, c.spec, c.weights, c.input, { gridStepMs: 0.5, capacity: 2, onOverflow: 'grow' });
    expect(grown.capacities[0]).toBeGreaterThanOrEqual(most);
    expect(grown.layers.map((l) => l.map((s) => s.map((x) => `${x.neuron}@${x.time}`)))).toEqual(
      big.layers.map((l) => l.map((s) => s.map((x) => `${x.neuron}@${x.time}`))),
    );
  });

  afterAll(() => {
    if (stats.maxErr.size) console.log(gridSummary(stats, 'grid 0.5 or 0.1 ms'));
  });
});
