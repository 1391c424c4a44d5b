/**
 * A recurrent LIF layer trained by eligibility traces learns delayed
 * match-to-sample (src/data/delayed-cue.ts): neither the cue nor the probe alone
 * tells the label, so accuracy above chance needs the cue carried across the
 * delay. Small version: T = 100 steps, delay 58 steps. Once with LIF neurons
 * whose long membrane holds the cue, once with adaptive LIF (ALIF) neurons.
 */
import { afterAll, describe, expect } from 'vitest';
import { gpuTest, releaseSharedDevice } from './fixture.js';
import { delayedCue } from '../../src/data/delayed-cue.js';
import { trainSequences } from '../../src/train/sequences.js';
import { eligibility } from '../../src/methods/eligibility.js';
import { lifParams } from '../../src/neurons/lif.js';
import { layerNeuron } from '../../src/neurons/registry.js';
import { surrogateByName } from '../../src/surrogates.js';
import { adamOptimizer } from '../../src/optim/optimizer.js';
import type { NetworkSpec } from '../../src/model/network.js';

afterAll(releaseSharedDevice);

describe('delayed match-to-sample', () => {
  gpuTest('is learned well above chance by a recurrent layer with eligibility traces', async ({ gpu }) => {
    const data = { train: delayedCue({ count: 256, steps: 100, seed: 1 }), test: delayedCue({ count: 128, steps: 100, seed: 1001 }) };
    const spec: NetworkSpec = {
      inputs: data.train.inputs, hidden: [{ size: 32, recurrent: true }], outputs: 2,
      // τ_mem ≫ the delay: the membrane and the presynaptic traces hold the cue until the probe
      neuron: lifParams({ tauMemMs: 2000, tauSynMs: 5, reset: 'subtract', detachReset: true }),
      surrogate: surrogateByName('fast-sigmoid', 10), readoutReduce: 'mean',
    };
    const result = await trainSequences(gpu, data, spec, {
      method: eligibility({ signal: 'symmetric' }), optimizer: adamOptimizer({ lr: 5e-3 }), batchSize: 32, epochs: 5, seed: 1, maxGradNorm: 1,
      init: { seed: 1, readoutGain: 0.05 },
    });
    const accs = result.metrics.map((m) => m.testAccuracy);
    console.log(`delayed match-to-sample, eligibility traces: test accuracy per epoch ${accs.map((a) => (100 * a).toFixed(1)).join(', ')}%`);
    expect(result.metrics).toHaveLength(5);
    expect(accs[accs.length - 1]).toBeGreaterThanOrEqual(0.8);
    expect(result.metrics[4].loss).toBeLessThan(result.metrics[0].loss);
  }, 300_000); // ~30 s alone on SwiftShader; several times that beside another test worker on 2 cores

  gpuTest('is learned by a recurrent ALIF layer with per-synapse eligibility traces', async ({ gpu }) => {
    const data = { train: delayedCue({ count: 256, steps: 100, seed: 1 }), test: delayedCue({ count: 128, steps: 100, seed: 1001 }) };
    // short membrane (τ_mem 20 steps, β^58 ≈ 0.05 over the delay); the threshold's adaptation (τ_adapt 500) lasts
    const neuron = layerNeuron('alif', { tauMemMs: 20, tauSynMs: 5, tauAdaptMs: 500, adaptation: 1, detachReset: true });
    const spec: NetworkSpec = {
      inputs: data.train.inputs, hidden: [{ size: 32, recurrent: true, neuron }], outputs: 2,
      neuron: lifParams({ tauMemMs: 20, tauSynMs: 5 }), surrogate: surrogateByName('fast-sigmoid', 10), readoutReduce: 'mean',
    };
    const result = await trainSequences(gpu, data, spec, {
      method: eligibility({ signal: 'symmetric' }), optimizer: adamOptimizer({ lr: 5e-3 }), batchSize: 32, epochs: 6, seed: 1, maxGradNorm: 1,
      init: { seed: 1, readoutGain: 0.05 },
    });
    const accs = result.metrics.map((m) => m.testAccuracy);
    console.log(`delayed match-to-sample, ALIF with eligibility traces: test accuracy per epoch ${accs.map((a) => (100 * a).toFixed(1)).join(', ')}%`);
    expect(accs[accs.length - 1]).toBeGreaterThanOrEqual(0.85);
    expect(result.metrics[5].loss).toBeLessThan(result.metrics[0].loss);
  }, 400_000); // ~30 s alone on SwiftShader
});
