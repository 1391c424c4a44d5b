/**
 * GPU EventProp with a spiking output layer and the first-spike loss (eq. 3 of
 * papers/003; src/methods/eventprop-gpu.ts with kernels/grad/eventprop-first-spike.ts)
 * against the float64 reference (src/reference/eventprop.ts, run per sample and
 * averaged): random feed-forward networks with one and two hidden layers,
 * τ_mem/τ_syn = 4 (Newton) and 2 (closed form), Table 3's τ₀, τ₁, α and a
 * softer τ₀. Weights and input times are float32 values, so both sides see the
 * same network. A sample is used only where every reference spike crosses with
 * τ_mem·V̇⁻ = I − ϑ ≥ SLOPE_MARGIN (the gradient diverges like 1/(I − ϑ)); a
 * batch only where the GPU forward pass has the reference's spikes. Compared:
 * first spike times, predicted class, loss and every weight gradient; output
 * neurons that do not fire (t_k = T without gradient) and output neurons that
 * fire more than once both occur.
 */
import { afterAll, describe, expect } from 'vitest';
import { gpuTest, releaseSharedDevice } from './fixture.js';
import {
  acceptedBatch, clipInWidestGap, countIfSameSpikes, expectCompiles, expectWithinTolerance, lossAndOutputErrors, meanOf, newSeen, randomNet, relErr,
  REL_TOL, type AcceptedBatch, type Net,
} from './event-helpers.js';
import { eventPropFirstSpikeSpec } from '../../kernels/grad/eventprop-first-spike.js';
import { eventPropGradients, type FirstSpikeLossOptions } from '../../src/methods/eventprop-gpu.js';
import { eventProp } from '../../src/reference/eventprop.js';
import { createRng } from '../../src/reference/random.js';

afterAll(releaseSharedDevice);

const INPUTS = 5;
const OUTPUTS = 3;
/** Table 3 (Yin-Yang) */
const TABLE3: FirstSpikeLossOptions = { tau0Ms: 0.5, tau1Ms: 6.4, alpha: 3e-3 };
/** a softer τ₀, so that every output's spike time carries gradient */
const SOFT: FirstSpikeLossOptions = { tau0Ms: 3, tau1Ms: 6.4, alpha: 3e-2 };

type Case = Net & AcceptedBatch;

/** the spiking output layer's weights: uniform in [−1, 4]·6·gain/max(6, fanIn), as the hidden layers' scale */
function outputRange(fanIn: number, gain: number): [number, number] {
  const scale = (gain * 6) / Math.max(6, fanIn);
  return [-1 * scale, 4 * scale];
}

/** A random network with spiking outputs and a batch whose reference spikes all cross with I − ϑ ≥ SLOPE_MARGIN. */
function randomCase(seed: number, hidden: number[], tauMemMs: number, tauSynMs: number, batch: number, loss: FirstSpikeLossOptions): Case | null {
  const rng = createRng(seed);
  const net = randomNet(rng, INPUTS, hidden, OUTPUTS, tauMemMs, tauSynMs, 'spiking', outputRange);
  const drawn = acceptedBatch(rng, net, batch, (label) => ({ kind: 'first-spike', label, ...loss }), 10 * batch);
  const tau0 = loss === TABLE3 ? 'Table 3' : `τ₀ ${loss.tau0Ms}`;
  return drawn && { ...net, label: `${net.label} batch ${batch} seed ${seed} ${tau0}`, ...drawn };
}

/** seed, hidden sizes, τ_mem, τ_syn, batch, loss (thread counts that are not multiples of the workgroup size included) */
const CONFIGS: [number, number[], number, number, number, FirstSpikeLossOptions][] = [
  [21, [6], 20, 5, 4, SOFT],
  [34, [7, 5], 20, 5, 4, SOFT],
  [23, [6], 10, 5, 3, SOFT],
  [24, [7, 5], 10, 5, 5, SOFT],
  [25, [9], 20, 5, 4, TABLE3],
  [26, [8], 10, 5, 23, TABLE3],
  [27, [23, 17], 20, 5, 4, SOFT],
  [28, [19, 13], 10, 5, 6, TABLE3],
];

const run = (device: GPUDevice, c: Case, loss: FirstSpikeLossOptions, minSlope = 0) =>
  eventPropGradients(device, c.spec, c.weights, c.input, c.labels, { gridStepMs: 0.5, capacity: 64, onOverflow: 'grow', firstSpike: loss, minSlope });

describe('GPU EventProp matches the float64 reference (spiking outputs, first-spike loss)', () => {
  gpuTest('its output kernel compiles without warnings', async ({ device }) => {
    await expectCompiles(device, eventPropFirstSpikeSpec());
  });

  const worst = new Map<string, number>();
  const seen = { ...newSeen(), outputSpikes: 0, missing: 0, repeated: 0 };
  gpuTest('random feed-forward networks, 1 and 2 hidden layers: first spikes, predictions, loss and gradients', async ({ device }) => {
    for (const [seed, hidden, tm, ts, batch, loss] of CONFIGS) {
      const c = randomCase(seed, hidden, tm, ts, batch, loss);
      if (!c) {
        seen.skipped++;
        continue;
      }
      const gpu = await run(device, c, loss);
      if (!countIfSameSpikes(seen, c, gpu, 1e-3 * ts)) continue;
      const L = c.spec.hidden.length;
      const where = c.label;
      for (let b = 0; b < batch; b++) {
        const ref = c.refs[b];
        const outSpikes = ref.forward.spikes.filter((s) => s.layer === L);
        seen.outputSpikes += outSpikes.length;
        for (let o = 0; o < OUTPUTS; o++) {
          const tRef = ref.forward.firstSpikeTimes![o];
          const tGpu = gpu.firstSpikeTimes![b][o];
          if (Number.isFinite(tRef)) expect(Math.abs(tGpu - tRef), `${where}, sample ${b}, output ${o}: first spike time`).toBeLessThanOrEqual(1e-3 * ts);
          else {
            seen.missing++;
            expect(tGpu, `${where}, sample ${b}, output ${o}: no spike`).toBe(Infinity);
          }
          if (outSpikes.filter((s) => s.neuron === o).length > 1) seen.repeated++;
        }
        expect(gpu.predicted[b], `${where}, sample ${b}: predicted class`).toBe(ref.loss.predicted);
        expect(Math.abs(gpu.losses[b] - ref.loss.loss), `${where}, sample ${b}: loss`).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(ref.loss.loss)));
      }
      expect(gpu.maxima).toEqual([]);
      const errs = lossAndOutputErrors(gpu, c.refs, 'output');
      for (let l = 0; l < L; l++) errs.push([`hidden${l}`, relErr(gpu.gradients.hidden[l].w, meanOf(c.refs, (r) => r.grads.hidden[l].w))]);
      expectWithinTolerance(errs, where, worst);
      // the gradients are not trivially zero
      expect(meanOf(c.refs, (r) => r.grads.readout).some((v) => v !== 0), `${where}: output gradient is zero`).toBe(true);
      expect(meanOf(c.refs, (r) => r.grads.hidden[0].w).some((v) => v !== 0), `${where}: hidden0 gradient is zero`).toBe(true);
      expect(gpu.clipped).toBe(0);
    }
    expect(seen.ran, `${seen.ran} cases ran, ${seen.skipped} skipped`).toBeGreaterThanOrEqual(6);
    expect(seen.missing, 'output neurons without a spike').toBeGreaterThan(0);
    expect(seen.repeated, 'output neurons with more than one spike').toBeGreaterThan(0);
  }, 60_000);

  gpuTest('minSlope clips 1/V̇ and counts it, as the reference does', async ({ device }) => {
    const c = randomCase(34, [7, 5], 20, 5, 4, SOFT)!;
    const { gpu, refs } = await clipInWidestGap(c, (label) => ({ kind: 'first-spike', label, ...SOFT }), (minSlope) => run(device, c, SOFT, minSlope));
    expect(relErr(gpu.gradients.readout, meanOf(refs, (r) => r.grads.readout)), 'output').toBeLessThanOrEqual(REL_TOL);
    for (let l = 0; l < c.spec.hidden.length; l++) {
      expect(relErr(gpu.gradients.hidden[l].w, meanOf(refs, (r) => r.grads.hidden[l].w)), `hidden${l}`).toBeLessThanOrEqual(REL_TOL);
    }
  });

  gpuTest('a sample without output spikes: every t_k = T, loss log 3 + α(e^{T/τ₁} − 1), class 0, no gradient', async ({ device }) => {
    const c = randomCase(23, [6], 10, 5, 3, TABLE3)!;
    const input = [c.input[0], [], c.input[2]];
    const labels = [c.labels[0], 2, c.labels[2]];
    const gpu = await eventPropGradients(device, c.spec, c.weights, input, labels, { gridStepMs: 0.5, capacity: 64, firstSpike: TABLE3 });
    expect([...gpu.firstSpikeTimes![1]]).toEqual([Infinity, Infinity, Infinity]);
    expect(gpu.predicted[1]).toBe(0);
    const T = c.spec.durationMs;
    expect(gpu.losses[1]).toBeCloseTo(Math.log(OUTPUTS) + TABLE3.alpha * (Math.exp(T / TABLE3.tau1Ms) - 1), 6);
    const refs = [0, 2].map((b) => eventProp(c.spec, c.weights, c.input[b], { kind: 'first-spike', label: c.labels[b], ...TABLE3 }));
    const ref = new Float64Array(c.weights.hidden[0].w.length);
    for (const r of refs) r.grads.hidden[0].w.forEach((v, i) => (ref[i] += v / 3));
    expect(relErr(gpu.gradients.hidden[0].w, ref)).toBeLessThanOrEqual(REL_TOL);
  });

  gpuTest('rejects bad first-spike loss options', async ({ device }) => {
    const c = randomCase(21, [6], 20, 5, 2, SOFT)!;
    const bad = async (firstSpike: FirstSpikeLossOptions) => eventPropGradients(device, c.spec, c.weights, c.input, c.labels, { gridStepMs: 0.5, capacity: 64, firstSpike });
    await expect(bad({ ...TABLE3, tau0Ms: 0 })).rejects.toThrow(/tau0Ms must be/);
    await expect(bad({ ...TABLE3, tau1Ms: NaN })).rejects.toThrow(/tau1Ms must be/);
    await expect(bad({ ...TABLE3, alpha: -1 })).rejects.toThrow(/alpha must be/);
    await expect(bad({ ...TABLE3, missingTimeMs: Infinity })).rejects.toThrow(/missingTimeMs must be/);
  });

  afterAll(() => {
    if (worst.size) {
      console.log(
        `GPU EventProp, first-spike loss: ${seen.ran} batches compared (${seen.spikes} spikes, ${seen.outputSpikes} output spikes; ` +
          `${seen.missing} silent and ${seen.repeated} repeatedly firing output neurons), ${seen.skipped} skipped\n` +
          [...worst].map(([k, e]) => `  max relative error ${k}: ${e.toExponential(2)}`).join('\n'),
      );
    }
  });
});
