import { afterAll, describe, expect } from 'vitest';
import { gpuTest, releaseSharedDevice, runStep } from './fixture.js';
import { createNetwork } from '../../src/layers/network.js';
import { bptt } from '../../src/methods/bptt.js';
import { rtrl } from '../../src/methods/rtrl.js';
import { eligibility, type EligibilityRun } from '../../src/methods/eligibility.js';
import { referenceEligibility } from '../../src/reference/forward-mode.js';
import { lifParams } from '../../src/neurons/lif.js';
import { layerNeuron, type LayerNeuron } from '../../src/neurons/registry.js';
import { surrogateByName } from '../../src/surrogates.js';
import type { NetworkSpec } from '../../src/model/network.js';
import { referenceBackward, referenceForward } from '../../src/reference/lif-network.js';
import { randomNetwork, randomSpikes } from '../../src/reference/random.js';
import { readF32 } from '../../src/gpu/buffers.js';
import { relativeError as relErr } from '../../src/compare/metrics.js';

afterAll(releaseSharedDevice);

const T = 13;
const B = 5;

function problem(neuron: LayerNeuron, recurrent: boolean) {
  const spec: NetworkSpec = {
    inputs: 29, hidden: [{ size: 23, recurrent, neuron }, { size: 19, recurrent: false, neuron }], outputs: 7,
    neuron: lifParams(), surrogate: surrogateByName('fast-sigmoid'), readoutReduce: 'mean',
  };
  const weights = randomNetwork(spec, 7, { gain: 3 });
  const input = randomSpikes(T, B, spec.inputs, 0.3, 11);
  const labels = Uint32Array.from({ length: B }, (_, b) => (b * 3) % spec.outputs);
  return { spec, weights, input, labels };
}

type Gradients = { hidden: { w: ArrayLike<number>; v?: ArrayLike<number> }[]; readout: ArrayLike<number> };

/** Every weight tensor's gradient within relative error 1e-4 of the reference's. */
function expectGradients(spec: NetworkSpec, got: Gradients, want: Gradients): void {
  spec.hidden.forEach((h, l) => {
    expect(relErr(got.hidden[l].w, want.hidden[l].w), `hidden.${l}.w`).toBeLessThanOrEqual(1e-4);
    if (h.recurrent) expect(relErr(got.hidden[l].v!, want.hidden[l].v!), `hidden.${l}.v`).toBeLessThanOrEqual(1e-4);
  });
  expect(relErr(got.readout, want.readout), 'readout').toBeLessThanOrEqual(1e-4);
}

const MODELS: [string, LayerNeuron][] = [
  ['qif', layerNeuron('qif', { tauMemMs: 5 })],
  ['qif detached', layerNeuron('qif', { tauMemMs: 5, detachReset: true })],
  ['alif', layerNeuron('alif', { adaptation: 0.5, tauAdaptMs: 20 })],
];

describe('BPTT through QIF and ALIF layers on the GPU matches the float64 reference', () => {
  for (const [name, neuron] of MODELS) {
    for (const recurrent of [false, true]) {
      for (const propagation of ['dense', 'event', 'auto'] as const) {
        gpuTest(`${name}${recurrent ? ' recurrent' : ''} ${propagation}`, async ({ device }) => {
          const { spec, weights, input, labels } = problem(neuron, recurrent);
          const net = createNetwork(device, spec, weights);
          const run = bptt({ propagation }).bind(net, { batch: B, steps: T });
          runStep(device, run, input, labels);
          const ref = referenceForward(spec, weights, input, T, B, labels);
          const grads = referenceBackward(spec, weights, ref, input, T, B, labels);
          for (let l = 0; l < 2; l++) {
            const S = await readF32(device, run.observables.get(`hidden.${l}.spikes`)!.buffer);
            expect(S.reduce((s, x) => s + x, 0), `layer ${l} spikes`).toBeGreaterThan(5);
            expect(Array.from(S)).toEqual(Array.from(ref.layers[l].S));
            // the saved state: U[n] first in every model's NeuronSaved
            const saved = await readF32(device, run.observables.get(`hidden.${l}.saved`)!.buffer);
            for (let k = 0; k < ref.layers[l].U.length; k++) {
              expect(Math.abs(saved[2 * k] - ref.layers[l].U[k])).toBeLessThanOrEqual(1e-4 + 1e-4 * Math.abs(ref.layers[l].U[k]));
            }
          }
          const g = await net.readGradients();
          expectGradients(spec, g, grads);
          run.destroy();
          net.destroy();
        });
      }
    }
  }

  gpuTest('a path written for LIF alone refuses other models by name', async ({ device }) => {
    const { spec, weights } = problem(layerNeuron('alif', {}), false);
    const net = createNetwork(device, spec, weights);
    expect(() => bptt({ propagation: 'fused' }).bind(net, { batch: B, steps: T })).toThrow(/'fused' is implemented for LIF layers only/);
    net.destroy();
  });
});

describe('RTRL through QIF and ALIF layers on the GPU equals the float64 reference BPTT', () => {
  for (const [name, neuron] of MODELS) {
    for (const recurrent of [false, true]) {
      gpuTest(`${name}${recurrent ? ' recurrent' : ''}`, async ({ device }) => {
        const { spec, weights, input, labels } = problem(neuron, recurrent);
        const net = createNetwork(device, spec, weights);
        const run = rtrl().bind(net, { batch: B, steps: T });
        runStep(device, run, input, labels);
        const ref = referenceForward(spec, weights, input, T, B, labels);
        const grads = referenceBackward(spec, weights, ref, input, T, B, labels);
        const logits = await readF32(device, run.observables.get('readout.logits')!.buffer);
        expect(relErr(logits, ref.logits)).toBeLessThanOrEqual(1e-4);
        const g = await net.readGradients();
        expectGradients(spec, g, grads);
        run.destroy();
        net.destroy();
      });
    }
  }
});

describe('eligibility traces through QIF and ALIF layers on the GPU equal their float64 reference', () => {
  const signals = ['symmetric', 'direct'] as const;
  for (const [name, neuron] of MODELS) {
    for (const recurrent of [false, true]) {
      for (const signal of signals) {
        gpuTest(`${name}${recurrent ? ' recurrent' : ''} ${signal}`, async ({ device }) => {
          const { spec, weights, input, labels } = problem(neuron, recurrent);
          const net = createNetwork(device, spec, weights);
          const run = eligibility({ signal }).bind(net, { batch: B, steps: T }) as EligibilityRun;
          runStep(device, run, input, labels);
          const expected = referenceEligibility(spec, weights, input, T, B, labels, { signal, feedback: run.feedback }).gradients[0];
          const g = await net.readGradients();
          spec.hidden.forEach((_, l) => expect(Math.max(...expected.hidden[l].w.map(Math.abs)), `hidden.${l}.w is not zero`).toBeGreaterThan(1e-4));
          expectGradients(spec, g, expected);
          run.destroy();
          net.destroy();
        });
      }
    }
  }

  gpuTest('one feed-forward ALIF layer: equal to BPTT', async ({ device }) => {
    const neuron = layerNeuron('alif', { adaptation: 0.5, tauAdaptMs: 20 });
    const { spec: two, input, labels } = problem(neuron, false);
    const spec: NetworkSpec = { ...two, hidden: [two.hidden[0]] };
    const weights = randomNetwork(spec, 7, { gain: 3 });
    const net = createNetwork(device, spec, weights);
    const run = eligibility().bind(net, { batch: B, steps: T });
    runStep(device, run, input, labels);
    const ref = referenceForward(spec, weights, input, T, B, labels);
    const exact = referenceBackward(spec, weights, ref, input, T, B, labels);
    const g = await net.readGradients();
    expectGradients(spec, g, exact);
    run.destroy();
    net.destroy();
  });
});
