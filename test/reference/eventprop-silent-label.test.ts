/**
 * The mechanism behind EventProp's Yin-Yang collapse (docs/eventprop.md): a
 * sample whose label neuron does not fire. Counting the label at T and keeping
 * the competitors' cross-entropy gradient pushes the competitors later on
 * exactly those samples, until the output layer falls silent; the default rule
 * ('no-gradient') leaves such samples out of the gradient.
 */
import { describe, expect, it } from 'vitest';
import { eventForward, type EventLifSpec } from '../../src/reference/event-lif.js';
import { eventLoss, eventProp, type EventLoss, type SilentLabelRule } from '../../src/reference/eventprop.js';
import { createRng } from '../../src/reference/random.js';
import { yinYang, yinYangSpikes } from '../../src/data/yin-yang.js';

const spec: EventLifSpec = {
  inputs: 5, hidden: [{ size: 16, recurrent: false }], outputs: 3, output: 'spiking',
  tauMemMs: 20, tauSynMs: 5, threshold: 1, durationMs: 60,
};
const LR = 1;
const TABLE3 = { tau0Ms: 0.5, tau1Ms: 6.4, alpha: 3e-3 };

/** Hidden weights that fire, output neuron 0 silenced (weights ≈ 0), neurons 1 and 2 firing. */
function network(seed: number) {
  const rng = createRng(seed);
  const hidden = Float64Array.from({ length: 16 * 5 }, () => 3 + rng.uniform(-1.5, 1.5));
  const readout = Float64Array.from({ length: 3 * 16 }, (_, k) => (k < 16 ? 0.01 : 1.2 + rng.uniform(-0.3, 0.3)));
  return { hidden: [{ w: hidden }], readout };
}

function samplesOfClass0(count: number) {
  const data = yinYang({ count: 3 * count, seed: 5 });
  const inputs = [];
  for (let i = 0; i < data.count && inputs.length < count; i++) {
    if (data.labels[i] === 0) inputs.push(yinYangSpikes(data.x[i], data.y[i], { tMaxMs: 30, tBiasMs: 0 }));
  }
  return inputs;
}

/** SGD on samples of class 0 (whose label neuron is silent); returns the competitors' spikes per sample after each step. */
function train(rule: SilentLabelRule, steps: number) {
  const weights = network(3);
  const inputs = samplesOfClass0(6);
  const loss: EventLoss = { kind: 'first-spike', label: 0, ...TABLE3, silentLabel: rule };
  const competitorsFiring = () => {
    let n = 0;
    for (const input of inputs) n += eventForward(spec, weights, input).firstSpikeTimes!.slice(1).filter(Number.isFinite).length;
    return n / inputs.length;
  };
  const history = [competitorsFiring()];
  for (let s = 0; s < steps; s++) {
    for (const input of inputs) {
      const r = eventProp(spec, weights, input, loss);
      expect(Number.isFinite(r.forward.firstSpikeTimes![0])).toBe(false);
      r.grads.readout.forEach((g, k) => (weights.readout[k] -= (LR * g) / inputs.length));
      r.grads.hidden[0].w.forEach((g, k) => (weights.hidden[0].w[k] -= (LR * g) / inputs.length));
    }
    history.push(competitorsFiring());
  }
  return history;
}

describe('first-spike loss with a silent label neuron (eq. 3)', () => {
  it('counts a constant penalty and gives no gradient', () => {
    const weights = network(3);
    for (const input of samplesOfClass0(4)) {
      const r = eventProp(spec, weights, input, { kind: 'first-spike', label: 0, ...TABLE3 });
      expect(Number.isFinite(r.forward.firstSpikeTimes![0])).toBe(false);
      expect(r.forward.firstSpikeTimes!.slice(1).every(Number.isFinite)).toBe(true);
      expect(r.loss.loss).toBeCloseTo(Math.log(3) + 3e-3 * (Math.exp(60 / 6.4) - 1), 12);
      expect(r.loss.dOutputs.every((d) => d === 0)).toBe(true);
      expect(r.grads.readout.every((g) => g === 0)).toBe(true);
      expect(r.grads.hidden[0].w.every((g) => g === 0)).toBe(true);
      // the loss is locally constant, as its zero gradient says: a competitor's weight moves its spike, not the loss
      const moved = { hidden: weights.hidden, readout: Float64Array.from(weights.readout, (w, k) => (k === 20 ? w + 0.05 : w)) };
      const f = eventForward(spec, moved, input);
      expect(f.firstSpikeTimes![1]).not.toBe(r.forward.firstSpikeTimes![1]);
      expect(eventLoss(spec, f, { kind: 'first-spike', label: 0, ...TABLE3 }).loss).toBe(r.loss.loss);
    }
  });

  it("'label-at-missing-time' silences the competitors in a runaway; 'no-gradient' leaves them firing", () => {
    const old = train('label-at-missing-time', 10);
    const fixed = train('no-gradient', 10);
    expect(old[0]).toBe(2);
    expect(fixed[0]).toBe(2);
    // the old rule: every step pushes both competitors later until neither fires on any sample
    expect(old.at(-1)).toBe(0);
    expect(fixed.every((n) => n === 2)).toBe(true);
  });

  it('rejects an unknown rule', () => {
    const input = samplesOfClass0(1)[0];
    expect(() => eventProp(spec, network(3), input, { kind: 'first-spike', label: 0, ...TABLE3, silentLabel: 'skip' as SilentLabelRule })).toThrow(/silentLabel must be/);
  });
});
