/**
 * A hidden neuron whose voltage maximum lies 6·10⁻⁷ below ϑ (float64), within
 * float32 rounding of it: the case that stopped Yin-Yang seed 9 at epoch 17
 * (its weights and input, bench/results/eventprop-collapse/). Its float32
 * voltage reached ϑ where I < ϑ, the forward pass recorded a spike with
 * τ_mem·V̇⁻ = I − ϑ = −1.2·10⁻⁷, and the EventProp jump divided by zero. A
 * maximum that meets ϑ only through rounding is no upward crossing: the GPU
 * forward passes (feed-forward and recurrent) emit no spike there, as the
 * float64 reference, and the gradients stay finite.
 */
import { afterAll, describe, expect } from 'vitest';
import { gpuTest, releaseSharedDevice } from './fixture.js';
import { eventPropGradients, type FirstSpikeLossOptions } from '../../src/methods/eventprop-gpu.js';
import { eventProp } from '../../src/reference/eventprop.js';
import type { EventLifSpec, InputSpike } from '../../src/reference/event-lif.js';

afterAll(releaseSharedDevice);

const f32 = (x: number) => Math.fround(x);
/** hidden neuron 94 of seed 9 at epoch 17, batch 119 (float32 values) */
const W = [0.7059035897254944, 2.982551336288452, 2.2025206089019775, 1.637065052986145, 1.6636381149291992].map(f32);
/** sample 25 of that batch: one latency-coded Yin-Yang point (ms) */
const INPUT: InputSpike[] = [
  { time: 15.90604436583817, neuron: 0 },
  { time: 14.09395563416183, neuron: 1 },
  { time: 1.5021375752985477, neuron: 2 },
  { time: 28.497862424701452, neuron: 3 },
  { time: 0, neuron: 4 },
].map((s) => ({ time: f32(s.time), neuron: s.neuron }));
const TABLE3: FirstSpikeLossOptions = { tau0Ms: 0.5, tau1Ms: 6.4, alpha: 3e-3 };

function grazingNet(recurrent: boolean) {
  const spec: EventLifSpec = { inputs: 5, hidden: [{ size: 1, recurrent }], outputs: 3, output: 'spiking', tauMemMs: 20, tauSynMs: 5, threshold: 1, durationMs: 60 };
  const weights = { hidden: [{ w: Float64Array.from(W), ...(recurrent && { v: new Float64Array(1) }) }], readout: Float64Array.from([3, 2.5, 2]) };
  return { spec, weights };
}

describe('EventProp at a voltage maximum within rounding of the threshold', () => {
  for (const recurrent of [false, true]) {
    gpuTest(`${recurrent ? 'recurrent' : 'feed-forward'} hidden layer: no spike, finite gradients, as the float64 reference`, async ({ device }) => {
      const { spec, weights } = grazingNet(recurrent);
      const ref = eventProp(spec, weights, INPUT, { kind: 'first-spike', label: 0, ...TABLE3 });
      expect(ref.forward.spikes.filter((s) => s.layer === 0)).toEqual([]);
      const gpu = await eventPropGradients(device, spec, weights, [INPUT], [0], { gridStepMs: 0.5, capacity: 16, firstSpike: TABLE3 });
      const hidden = gpu.layers[0][0];
      // every recorded spike is an upward crossing, τ_mem·V̇⁻ = I − ϑ > 0
      expect(hidden.filter((s) => !(s.current! > spec.threshold))).toEqual([]);
      expect(hidden).toEqual([]);
      expect(gpu.clipped).toBe(0);
      for (const g of [gpu.gradients.hidden[0].w, gpu.gradients.readout]) expect(Array.from(g).every(Number.isFinite)).toBe(true);
      expect(gpu.loss).toBeCloseTo(ref.loss.loss, 5);
    });
  }
});
