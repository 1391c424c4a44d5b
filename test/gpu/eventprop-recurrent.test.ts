/**
 * Recurrent hidden layers of continuous-time LIF neurons on the GPU
 * (papers/003, Table 1 with recurrent weights, Table 2, eq. 2) against the
 * float64 reference (src/reference/event-lif.ts, src/reference/eventprop.ts):
 * - the workgroup-per-sample forward kernel (kernels/neurons/event-lif-recurrent-forward.ts):
 *   spike times of random recurrent networks (recurrent layers alone and mixed
 *   with feed-forward ones; τ_mem/τ_syn = 2, 4 and 1/2) within 1e-4·τ_syn of the
 *   reference for three grid steps, and the same spikes for every grid step; a
 *   layer larger than one workgroup (several neurons per thread, hundreds of
 *   spikes per sample) on one grid step; capacity overflow raises
 *   SpikeCapacityError or grows;
 * - EventProp gradients (src/methods/eventprop-gpu.ts with
 *   kernels/grad/eventprop-recurrent.ts): loss and the gradients of input
 *   weights w, recurrent weights v and output weights, relative error
 *   (max |Δ| / max |ref| per tensor) ≤ 1e-3, on random batches with one and two
 *   hidden layers, at least one of them recurrent, with the max-over-time
 *   voltage loss of a readout (eq. 4) and the first-spike loss of a spiking
 *   output layer (eq. 3); minSlope clipping counted as in the reference. As in test/gpu/eventprop.test.ts
 *   a sample is used only where every reference spike crosses with
 *   τ_mem·V̇⁻ = I − ϑ ≥ SLOPE_MARGIN and the GPU has the reference's spikes.
 * Weights and input times are float32 values, so both sides see the same network.
 */
import { afterAll, describe, expect } from 'vitest';
import { gpuTest, releaseSharedDevice } from './fixture.js';
import { compilationMessages } from '../../kernels/kernel.js';
import { eventLifRecurrentForwardSpec, MAX_RECURRENT_NEURONS } from '../../kernels/neurons/event-lif-recurrent-forward.js';
import { eventPropRecurrentSpec } from '../../kernels/grad/eventprop-recurrent.js';
import { eventLifForward, SpikeCapacityError } from '../../src/layers/event-lif-forward.js';
import { eventPropGradients } from '../../src/methods/eventprop-gpu.js';
import { eventForward, freeVoltage, type EventLifSpec, type EventSpike, type InputSpike } from '../../src/reference/event-lif.js';
import { eventProp, type EventLoss, type EventPropResult } from '../../src/reference/eventprop.js';
import { createRng, type Rng } from '../../src/reference/random.js';
import type { Float64Weights } from '../../src/reference/lif-network.js';

afterAll(releaseSharedDevice);

const GRID_STEPS_MS = [1, 0.5, 0.1] as const;
const f32 = (x: number) => Math.fround(x);

/** Peak of V after a unit weight from rest, to scale weights across τ ratios. */
function pspPeak(tauMem: number, tauSyn: number): number {
  const s = Math.log(tauMem / tauSyn) / (1 / tauSyn - 1 / tauMem);
  return freeVoltage(0, 1, s, tauMem, tauSyn);
}

interface Net {
  label: string;
  spec: EventLifSpec;
  weights: Float64Weights;
}

/** hidden: sizes, a trailing 'r' marks a recurrent layer ('9r', '7'). */
function randomNet(rng: Rng, inputs: number, hidden: string[], outputs: number, tauMemMs: number, tauSynMs: number, output: 'readout' | 'spiking'): Net {
  const layers = hidden.map((h) => ({ size: parseInt(h, 10), recurrent: h.endsWith('r') }));
  const spec: EventLifSpec = { inputs, hidden: layers, outputs, output, tauMemMs, tauSynMs, threshold: 1, durationMs: 30 };
  const gain = pspPeak(20, 5) / pspPeak(tauMemMs, tauSynMs);
  const u = (n: number, lo: number, hi: number) => Float64Array.from({ length: n }, () => f32(rng.uniform(lo, hi)));
  let fanIn = inputs;
  const hiddenW = layers.map((l) => {
    const scale = (gain * 6) / Math.max(6, fanIn);
    const w = u(l.size * fanIn, -1 * scale, (fanIn === inputs ? 4 : 3.5) * scale);
    // recurrent weights of zero mean, scaled down with the layer size
    const rs = (gain * 4) / Math.max(4, l.size);
    const layer = l.recurrent ? { w, v: u(l.size * l.size, -1.2 * rs, 1 * rs) } : { w };
    fanIn = l.size;
    return layer;
  });
  const readout = output === 'readout' ? u(outputs * fanIn, -1, 1) : u(outputs * fanIn, (-0.5 * gain * 6) / fanIn, (1.5 * gain * 6) / fanIn);
  return { label: `${inputs}-${hidden.join('-')}-${outputs} τ_mem ${tauMemMs} τ_syn ${tauSynMs}`, spec, weights: { hidden: hiddenW, readout } };
}

function drawInput(rng: Rng, inputs: number): InputSpike[] {
  const spikes: InputSpike[] = [];
  for (let i = 0; i < inputs; i++) {
    const n = 1 + rng.int(3);
    for (let k = 0; k < n; k++) spikes.push({ time: f32(rng.uniform(0, 20)), neuron: i });
  }
  return spikes;
}

/**
 * Same spikes of the same neurons, times within tol (the order of two spikes
 * whose times lie within tol of each other is free); currents at the spikes
 * within 1e-3 (relative above 1) unless another event reaching the layer lies
 * within 2·tol of the spike. Returns the largest time difference.
 */
function compareLayer(gpu: readonly EventSpike[], ref: readonly EventSpike[], eventTimes: readonly number[], tol: number, where: string): number {
  const count = (list: readonly EventSpike[]) => {
    const m = new Map<number, number>();
    for (const s of list) m.set(s.neuron, (m.get(s.neuron) ?? 0) + 1);
    return [...m.entries()].sort((x, y) => x[0] - y[0]).map(([k, v]) => `n${k}×${v}`).join(' ');
  };
  expect(count(gpu), `${where}: spike counts per neuron`).toBe(count(ref));
  let maxErr = 0;
  const used = new Array<boolean>(gpu.length).fill(false);
  for (let i = 0; i < ref.length; i++) {
    let j = i;
    if (used[j] || gpu[j].neuron !== ref[i].neuron) {
      j = gpu.findIndex((g, q) => !used[q] && g.neuron === ref[i].neuron && Math.abs(g.time - ref[i].time) <= tol);
      expect(j, `${where}: spike ${i} (neuron ${ref[i].neuron} at ${ref[i].time} ms) out of order`).toBeGreaterThanOrEqual(0);
    }
    used[j] = true;
    const err = Math.abs(gpu[j].time - ref[i].time);
    maxErr = Math.max(maxErr, err);
    expect(err, `${where}: spike ${i} of neuron ${ref[i].neuron}: GPU ${gpu[j].time} ms, reference ${ref[i].time} ms`).toBeLessThanOrEqual(tol);
    if (eventTimes.some((t) => t !== ref[i].time && Math.abs(t - ref[i].time) <= 2 * tol)) continue;
    expect(Math.abs(gpu[j].current - ref[i].current), `${where}: current at spike ${i}`).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(ref[i].current)));
  }
  return maxErr;
}

/** Times of the events that reach layer l of a sample: its input spikes, and its own spikes if it is recurrent. */
function eventTimesOf(spec: EventLifSpec, input: readonly InputSpike[], ref: readonly EventSpike[], l: number): number[] {
  const times = l === 0 ? input.map((s) => s.time) : ref.filter((s) => s.layer === l - 1).map((s) => s.time);
  if (l < spec.hidden.length && spec.hidden[l].recurrent) times.push(...ref.filter((s) => s.layer === l).map((s) => s.time));
  return times;
}

interface ForwardCase extends Net {
  input: InputSpike[][];
  grids: readonly number[];
}

function forwardCase(seed: number, hidden: string[], tauMemMs: number, tauSynMs: number, batch: number, output: 'readout' | 'spiking' = 'spiking', grids: readonly number[] = GRID_STEPS_MS): ForwardCase {
  const rng = createRng(seed);
  const net = randomNet(rng, 6, hidden, 3, tauMemMs, tauSynMs, output);
  const gridLabel = grids === GRID_STEPS_MS ? '' : `, grid ${grids.join(', ')} ms`;
  return { ...net, label: `${net.label} seed ${seed}${gridLabel}`, input: Array.from({ length: batch }, () => drawInput(rng, 6)), grids };
}

const FORWARD_CASES: ForwardCase[] = [
  // τ_mem = 2·τ_syn: closed form
  forwardCase(101, ['9r'], 10, 5, 4),
  forwardCase(102, ['8r', '7'], 10, 5, 3),
  // τ_mem = 4·τ_syn: Newton/bisection
  forwardCase(103, ['11r'], 20, 5, 4),
  forwardCase(104, ['7', '9r'], 20, 5, 3),
  forwardCase(105, ['37r', '23r'], 20, 5, 2),
  // τ_syn = 2·τ_mem: closed form in e^{−s/τ_syn}
  forwardCase(106, ['8r', '6r'], 5, 10, 3),
  // more neurons than threads (several neurons per thread), hundreds of spikes per sample; one grid step (slow on a CPU adapter)
  forwardCase(107, ['270r'], 20, 5, 1, 'readout', [0.5]),
];

describe('recurrent event-LIF forward kernel matches the float64 reference', () => {
  gpuTest('compiles without warnings', async ({ device }) => {
    for (const solver of ['newton', 'quadratic-mem', 'quadratic-syn'] as const) {
      for (const wg of [32, 256]) {
        const spec = eventLifRecurrentForwardSpec(solver, wg);
        const messages = await compilationMessages(device, spec);
        expect(messages.map((m) => `${spec.name}/${solver}/${wg}: ${m.type}: ${m.message}`)).toEqual([]);
      }
    }
  });

  const maxErr = new Map<string, number>();
  let maxGridDiff = 0;
  let spikesCompared = 0;
  for (const c of FORWARD_CASES) {
    gpuTest(c.label, async ({ device }) => {
      const tol = 1e-4 * c.spec.tauSynMs;
      const refs = c.input.map((inp) => eventForward(c.spec, c.weights, inp).spikes);
      const layerCount = c.spec.hidden.length + (c.spec.output === 'spiking' ? 1 : 0);
      const perGrid: EventSpike[][][][] = [];
      let total = 0;
      for (const gridStepMs of c.grids) {
        const t0 = performance.now();
        const gpu = await eventLifForward(device, c.spec, c.weights, c.input, { gridStepMs, capacity: 64, onOverflow: 'grow' });
        if (process.env.EVENTPROP_VERBOSE) console.log(`${c.label} grid ${gridStepMs}: ${(performance.now() - t0).toFixed(0)} ms`);
        perGrid.push(gpu.layers);
        let err = 0;
        for (let b = 0; b < c.input.length; b++) {
          for (let l = 0; l < layerCount; l++) {
            const ref = refs[b].filter((s) => s.layer === l);
            total += ref.length;
            err = Math.max(err, compareLayer(gpu.layers[l][b], ref, eventTimesOf(c.spec, c.input[b], refs[b], l), tol, `grid ${gridStepMs} ms, sample ${b}, layer ${l}`));
          }
        }
        const key = `τ_mem/τ_syn ${c.spec.tauMemMs / c.spec.tauSynMs}, grid ${gridStepMs} ms`;
        maxErr.set(key, Math.max(maxErr.get(key) ?? 0, err / c.spec.tauSynMs));
      }
      spikesCompared += total;
      // the recurrent layers fire, and their recurrent input matters: without v the spikes differ
      c.spec.hidden.forEach((h, l) => {
        if (!h.recurrent) return;
        expect(refs.reduce((n, r) => n + r.filter((s) => s.layer === l).length, 0), `layer ${l} fires`).toBeGreaterThan(2 * c.input.length);
      });
      const noV = { ...c.weights, hidden: c.weights.hidden.map((h) => (h.v ? { w: h.w, v: new Float64Array(h.v.length) } : h)) };
      const without = c.input.map((inp) => eventForward(c.spec, noV, inp).spikes);
      expect(without.map((s) => s.map((x) => x.time).join()).join('|'), 'the recurrent weights change the spikes').not.toBe(refs.map((s) => s.map((x) => x.time).join()).join('|'));
      for (let g = 1; g < perGrid.length; g++) {
        for (let l = 0; l < layerCount; l++) for (let b = 0; b < c.input.length; b++) {
          const d = compareLayer(perGrid[g][l][b], perGrid[0][l][b], eventTimesOf(c.spec, c.input[b], refs[b], l), tol, `grid ${c.grids[g]} vs ${c.grids[0]} ms, sample ${b}, layer ${l}`);
          maxGridDiff = Math.max(maxGridDiff, d / c.spec.tauSynMs);
        }
      }
    });
  }

  gpuTest('a sample that overflows its spike capacity raises a clear error (or grows)', async ({ device }) => {
    const c = FORWARD_CASES[0];
    const big = await eventLifForward(device, c.spec, c.weights, c.input, { gridStepMs: 0.5, capacity: 256 });
    const most = Math.max(...big.layers[0].map((s) => s.length));
    expect(most).toBeGreaterThan(3);
    await expect(eventLifForward(device, c.spec, c.weights, c.input, { gridStepMs: 0.5, capacity: 3 })).rejects.toBeInstanceOf(SpikeCapacityError);
    await expect(eventLifForward(device, c.spec, c.weights, c.input, { gridStepMs: 0.5, capacity: 3 })).rejects.toThrow(
      /layer 0, sample \d+ produced at least \d+ spikes but the capacity is 3 per sample/,
    );
    const grown = await eventLifForward(device, c.spec, c.weights, c.input, { gridStepMs: 0.5, capacity: 3, onOverflow: 'grow' });
    expect(grown.capacities[0]).toBeGreaterThanOrEqual(most);
    const key = (r: typeof big) => r.layers.map((l) => l.map((s) => s.map((x) => `${x.neuron}@${x.time}`)));
    expect(key(grown)).toEqual(key(big));
    // a sample without input spikes stays silent, the others are unchanged
    const withEmpty = await eventLifForward(device, c.spec, c.weights, [[], ...c.input], { gridStepMs: 0.5, capacity: 256 });
    expect(withEmpty.layers.map((l) => l[0].length)).toEqual(withEmpty.layers.map(() => 0));
    expect(key({ ...withEmpty, layers: withEmpty.layers.map((l) => l.slice(1)) })).toEqual(key(big));
  });

  gpuTest('rejects a recurrent layer larger than the kernel holds', async ({ device }) => {
    const n = MAX_RECURRENT_NEURONS + 1;
    const spec: EventLifSpec = { inputs: 2, hidden: [{ size: n, recurrent: true }], outputs: 1, output: 'readout', tauMemMs: 20, tauSynMs: 5, threshold: 1, durationMs: 30 };
    const sized = (length: number): ArrayLike<number> => ({ length });
    const weights = { hidden: [{ w: sized(2 * n), v: sized(n * n) }], readout: sized(n) };
    await expect(eventLifForward(device, spec, weights, [[{ time: 1, neuron: 0 }]], { gridStepMs: 1, capacity: 8 })).rejects.toThrow(
      new RegExp(`recurrent hidden\\[0\\] has ${n} neurons, at most ${MAX_RECURRENT_NEURONS}`),
    );
  });

  afterAll(() => {
    if (maxErr.size) {
      console.log(
        `recurrent forward: ${spikesCompared} spike times compared; max |t_gpu − t_ref| / τ_syn:\n` +
          [...maxErr].map(([k, e]) => `  ${k}: ${e.toExponential(2)}`).join('\n') +
          `\nmax |t(grid 0.5 or 0.1 ms) − t(grid 1 ms)| / τ_syn: ${maxGridDiff.toExponential(2)}`,
      );
    }
  });
});

/** smallest I − ϑ at a reference spike in an accepted sample */
const SLOPE_MARGIN = 0.1;
/** the bound: relative error per tensor */
const REL_TOL = 1e-3;

interface GradCase extends Net {
  input: InputSpike[][];
  labels: number[];
  refs: EventPropResult[];
  redrawn: number;
}

/** Table 3 of papers/003 */
const FIRST_SPIKE = { tau0Ms: 0.5, tau1Ms: 6.4, alpha: 3e-3 } as const;

const lossOf = (output: 'readout' | 'spiking', label: number): EventLoss =>
  output === 'readout' ? { kind: 'max-voltage', label } : { kind: 'first-spike', label, ...FIRST_SPIKE };

/**
 * A random network and a batch whose reference spikes all cross with
 * I − ϑ ≥ SLOPE_MARGIN (with a spiking output layer: and some output neuron
 * fires); null if too many redraws.
 */
function gradCase(seed: number, hidden: string[], tauMemMs: number, tauSynMs: number, batch: number, output: 'readout' | 'spiking' = 'readout'): GradCase | null {
  const rng = createRng(seed);
  const inputs = 5;
  const outputs = 3;
  const net = randomNet(rng, inputs, hidden, outputs, tauMemMs, tauSynMs, output);
  const input: InputSpike[][] = [];
  const labels: number[] = [];
  const refs: EventPropResult[] = [];
  let redrawn = 0;
  while (input.length < batch) {
    if (redrawn > 20 * batch) return null;
    const sample = drawInput(rng, inputs);
    const label = rng.int(outputs);
    const ref = eventProp(net.spec, net.weights, sample, lossOf(output, label));
    const ok =
      ref.forward.spikes.length > 0 &&
      ref.forward.spikes.every((sp) => sp.current - net.spec.threshold >= SLOPE_MARGIN) &&
      (output === 'readout' || ref.forward.spikes.some((sp) => sp.layer === hidden.length));
    if (!ok) {
      redrawn++;
      continue;
    }
    input.push(sample);
    labels.push(label);
    refs.push(ref);
  }
  return { ...net, label: `${net.label} batch ${batch} seed ${seed}`, input, labels, refs, redrawn };
}

/** max |a − b| / max |b| */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    n = Math.max(n, Math.abs(b[i]));
  }
  return n === 0 ? d : d / n;
}

/** batch mean of a reference gradient tensor */
function meanOf(refs: readonly EventPropResult[], pick: (r: EventPropResult) => Float64Array): Float64Array {
  const out = new Float64Array(pick(refs[0]).length);
  for (const r of refs) pick(r).forEach((v, i) => (out[i] += v / refs.length));
  return out;
}

/** seed, hidden layers ('r': recurrent), τ_mem, τ_syn, batch, output layer (default readout, max-over-time voltage loss) */
const GRAD_CONFIGS: [number, string[], number, number, number, ('readout' | 'spiking')?][] = [
  [201, ['6r'], 20, 5, 4],
  [202, ['8r'], 10, 5, 5],
  [203, ['7r', '5'], 20, 5, 4],
  [204, ['7', '6r'], 10, 5, 3],
  [205, ['9r', '6r'], 20, 5, 4],
  [206, ['23r', '17r'], 10, 5, 3],
  [207, ['40r'], 20, 5, 2],
  // spiking output layer, first-spike loss (eq. 3)
  [208, ['8r'], 20, 5, 4, 'spiking'],
  [209, ['7r', '5r'], 10, 5, 3, 'spiking'],
];

describe('GPU EventProp of recurrent networks matches the float64 reference', () => {
  gpuTest('the backward kernel compiles without warnings', async ({ device }) => {
    for (const wg of [32, 64, 256]) {
      const spec = eventPropRecurrentSpec(wg);
      const messages = await compilationMessages(device, spec);
      expect(messages.map((m) => `${spec.name}/${wg}: ${m.type}: ${m.message}`)).toEqual([]);
    }
  });

  const worst = new Map<string, number>();
  let ran = 0;
  let skipped = 0;
  let redrawn = 0;
  let spikes = 0;
  gpuTest('random networks with recurrent layers, 1 and 2 hidden layers: loss and gradients of w, v and the output weights', async ({ device }) => {
    for (const [seed, hidden, tm, ts, batch, output = 'readout'] of GRAD_CONFIGS) {
      const c = gradCase(seed, hidden, tm, ts, batch, output);
      if (!c) {
        skipped++;
        continue;
      }
      const t0 = performance.now();
      const firstSpike = output === 'spiking' ? FIRST_SPIKE : undefined;
      const gpu = await eventPropGradients(device, c.spec, c.weights, c.input, c.labels, { gridStepMs: 0.5, capacity: 64, onOverflow: 'grow', firstSpike });
      const ms = performance.now() - t0;
      // the GPU forward pass has the reference's spikes (else the gradients are of another network state)
      const sameSpikes = c.refs.every((r, b) => {
        const g = gpu.spikes[b];
        return g.length === r.forward.spikes.length && r.forward.spikes.every((sp, i) => g[i].neuron === sp.neuron && g[i].layer === sp.layer && Math.abs(g[i].time - sp.time) <= 1e-3 * ts);
      });
      if (!sameSpikes) {
        skipped++;
        continue;
      }
      ran++;
      redrawn += c.redrawn;
      spikes += c.refs.reduce((n, r) => n + r.forward.spikes.length, 0);
      const refLoss = c.refs.reduce((sum, r) => sum + r.loss.loss, 0) / batch;
      const errs: [string, number][] = [['loss', Math.abs(gpu.loss - refLoss) / Math.abs(refLoss)]];
      errs.push([output === 'readout' ? 'readout' : 'spiking output', relErr(gpu.gradients.readout, meanOf(c.refs, (r) => r.grads.readout))]);
      c.spec.hidden.forEach((h, l) => {
        errs.push([`w (${h.recurrent ? 'recurrent' : 'feed-forward'} layer)`, relErr(gpu.gradients.hidden[l].w, meanOf(c.refs, (r) => r.grads.hidden[l].w))]);
        if (!h.recurrent) {
          expect(gpu.gradients.hidden[l].v, `${c.label}: layer ${l} has no v`).toBeUndefined();
          return;
        }
        const refV = meanOf(c.refs, (r) => r.grads.hidden[l].v!);
        // a non-trivial recurrent gradient (the diagonal, no self-connections, stays 0)
        expect(refV.some((x) => x !== 0), `${c.label}: layer ${l} dL/dv is zero`).toBe(true);
        const gpuV = gpu.gradients.hidden[l].v!;
        for (let n = 0; n < h.size; n++) expect(gpuV[n * h.size + n], `${c.label}: layer ${l} dL/dv diagonal`).toBe(0);
        errs.push(['v', relErr(gpuV, refV)]);
      });
      if (process.env.EVENTPROP_VERBOSE) console.log(`${c.label} (${ms.toFixed(0)} ms):`, errs.map(([n, e]) => `${n} ${e.toExponential(2)}`).join(', '));
      for (const [name, e] of errs) {
        worst.set(name, Math.max(worst.get(name) ?? 0, e));
        expect(e, `${c.label}: relative error of ${name}`).toBeLessThanOrEqual(REL_TOL);
      }
      expect(gpu.clipped).toBe(0);
    }
    expect(ran, `${ran} cases ran, ${skipped} skipped`).toBeGreaterThanOrEqual(GRAD_CONFIGS.length - 1);
  }, 60_000);

  gpuTest('minSlope clips 1/V̇ in a recurrent layer and counts it, as the reference does', async ({ device }) => {
    const c = gradCase(205, ['9r', '6r'], 20, 5, 4)!;
    // a bound in the widest gap among the lower half of the slopes I − ϑ, so that f32 and f64 clip the same spikes
    const slopes = c.refs.flatMap((r) => r.forward.spikes.map((sp) => sp.current - c.spec.threshold)).sort((x, y) => x - y);
    let minSlope = 0;
    let gap = 0;
    for (let i = 0; i + 1 < slopes.length / 2; i++) {
      if (slopes[i + 1] - slopes[i] > gap) {
        gap = slopes[i + 1] - slopes[i];
        minSlope = 0.5 * (slopes[i] + slopes[i + 1]);
      }
    }
    expect(gap).toBeGreaterThan(1e-3);
    const gpu = await eventPropGradients(device, c.spec, c.weights, c.input, c.labels, { gridStepMs: 0.5, capacity: 64, minSlope });
    const refs = c.input.map((inp, b) => eventProp(c.spec, c.weights, inp, { kind: 'max-voltage', label: c.labels[b] }, { minSlope }));
    const refClipped = refs.reduce((sum, r) => sum + r.clipped, 0);
    expect(refClipped).toBeGreaterThan(0);
    expect(gpu.clipped).toBe(refClipped);
    for (let l = 0; l < c.spec.hidden.length; l++) {
      expect(relErr(gpu.gradients.hidden[l].w, meanOf(refs, (r) => r.grads.hidden[l].w)), `hidden${l} w`).toBeLessThanOrEqual(REL_TOL);
      expect(relErr(gpu.gradients.hidden[l].v!, meanOf(refs, (r) => r.grads.hidden[l].v!)), `hidden${l} v`).toBeLessThanOrEqual(REL_TOL);
    }
  });

  afterAll(() => {
    if (worst.size) {
      console.log(
        `GPU EventProp, recurrent: ${ran} batches compared (${spikes} spikes; ${redrawn} samples redrawn for I − ϑ < ${SLOPE_MARGIN}), ${skipped} skipped\n` +
          [...worst].map(([k, e]) => `  max relative error ${k}: ${e.toExponential(2)}`).join('\n'),
      );
    }
  });
});
