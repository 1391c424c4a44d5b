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
import {
  acceptedBatch, clipInWidestGap, countIfSameSpikes, expectCompiles, expectWithinTolerance, lossAndOutputErrors, meanOf, newSeen, randomNet, relErr,
  REL_TOL, SLOPE_MARGIN, type AcceptedBatch, type Net,
} from './event-helpers.js';
import { eventReadoutMaxSpec } from '../../kernels/neurons/event-readout-max.js';
import { eventPropReadoutSpec } from '../../kernels/grad/eventprop-readout.js';
import { eventPropHiddenSpec } from '../../kernels/grad/eventprop-hidden.js';
import { eventPropGradients } from '../../src/methods/eventprop-gpu.js';
import { eventProp } from '../../src/reference/eventprop.js';
import { createRng } from '../../src/reference/random.js';

afterAll(releaseSharedDevice);

const INPUTS = 5;
const OUTPUTS = 3;

type Case = Net & AcceptedBatch;

/** A random network and a batch whose reference spikes all cross with I − ϑ ≥ SLOPE_MARGIN (null if too many redraws). */
function randomCase(seed: number, hidden: number[], tauMemMs: number, tauSynMs: number, batch = 4): Case | null {
  const rng = createRng(seed);
  const net = randomNet(rng, INPUTS, hidden, OUTPUTS, tauMemMs, tauSynMs, 'readout');
  const drawn = acceptedBatch(rng, net, batch, (label) => ({ kind: 'max-voltage', label }), 10 * batch);
  return drawn && { ...net, label: `${net.label} batch ${batch} seed ${seed}`, ...drawn };
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
    for (const spec of [eventReadoutMaxSpec(), eventPropReadoutSpec(), eventPropHiddenSpec()]) await expectCompiles(device, spec);
  });

  const worst = new Map<string, number>();
  const seen = newSeen();
  const maxKinds = new Set<string>();
  gpuTest('random feed-forward networks, 1 and 2 hidden layers: loss, maxima and gradients', async ({ device }) => {
    for (const [seed, hidden, tm, ts, batch] of CONFIGS) {
      const c = randomCase(seed, hidden, tm, ts, batch);
      if (!c) {
        seen.skipped++;
        continue;
      }
      const gpu = await eventPropGradients(device, c.spec, c.weights, c.input, c.labels, { gridStepMs: 0.5, capacity: 64, onOverflow: 'grow' });
      if (!countIfSameSpikes(seen, c, gpu, 1e-3 * ts)) continue;
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
      const errs = lossAndOutputErrors(gpu, c.refs, 'readout');
      for (let l = 0; l < L; l++) errs.push([`hidden${l}`, relErr(gpu.gradients.hidden[l].w, meanOf(c.refs, (r) => r.grads.hidden[l].w))]);
      expectWithinTolerance(errs, where, worst);
      // every tensor has a non-trivial gradient
      expect(meanOf(c.refs, (r) => r.grads.hidden[0].w).some((v) => v !== 0), `${where}: hidden0 gradient is zero`).toBe(true);
      expect(gpu.clipped).toBe(0);
    }
    expect(seen.ran, `${seen.ran} cases ran, ${seen.skipped} skipped`).toBeGreaterThanOrEqual(6);
    expect(maxKinds.has('kink') && maxKinds.has('interior') && maxKinds.has('end'), [...maxKinds].join(', ')).toBe(true);
  }, 60_000);

  gpuTest('minSlope clips 1/V̇ and counts it, as the reference does', async ({ device }) => {
    const c = randomCase(12, [7, 5], 20, 5)!;
    const { gpu, refs } = await clipInWidestGap(c, (label) => ({ kind: 'max-voltage', label }), (minSlope) =>
      eventPropGradients(device, c.spec, c.weights, c.input, c.labels, { gridStepMs: 0.5, capacity: 64, minSlope }),
    );
    for (let l = 0; l < c.spec.hidden.length; l++) {
      expect(relErr(gpu.gradients.hidden[l].w, meanOf(refs, (r) => r.grads.hidden[l].w)), `hidden${l}`).toBeLessThanOrEqual(REL_TOL);
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
        `GPU EventProp: ${seen.ran} batches compared (${seen.spikes} spikes; ${seen.redrawn} samples redrawn for I − ϑ < ${SLOPE_MARGIN}), ${seen.skipped} skipped; maximum kinds seen: ${[...maxKinds].join(', ')}\n` +
          [...worst].map(([k, e]) => `  max relative error ${k}: ${e.toExponential(2)}`).join('\n'),
      );
    }
  });
});
