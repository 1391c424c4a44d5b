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
import {
  acceptedBatch, clipInWidestGap, compareGrids, countIfSameSpikes, drawInput, expectCompiles, expectWithinTolerance, gridSummary, lossAndOutputErrors,
  meanOf, newGridStats, newSeen, randomNet, relErr, REL_TOL, SLOPE_MARGIN, type AcceptedBatch, type Net,
} from './event-helpers.js';
import { eventLifRecurrentForwardSpec, MAX_RECURRENT_NEURONS } from '../../kernels/neurons/event-lif-recurrent-forward.js';
import { eventPropRecurrentSpec } from '../../kernels/grad/eventprop-recurrent.js';
import { eventLifForward, SpikeCapacityError } from '../../src/layers/event-lif-forward.js';
import { eventPropGradients } from '../../src/methods/eventprop-gpu.js';
import { eventForward, type EventLifSpec, type EventSpike, type InputSpike } from '../../src/reference/event-lif.js';
import type { EventLoss, EventPropResult } from '../../src/reference/eventprop.js';
import { createRng } from '../../src/reference/random.js';

afterAll(releaseSharedDevice);

const GRID_STEPS_MS = [1, 0.5, 0.1] as const;

/** Times of the events that reach layer l of a sample: its input spikes, and its own spikes if it is recurrent. */
function eventTimesOf(spec: EventLifSpec, input: readonly InputSpike[], ref: readonly EventSpike[], l: number): number[] {
  const times = l === 0 ? input.map((s) => s.time) : ref.filter((s) => s.layer === l - 1).map((s) => s.time);
  if (l < spec.hidden.length && spec.hidden[l].recurrent) times.push(...ref.filter((s) => s.layer === l).map((s) => s.time));
  return times;
}

/**
 * The current at a spike at `time` is ambiguous where another event reaching
 * the layer (an event at exactly that time is the spike itself) lies within 2·tol.
 */
const nearOtherEvent = (eventTimes: readonly number[], tol: number) => (time: number) => eventTimes.some((t) => t !== time && Math.abs(t - time) <= 2 * tol);

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
      for (const wg of [32, 256]) await expectCompiles(device, eventLifRecurrentForwardSpec(solver, wg), `/${solver}/${wg}`);
    }
  });

  const stats = newGridStats();
  for (const c of FORWARD_CASES) {
    gpuTest(c.label, async ({ device }) => {
      const tol = 1e-4 * c.spec.tauSynMs;
      const refs = c.input.map((inp) => eventForward(c.spec, c.weights, inp).spikes);
      const layerCount = c.spec.hidden.length + (c.spec.output === 'spiking' ? 1 : 0);
      const run = async (gridStepMs: number) => {
        const t0 = performance.now();
        const gpu = await eventLifForward(device, c.spec, c.weights, c.input, { gridStepMs, capacity: 64, onOverflow: 'grow' });
        if (process.env.EVENTPROP_VERBOSE) console.log(`${c.label} grid ${gridStepMs}: ${(performance.now() - t0).toFixed(0)} ms`);
        return gpu.layers;
      };
      const ambiguous = (b: number, l: number) => nearOtherEvent(eventTimesOf(c.spec, c.input[b], refs[b], l), tol);
      // each grid against the reference, then every grid with the first
      await compareGrids(c.spec, { run, refs, grids: c.grids, layerCount, tol, ambiguous }, stats);
      // the recurrent layers fire, and their recurrent input matters: without v the spikes differ
      c.spec.hidden.forEach((h, l) => {
        if (!h.recurrent) return;
        expect(refs.reduce((n, r) => n + r.filter((s) => s.layer === l).length, 0), `layer ${l} fires`).toBeGreaterThan(2 * c.input.length);
      });
      const noV = { ...c.weights, hidden: c.weights.hidden.map((h) => (h.v ? { w: h.w, v: new Float64Array(h.v.length) } : h)) };
      const without = c.input.map((inp) => eventForward(c.spec, noV, inp).spikes);
      expect(without.map((s) => s.map((x) => x.time).join()).join('|'), 'the recurrent weights change the spikes').not.toBe(refs.map((s) => s.map((x) => x.time).join()).join('|'));
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
    if (stats.maxErr.size) console.log(`recurrent forward: ${gridSummary(stats, 'grid 0.5 or 0.1 ms')}`);
  });
});

type GradCase = Net & AcceptedBatch;

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
  // with a spiking output layer, some output neuron fires
  const outputFires = (ref: EventPropResult) => output === 'readout' || ref.forward.spikes.some((sp) => sp.layer === hidden.length);
  const drawn = acceptedBatch(rng, net, batch, (label) => lossOf(output, label), 20 * batch, outputFires);
  return drawn && { ...net, label: `${net.label} batch ${batch} seed ${seed}`, ...drawn };
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
    for (const wg of [32, 64, 256]) await expectCompiles(device, eventPropRecurrentSpec(wg), `/${wg}`);
  });

  const worst = new Map<string, number>();
  const seen = newSeen();
  gpuTest('random networks with recurrent layers, 1 and 2 hidden layers: loss and gradients of w, v and the output weights', async ({ device }) => {
    for (const [seed, hidden, tm, ts, batch, output = 'readout'] of GRAD_CONFIGS) {
      const c = gradCase(seed, hidden, tm, ts, batch, output);
      if (!c) {
        seen.skipped++;
        continue;
      }
      const t0 = performance.now();
      const firstSpike = output === 'spiking' ? FIRST_SPIKE : undefined;
      const gpu = await eventPropGradients(device, c.spec, c.weights, c.input, c.labels, { gridStepMs: 0.5, capacity: 64, onOverflow: 'grow', firstSpike });
      const ms = performance.now() - t0;
      if (!countIfSameSpikes(seen, c, gpu, 1e-3 * ts)) continue;
      const errs = lossAndOutputErrors(gpu, c.refs, output === 'readout' ? 'readout' : 'spiking output');
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
      expectWithinTolerance(errs, c.label, worst, `${c.label} (${ms.toFixed(0)} ms):`);
      expect(gpu.clipped).toBe(0);
    }
    expect(seen.ran, `${seen.ran} cases ran, ${seen.skipped} skipped`).toBeGreaterThanOrEqual(GRAD_CONFIGS.length - 1);
  }, 60_000);

  gpuTest('minSlope clips 1/V̇ in a recurrent layer and counts it, as the reference does', async ({ device }) => {
    const c = gradCase(205, ['9r', '6r'], 20, 5, 4)!;
    const { gpu, refs } = await clipInWidestGap(c, (label) => ({ kind: 'max-voltage', label }), (minSlope) =>
      eventPropGradients(device, c.spec, c.weights, c.input, c.labels, { gridStepMs: 0.5, capacity: 64, minSlope }),
    );
    for (let l = 0; l < c.spec.hidden.length; l++) {
      expect(relErr(gpu.gradients.hidden[l].w, meanOf(refs, (r) => r.grads.hidden[l].w)), `hidden${l} w`).toBeLessThanOrEqual(REL_TOL);
      expect(relErr(gpu.gradients.hidden[l].v!, meanOf(refs, (r) => r.grads.hidden[l].v!)), `hidden${l} v`).toBeLessThanOrEqual(REL_TOL);
    }
  });

  afterAll(() => {
    if (worst.size) {
      console.log(
        `GPU EventProp, recurrent: ${seen.ran} batches compared (${seen.spikes} spikes; ${seen.redrawn} samples redrawn for I − ϑ < ${SLOPE_MARGIN}), ${seen.skipped} skipped\n` +
          [...worst].map(([k, e]) => `  max relative error ${k}: ${e.toExponential(2)}`).join('\n'),
      );
    }
  });
});
