/**
 * GPU EventProp (src/methods/eventprop-gpu.ts: readout maximum kernel, readout
 * and hidden-layer adjoint kernels) against the float64 reference
 * (src/reference/eventprop.ts, run per sample and averaged): random feed-forward
 * networks with one and two hidden layers, batch 4, max-over-time voltage loss
 * (eq. 4 of papers/003), τ_mem/τ_syn = 4 (Newton) and 2 (closed form).
 * Weights and input times are float32 values, so both sides see the same
 * network. A batch is used only where every reference spike crosses with
 * τ_mem·V̇⁻ = I − ϑ ≥ SLOPE_MARGIN (the gradient diverges like 1/(I − ϑ)) and the
 * GPU forward pass has the reference's spikes; other samples are redrawn.
 */
import { afterAll, describe, expect } from 'vitest';
import { gpuTest, releaseSharedDevice } from './fixture.js';
import { compilationMessages } from '../../kernels/kernel.js';
import { eventReadoutMaxSpec } from '../../kernels/neurons/event-readout-max.js';
import { eventPropReadoutSpec } from '../../kernels/grad/eventprop-readout.js';
import { eventPropHiddenSpec } from '../../kernels/grad/eventprop-hidden.js';
import { eventPropGradients } from '../../src/methods/eventprop-gpu.js';
import { eventForward, freeVoltage, type EventLifSpec, type InputSpike } from '../../src/reference/event-lif.js';
import { eventProp, type EventPropResult } from '../../src/reference/eventprop.js';
import { createRng, type Rng } from '../../src/reference/random.js';
import type { Float64Weights } from '../../src/reference/lif-network.js';

afterAll(releaseSharedDevice);

const INPUTS = 5;
const OUTPUTS = 3;
/** smallest I − ϑ at a reference spike in an accepted sample */
const SLOPE_MARGIN = 0.1;
/** the bound: relative error per tensor */
const REL_TOL = 1e-3;

function pspPeak(tauMem: number, tauSyn: number): number {
  const s = Math.log(tauMem / tauSyn) / (1 / tauSyn - 1 / tauMem);
  return freeVoltage(0, 1, s, tauMem, tauSyn);
}

interface Case {
  label: string;
  spec: EventLifSpec;
  weights: Float64Weights;
  input: InputSpike[][];
  labels: number[];
  refs: EventPropResult[];
  redrawn: number;
}

const f32 = (x: number) => Math.fround(x);

function drawInput(rng: Rng): InputSpike[] {
  const spikes: InputSpike[] = [];
  for (let i = 0; i < INPUTS; i++) {
    const n = 1 + rng.int(3);
    for (let k = 0; k < n; k++) spikes.push({ time: f32(rng.uniform(0, 20)), neuron: i });
  }
  return spikes;
}

/** A random network and a batch whose reference spikes all cross with I − ϑ ≥ SLOPE_MARGIN (null if too many redraws). */
function randomCase(seed: number, hidden: number[], tauMemMs: number, tauSynMs: number, batch = 4): Case | null {
  const rng = createRng(seed);
  const spec: EventLifSpec = {
    inputs: INPUTS,
    hidden: hidden.map((size) => ({ size, recurrent: false })),
    outputs: OUTPUTS,
    output: 'readout',
    tauMemMs,
    tauSynMs,
    threshold: 1,
    durationMs: 30,
  };
  const gain = pspPeak(20, 5) / pspPeak(tauMemMs, tauSynMs);
  const u = (n: number, lo: number, hi: number) => Float64Array.from({ length: n }, () => f32(rng.uniform(lo, hi)));
  let fanIn = INPUTS;
  const layers = hidden.map((size) => {
    const scale = (gain * 6) / Math.max(6, fanIn);
    const w = u(size * fanIn, -1 * scale, (fanIn === INPUTS ? 4 : 3.5) * scale);
    fanIn = size;
    return { w };
  });
  const weights: Float64Weights = { hidden: layers, readout: u(OUTPUTS * fanIn, -1, 1) };
  const input: InputSpike[][] = [];
  const labels: number[] = [];
  const refs: EventPropResult[] = [];
  let redrawn = 0;
  while (input.length < batch) {
    if (redrawn > 10 * batch) return null;
    const sample = drawInput(rng);
    const label = rng.int(OUTPUTS);
    const ref = eventProp(spec, weights, sample, { kind: 'max-voltage', label });
    const ok = ref.forward.spikes.every((s) => s.current - spec.threshold >= SLOPE_MARGIN) && ref.forward.spikes.length > 0;
    if (!ok) {
      redrawn++;
      continue;
    }
    input.push(sample);
    labels.push(label);
    refs.push(ref);
  }
  return { label: `${INPUTS}-${hidden.join('-')}-${OUTPUTS} τ_mem ${tauMemMs} τ_syn ${tauSynMs} batch ${batch} seed ${seed}`, spec, weights, input, labels, refs, redrawn };
}

/** max |a − b| / max |b| */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    n = Math.max(n, Math.abs(b[i]));
  }
  return n === 0 ? d : d / n;
}

/** seed, hidden sizes, τ_mem, τ_syn, batch (thread counts that are not multiples of the workgroup size included) */
const CONFIGS: [number, number[], number, number, number][] = [
  [11, [6], 20, 5, 4],
  [12, [7, 5], 20, 5, 4],
  [13, [6], 10, 5, 3],
  [14, [7, 5], 10, 5, 5],
  [15, [9, 6], 20, 5, 4],
  [16, [8], 10, 5, 17],
  [17, [23, 17], 20, 5, 4],
  [18, [19, 13], 10, 5, 6],
];

describe('GPU EventProp matches the float64 reference (max-over-time voltage loss)', () => {
  gpuTest('its kernels compile without warnings', async ({ device }) => {
    for (const spec of [eventReadoutMaxSpec(), eventPropReadoutSpec(), eventPropHiddenSpec()]) {
      const messages = await compilationMessages(device, spec);
      expect(messages.map((m) => `${spec.name}: ${m.type}: ${m.message}`)).toEqual([]);
    }
  });

  const worst = new Map<string, number>();
  let ran = 0;
  let skipped = 0;
  let redrawn = 0;
  let spikes = 0;
  const maxKinds = new Set<string>();
  gpuTest('random feed-forward networks, 1 and 2 hidden layers: loss, maxima and gradients', async ({ device }) => {
    for (const [seed, hidden, tm, ts, batch] of CONFIGS) {
      const c = randomCase(seed, hidden, tm, ts, batch);
      if (!c) {
        skipped++;
        continue;
      }
      const gpu = await eventPropGradients(device, c.spec, c.weights, c.input, c.labels, { gridStepMs: 0.5, capacity: 64, onOverflow: 'grow' });
      // the GPU forward pass has the reference's spikes (else the gradients are of another network state)
      const sameSpikes = c.refs.every((r, b) => {
        const g = gpu.spikes[b];
        return g.length === r.forward.spikes.length && r.forward.spikes.every((s, i) => g[i].neuron === s.neuron && g[i].layer === s.layer && Math.abs(g[i].time - s.time) <= 1e-3 * ts);
      });
      if (!sameSpikes) {
        skipped++;
        continue;
      }
      ran++;
      redrawn += c.redrawn;
      spikes += c.refs.reduce((n, r) => n + r.forward.spikes.length, 0);
      const L = c.spec.hidden.length;
      const where = c.label;
      // readout maxima: kind, time, value
      for (let b = 0; b < batch; b++) {
        const rm = c.refs[b].forward.readoutMax!;
        const lastLayer = c.refs[b].forward.spikes.filter((s) => s.layer === L - 1);
        for (let o = 0; o < OUTPUTS; o++) {
          const gm = gpu.maxima[b];
          maxKinds.add(rm.kind[o]);
          expect(gm.kind[o], `${where}, sample ${b}, readout ${o}: kind of the maximum`).toBe(rm.kind[o]);
          expect(Math.abs(gm.value[o] - rm.value[o]), `${where}, sample ${b}, readout ${o}: max V`).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(rm.value[o])));
          expect(Math.abs(gm.time[o] - rm.time[o]), `${where}, sample ${b}, readout ${o}: t_max`).toBeLessThanOrEqual(1e-3 * ts);
          if (rm.kind[o] === 'kink') {
            const refSpike = c.refs[b].forward.spikes[rm.spike[o]];
            expect(lastLayer.indexOf(refSpike), `${where}, sample ${b}, readout ${o}: kink spike`).toBe(gm.spike[o]);
          }
        }
      }
      // loss and gradients, batch mean
      const refLoss = c.refs.reduce((s, r) => s + r.loss.loss, 0) / batch;
      const mean = (pick: (r: EventPropResult) => Float64Array) => {
        const out = new Float64Array(pick(c.refs[0]).length);
        for (const r of c.refs) pick(r).forEach((v, i) => (out[i] += v / batch));
        return out;
      };
      const errs: [string, number][] = [['loss', Math.abs(gpu.loss - refLoss) / Math.abs(refLoss)]];
      errs.push(['readout', relErr(gpu.gradients.readout, mean((r) => r.grads.readout))]);
      for (let l = 0; l < L; l++) errs.push([`hidden${l}`, relErr(gpu.gradients.hidden[l].w, mean((r) => r.grads.hidden[l].w))]);
      if (process.env.EVENTPROP_VERBOSE) console.log(where, errs.map(([n, e]) => `${n} ${e.toExponential(2)}`).join(', '));
      for (const [name, e] of errs) {
        worst.set(name, Math.max(worst.get(name) ?? 0, e));
        expect(e, `${where}: relative error of ${name}`).toBeLessThanOrEqual(REL_TOL);
      }
      // every tensor has a non-trivial gradient
      expect(mean((r) => r.grads.hidden[0].w).some((v) => v !== 0), `${where}: hidden0 gradient is zero`).toBe(true);
      expect(gpu.clipped).toBe(0);
    }
    expect(ran, `${ran} cases ran, ${skipped} skipped`).toBeGreaterThanOrEqual(6);
    expect(maxKinds.has('kink') && maxKinds.has('interior') && maxKinds.has('end'), [...maxKinds].join(', ')).toBe(true);
  }, 60_000);

  gpuTest('minSlope clips 1/V̇ and counts it, as the reference does', async ({ device }) => {
    const c = randomCase(12, [7, 5], 20, 5)!;
    // a bound in the widest gap among the lower half of the slopes I − ϑ, so that f32 and f64 clip the same spikes
    const slopes = c.refs.flatMap((r) => r.forward.spikes.map((s) => s.current - c.spec.threshold)).sort((x, y) => x - y);
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
    const refClipped = refs.reduce((s, r) => s + r.clipped, 0);
    expect(refClipped).toBeGreaterThan(0);
    expect(gpu.clipped).toBe(refClipped);
    for (let l = 0; l < c.spec.hidden.length; l++) {
      const ref = new Float64Array(gpu.gradients.hidden[l].w.length);
      for (const r of refs) r.grads.hidden[l].w.forEach((v, i) => (ref[i] += v / c.input.length));
      expect(relErr(gpu.gradients.hidden[l].w, ref), `hidden${l}`).toBeLessThanOrEqual(REL_TOL);
    }
  });

  gpuTest('a sample without input spikes has maxima at the start and adds no gradient', async ({ device }) => {
    const c = randomCase(13, [6], 10, 5, 3)!;
    const input = [c.input[0], [], c.input[2]];
    const gpu = await eventPropGradients(device, c.spec, c.weights, input, c.labels, { gridStepMs: 0.5, capacity: 64 });
    expect(gpu.maxima[1].kind).toEqual(['start', 'start', 'start']);
    expect(gpu.losses[1]).toBeCloseTo(Math.log(OUTPUTS), 6);
    const refs = [0, 2].map((b) => eventProp(c.spec, c.weights, c.input[b], { kind: 'max-voltage', label: c.labels[b] }));
    const ref = new Float64Array(c.weights.hidden[0].w.length);
    for (const r of refs) r.grads.hidden[0].w.forEach((v, i) => (ref[i] += v / 3));
    expect(relErr(gpu.gradients.hidden[0].w, ref)).toBeLessThanOrEqual(REL_TOL);
  });

  gpuTest('rejects a spiking output layer without the first-spike loss, that loss on a readout, and bad labels', async ({ device }) => {
    const c = randomCase(11, [6], 20, 5)!;
    await expect(eventPropGradients(device, { ...c.spec, output: 'spiking' }, c.weights, c.input, c.labels, { gridStepMs: 0.5, capacity: 64 })).rejects.toThrow(/needs options.firstSpike/);
    const firstSpike = { tau0Ms: 0.5, tau1Ms: 6.4, alpha: 3e-3 };
    await expect(eventPropGradients(device, c.spec, c.weights, c.input, c.labels, { gridStepMs: 0.5, capacity: 64, firstSpike })).rejects.toThrow(/needs spec.output = 'spiking'/);
    await expect(eventPropGradients(device, c.spec, c.weights, c.input, [0, 1], { gridStepMs: 0.5, capacity: 64 })).rejects.toThrow(/2 labels for 4 samples/);
    await expect(eventPropGradients(device, c.spec, c.weights, c.input, [0, 1, 2, 3], { gridStepMs: 0.5, capacity: 64 })).rejects.toThrow(/label 3 must be/);
  });

  afterAll(() => {
    if (worst.size) {
      console.log(
        `GPU EventProp: ${ran} batches compared (${spikes} spikes; ${redrawn} samples redrawn for I − ϑ < ${SLOPE_MARGIN}), ${skipped} skipped; maximum kinds seen: ${[...maxKinds].join(', ')}\n` +
          [...worst].map(([k, e]) => `  max relative error ${k}: ${e.toExponential(2)}`).join('\n'),
      );
    }
  });
});
