/**
 * A delayed match-to-sample task learned by a recurrent LIF layer with
 * eligibility traces (and, for comparison, surrogate BPTT).
 *
 *   npx tsx examples/node/delayed-cue.ts [--steps 300] [--method eligibility|bptt|both] …
 *
 * Every sequence (src/data/delayed-cue.ts) shows one of two cue groups for 10
 * steps at its start, then background noise for several hundred steps, then one
 * of two probe groups for 10 steps; the label says whether the probe matches the
 * cue. The library's readout reduces its voltage over all T steps ('mean'), so a
 * label that depended on the cue alone could be answered while the cue is on;
 * with match-to-sample neither the cue nor the probe alone tells the label, and
 * the network has to carry the cue across the delay.
 *
 * Why long membrane time constants: factorized eligibility traces drop the
 * recurrent terms of exact forward mode (src/reference/forward-mode.ts), so the
 * credit for the cue weights travels only through the presynaptic trace
 * ε_U[n+1] = β·ε_U[n] + ε_I[n], which decays like β^n. With the default
 * τ_mem = 10 steps it is gone (β^300 ≈ 1e-13) before the probe arrives. With
 * τ_mem of the order of the delay (here 2,000 steps, β ≈ 0.9995) the membrane
 * itself holds the cue (a leaky integrator with little leak) and the trace of
 * the cue input is still ≈ its full value at the probe, so the learning signal
 * at the probe reaches the cue weights. The model has one α, β for every neuron
 * (readout included), so all neurons get the long τ_mem; τ_syn stays short.
 *
 * Options (defaults in brackets): --steps 300 --train 512 --test 256 --batch 32
 * --epochs 6 --hidden 32 --tau-mem 2000 --tau-syn 5 --lr 5e-3 --noise 0.01
 * --method eligibility --update-every 0 (0: one update per sequence) --seed 1
 * --init-gain 1 --readout-gain 0.05 (with β ≈ 1 the readout integrates, nearly
 * without leak, every spike until the end, so its logits are ~T× those of a
 * short-τ readout; a small initial readout keeps the first losses finite)
 * --clip 1 (global gradient norm clipping, 0 = off; without it BPTT diverged here) --no-recurrent
 */
import { parseArgs } from 'node:util';
import {
  adamOptimizer, bptt, delayedCue, describeDevice, eligibility, lifParams, requestDevice, surrogateByName, trainSequences,
  type GradientMethod, type NetworkSpec,
} from 'webspike';

const { values: v } = parseArgs({
  options: {
    steps: { type: 'string', default: '300' }, train: { type: 'string', default: '512' }, test: { type: 'string', default: '256' },
    batch: { type: 'string', default: '32' }, epochs: { type: 'string', default: '6' }, hidden: { type: 'string', default: '32' },
    'tau-mem': { type: 'string', default: '2000' }, 'tau-syn': { type: 'string', default: '5' }, lr: { type: 'string', default: '5e-3' },
    noise: { type: 'string', default: '0.01' }, method: { type: 'string', default: 'eligibility' }, 'update-every': { type: 'string', default: '0' },
    seed: { type: 'string', default: '1' }, 'init-gain': { type: 'string', default: '1' }, 'readout-gain': { type: 'string', default: '0.05' },
    clip: { type: 'string', default: '1' }, 'no-recurrent': { type: 'boolean' },
  },
});
const n = (k: keyof typeof v) => {
  const x = Number(v[k]);
  if (!Number.isFinite(x)) throw new Error(`--${k} expects a number, got '${v[k]}'`);
  return x;
};

const T = n('steps');
const seed = n('seed');
const common = { steps: T, noiseRate: n('noise'), variant: 'match' as const };
const data = {
  train: delayedCue({ ...common, count: n('train'), seed }),
  test: delayedCue({ ...common, count: n('test'), seed: seed + 1000 }),
};
const spec: NetworkSpec = {
  inputs: data.train.inputs,
  hidden: [{ size: n('hidden'), recurrent: !v['no-recurrent'] }],
  outputs: 2,
  neuron: lifParams({ tauMemMs: n('tau-mem'), tauSynMs: n('tau-syn'), reset: 'subtract', detachReset: true }),
  surrogate: surrogateByName('fast-sigmoid', 10),
  readoutReduce: 'mean',
};
const k = n('update-every');
const methods: [string, GradientMethod][] = [];
if (v.method === 'eligibility' || v.method === 'both') methods.push(['eligibility', eligibility({ signal: 'symmetric', ...(k > 0 && { updateEvery: k }) })]);
if (v.method === 'bptt' || v.method === 'both') methods.push(['bptt', bptt()]);
if (methods.length === 0) throw new Error(`--method must be eligibility, bptt or both, got '${v.method}'`);

const gpu = await requestDevice();
try {
  const { cueWindow, lateWindow } = data.train.layout;
  console.log(`webspike: ${describeDevice(gpu)}`);
  console.log(
    `delayed match-to-sample: T = ${T} steps, cue at ${cueWindow[0]}…${cueWindow[1] - 1}, probe at ${lateWindow[0]}…${lateWindow[1] - 1} ` +
      `(delay ${lateWindow[0] - cueWindow[1]} steps), ${data.train.count} train / ${data.test.count} test sequences, ` +
      `network ${spec.inputs}-${spec.hidden[0].size}${spec.hidden[0].recurrent ? 'r' : ''}-2, τ_mem ${n('tau-mem')} steps (β = ${spec.neuron.beta.toFixed(5)}), τ_syn ${n('tau-syn')}`,
  );
  for (const [name, method] of methods) {
    const started = performance.now();
    const result = await trainSequences(gpu, data, spec, {
      method, optimizer: adamOptimizer({ lr: n('lr') }), batchSize: n('batch'), epochs: n('epochs'), seed, maxGradNorm: n('clip'),
      init: { seed, hiddenGain: n('init-gain'), readoutGain: n('readout-gain') },
      onEpoch: (m) => console.log(
        `${name} epoch ${m.epoch}: loss ${m.loss.toFixed(4)}, train acc ${(100 * m.trainAccuracy).toFixed(1)}%, ` +
          `test acc ${(100 * m.testAccuracy).toFixed(1)}% (test loss ${m.testLoss.toFixed(4)}), ${m.seconds.toFixed(1)} s`,
      ),
    });
    const last = result.metrics[result.metrics.length - 1];
    console.log(`${name} (${method.description}): test accuracy ${(100 * last.testAccuracy).toFixed(1)}% after ${result.metrics.length} epochs, ${((performance.now() - started) / 1000).toFixed(1)} s in all`);
  }
} finally {
  gpu.destroy();
}
