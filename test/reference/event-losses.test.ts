/**
 * The host losses of GPU EventProp (src/methods/event-losses.ts) equal the
 * reference's eventLoss (src/reference/eventprop.ts) on random outputs: first
 * spike times with silent neurons under both silent-label rules, and readout
 * maxima; and invalid hyperparameters are refused by name.
 */
import { describe, expect, it } from 'vitest';
import { checkFirstSpikeLoss, firstSpikeLoss, maxVoltageLoss } from '../../src/methods/event-losses.js';
import { eventLoss } from '../../src/reference/eventprop.js';
import { createRng } from '../../src/random.js';
import type { EventLifSpec } from '../../src/model/event-network.js';

const O = 5;
const DURATION_MS = 20;
const spec = { outputs: O, durationMs: DURATION_MS } as EventLifSpec;

function expectSame(got: { loss: number; dOutputs: Float64Array; predicted: number }, want: { loss: number; dOutputs: Float64Array; predicted: number }) {
  expect(got.loss).toBeCloseTo(want.loss, 12);
  expect(got.predicted).toBe(want.predicted);
  got.dOutputs.forEach((g, k) => expect(g).toBeCloseTo(want.dOutputs[k], 12));
}

describe('event losses on the host equal the reference', () => {
  const rng = createRng(3);
  for (const silentLabel of ['no-gradient', 'label-at-missing-time'] as const) {
    it(`first-spike loss (eq. 3), silent label '${silentLabel}'`, () => {
      let silentLabels = 0;
      for (let trial = 0; trial < 200; trial++) {
        const times = Float64Array.from({ length: O }, () => (rng.next() < 0.3 ? Infinity : rng.uniform(0, DURATION_MS)));
        const label = rng.int(O);
        if (!Number.isFinite(times[label])) silentLabels++;
        const options = { tau0Ms: 0.5, tau1Ms: 6.4, alpha: 3e-3, silentLabel, ...(trial % 2 ? { missingTimeMs: 15 } : {}) };
        const want = eventLoss(spec, { spikes: [], firstSpikeTimes: times, firstSpikeIndex: new Int32Array(O) }, { kind: 'first-spike', label, ...options });
        expectSame(firstSpikeLoss(times, label, options, DURATION_MS), want);
      }
      expect(silentLabels).toBeGreaterThan(20);
    });
  }

  it('max-voltage loss (eq. 4)', () => {
    for (let trial = 0; trial < 100; trial++) {
      const value = Float64Array.from({ length: O }, () => rng.uniform(-2, 3));
      const label = rng.int(O);
      const readoutMax = { value, time: new Float64Array(O), current: new Float64Array(O), kind: [], spike: new Int32Array(O) };
      const want = eventLoss(spec, { spikes: [], readoutMax } as never, { kind: 'max-voltage', label });
      expectSame(maxVoltageLoss(value, label), want);
    }
  });

  it('refuses invalid hyperparameters by name', () => {
    expect(() => checkFirstSpikeLoss({ tau0Ms: 0, tau1Ms: 6.4, alpha: 0 })).toThrow(/tau0Ms must be a positive finite number, got 0/);
    expect(() => checkFirstSpikeLoss({ tau0Ms: 0.5, tau1Ms: NaN, alpha: 0 })).toThrow(/tau1Ms/);
    expect(() => checkFirstSpikeLoss({ tau0Ms: 0.5, tau1Ms: 6.4, alpha: -1 })).toThrow(/alpha must be a finite number ≥ 0/);
    expect(() => checkFirstSpikeLoss({ tau0Ms: 0.5, tau1Ms: 6.4, alpha: 0, silentLabel: 'ignore' as never })).toThrow(/silentLabel/);
  });
});
