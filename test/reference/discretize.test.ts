/**
 * The discrete network of `src/model/discretize.ts` is a discretisation of the
 * continuous-time network of event-lif.ts: one step of the discrete free
 * dynamics equals the exact flow, and on random feed-forward networks with
 * random input spike times the discrete spikes converge to the event-driven
 * ones at first order in Δt (spike-time error ≤ C·Δt, all spikes matched at
 * small Δt), as does the readout voltage.
 */
import { describe, expect, it } from 'vitest';
import { convergence, discreteInput, discretize, driveFactor, inputStep, matchSpikes } from '../../src/model/discretize.js';
import { freeVoltage, type EventLifSpec, type InputSpike } from '../../src/reference/event-lif.js';
import { createRng } from '../../src/reference/random.js';
import { referenceForward } from '../../src/reference/lif-network.js';

const DTS = [1, 0.5, 0.25, 0.125, 0.0625, 0.03125, 1 / 64, 1 / 128];

/**
 * A random network on 6 inputs that fires a few spikes per neuron: feed-forward
 * weights U(−0.5, 1.5), recurrent U(−0.3, 0.3), readout U(−1, 1); 1–4 input
 * spikes per channel at uniform times in [0, 30) ms; D = 60 ms.
 */
function randomCase(seed: number, hidden: number[], output: 'readout' | 'spiking', recurrent = false) {
  const rng = createRng(seed);
  const spec: EventLifSpec = {
    inputs: 6, hidden: hidden.map((size) => ({ size, recurrent })), outputs: 3, output,
    tauMemMs: 10, tauSynMs: 5, threshold: 1, durationMs: 60,
  };
  let fanIn = spec.inputs;
  const weights = {
    hidden: hidden.map((size) => {
      const w = Float64Array.from({ length: size * fanIn }, () => rng.uniform(-0.5, 1.5));
      fanIn = size;
      return recurrent ? { w, v: Float64Array.from({ length: size * size }, () => rng.uniform(-0.3, 0.3)) } : { w };
    }),
    readout: Float64Array.from({ length: spec.outputs * fanIn }, () => (output === 'spiking' ? rng.uniform(-0.5, 1.5) : rng.uniform(-1, 1))),
  };
  const input: InputSpike[] = [];
  for (let j = 0; j < spec.inputs; j++) {
    const count = 1 + rng.int(4);
    for (let k = 0; k < count; k++) input.push({ time: rng.uniform(0, 30), neuron: j });
  }
  return { spec, weights, input };
}

describe('discretize: the mapping', () => {
  it('one discrete step of the free dynamics is the exact continuous flow (drive factor c)', () => {
    for (const [tm, ts] of [[10, 5], [5, 10], [20, 3]]) {
      for (const dt of [1, 0.1, 0.013]) {
        const c = driveFactor(dt, tm, ts);
        const { alpha, beta } = discretize({ inputs: 1, hidden: [{ size: 1, recurrent: false }], outputs: 1, output: 'readout', tauMemMs: tm, tauSynMs: ts, threshold: 1, durationMs: 1 }, { hidden: [{ w: [1] }], readout: [1] }, dt).spec.neuron;
        const v0 = 0.3;
        const i0 = 2.1;
        // U[n+1] = β·U[n] + I[n] with I[n] = c·I(t_n) equals V(t_n + Δt)
        expect(beta * v0 + c * i0).toBeCloseTo(freeVoltage(v0, i0, dt, tm, ts), 13);
        expect(alpha).toBeCloseTo(Math.exp(-dt / ts), 15);
        // c = Δt/τ_mem·(1 + O(Δt))
        expect(Math.abs(c / (dt / tm) - 1)).toBeLessThan(dt * (1 / tm + 1 / ts));
      }
    }
  });

  it('maps weights by c, resets to zero, places an input spike at t on step ⌈t/Δt⌉ − 1', () => {
    const { spec, weights, input } = randomCase(3, [4], 'readout');
    const m = discretize(spec, weights, 0.25);
    expect(m.spec.neuron.reset).toBe('zero');
    expect(m.steps).toBe(241);
    expect(m.weights.hidden[0].w[5]).toBeCloseTo(weights.hidden[0].w[5] * m.drive, 15);
    expect(m.weights.readout[2]).toBeCloseTo(weights.readout[2] * m.drive, 15);
    expect([0, 0.1, 0.25, 0.26, 0.5, 0.7].map((t) => inputStep(t, 0.25))).toEqual([0, 0, 0, 1, 1, 2]);
    expect(inputStep(0.3, 0.1)).toBe(2); // 0.3/0.1 = 2.9999999999999996 is the grid point 3
    const s = discreteInput(m, input);
    expect(s.reduce((a, b) => a + b, 0)).toBe(input.length);
  });

  it('a spiking output layer becomes the last discrete layer', () => {
    const { spec, weights } = randomCase(4, [5], 'spiking');
    const m = discretize(spec, weights, 0.5);
    expect(m.spec.hidden.map((h) => h.size)).toEqual([5, 3]);
    expect(Array.from(m.weights.readout).every((x) => x === 0)).toBe(true);
  });

  it('matchSpikes pairs the k-th spikes of each neuron and counts the surplus', () => {
    const m = matchSpikes(
      [{ time: 1, neuron: 0, layer: 0 }, { time: 5, neuron: 0, layer: 0 }, { time: 2, neuron: 1, layer: 0 }],
      [{ time: 1.5, neuron: 0, layer: 0 }, { time: 5.25, neuron: 0, layer: 0 }, { time: 3, neuron: 2, layer: 0 }],
    );
    expect(m).toMatchObject({ matched: 2, missing: 1, extra: 1, maxError: 0.5 });
    expect(m.meanError).toBeCloseTo(0.375, 15);
  });
});

describe('discretize: Δt → 0 convergence to the event-driven network', () => {
  // 24 random networks: 6-8-3 and 6-8-6-3, readout or spiking output, feed-forward (and a few recurrent)
  const cases = Array.from({ length: 24 }, (_, i) => {
    const seed = i + 1;
    const hidden = seed % 3 === 0 ? [8, 6] : [8];
    const output = seed % 4 === 0 ? 'spiking' as const : 'readout' as const;
    const recurrent = seed % 5 === 0;
    return { seed, label: `6-${hidden.join('-')}${recurrent ? 'r' : ''}-3 ${output}`, ...randomCase(seed, hidden, output, recurrent) };
  });
  const results = cases.map((c) => ({ ...c, pts: convergence(c.spec, c.weights, [c.input], DTS) }));

  it('the networks fire', () => {
    for (const r of results) expect(r.pts[0].continuousSpikes, r.label).toBeGreaterThan(0);
    expect(results.reduce((s, r) => s + r.pts[0].continuousSpikes, 0)).toBeGreaterThan(200);
  });

  it('every spike is matched (none appears or vanishes) once Δt ≤ 1/32 ms', () => {
    for (const r of results) {
      for (const p of r.pts.filter((q) => q.dtMs <= 0.03125)) {
        expect(p.missing + p.extra, `seed ${r.seed} ${r.label} Δt ${p.dtMs}`).toBe(0);
        expect(p.discreteSpikes).toBe(p.continuousSpikes);
      }
    }
    // and mismatches are frequent on the coarse grid
    expect(results.reduce((s, r) => s + r.pts[0].missing + r.pts[0].extra, 0)).toBeGreaterThan(results.reduce((s, r) => s + r.pts[4].missing + r.pts[4].extra, 0));
  });

  it('spike-time error shrinks linearly with Δt (first order)', () => {
    // pooled over all networks: mean |t_discrete − t_continuous| per Δt
    const pooled = DTS.map((_, k) => {
      let n = 0;
      let sum = 0;
      for (const r of results) {
        const p = r.pts[k];
        if (p.matched) {
          n += p.matched;
          sum += p.meanError * p.matched;
        }
      }
      return sum / n;
    });
    console.log(DTS.map((dt, k) => `Δt ${dt}: pooled mean ${pooled[k].toFixed(4)} ms, max ${Math.max(...results.map((r) => r.pts[k].maxError)).toFixed(4)} ms, mismatched ${results.reduce((a, r) => a + r.pts[k].missing + r.pts[k].extra, 0)} of ${results.reduce((a, r) => a + r.pts[k].continuousSpikes, 0)}`).join('\n'));
    for (let k = 1; k < DTS.length; k++) expect(pooled[k]).toBeLessThan(pooled[k - 1]);
    // halving Δt three times divides the error by about 8 (first order; second order would give 64)
    const ratio = pooled[DTS.length - 4] / pooled[DTS.length - 1];
    expect(ratio).toBeGreaterThan(5);
    expect(ratio).toBeLessThan(13);
    // error / Δt settles to a constant (the mean delay of the grid, a few Δt)
    expect(pooled[DTS.length - 1] / DTS[DTS.length - 1]).toBeLessThan(4);
    // every network at the smallest Δt: max error ≤ 20·Δt, and the discrete spikes come late, not early
    const last = DTS.length - 1;
    for (const r of results) {
      expect(r.pts[last].maxError, r.label).toBeLessThanOrEqual(20 * DTS[last]);
      if (r.pts[last].matched) expect(r.pts[last].meanShift, r.label).toBeGreaterThan(0);
    }
  });

  it('the readout voltage converges at first order', () => {
    const last = DTS.length - 1;
    for (const r of results.filter((x) => x.spec.output === 'readout')) {
      const p = r.pts;
      expect(p[last].readoutMaxError, r.label).toBeLessThanOrEqual(2 * DTS[last] * Math.max(1, p[last].readoutScale));
      if (p[last - 3].readoutMaxError > 1e-12) expect(p[last].readoutMaxError, r.label).toBeLessThan(p[last - 3].readoutMaxError / 3);
    }
  });

  it('referenceForward of the mapped network carries every input spike and gives the counted spikes', () => {
    const { spec, weights, input } = cases[0];
    const m = discretize(spec, weights, 0.125);
    const s = discreteInput(m, input);
    expect(s.reduce((a, b) => a + b, 0)).toBe(input.length);
    const fwd = referenceForward(m.spec, m.weights, s, m.steps, 1, [0]);
    expect(fwd.layers[0].S.reduce((a, b) => a + b, 0)).toBe(results[0].pts[3].discreteSpikes);
    for (const p of results[1].pts) console.log(`seed 2, Δt ${p.dtMs} ms: ${p.continuousSpikes} continuous / ${p.discreteSpikes} discrete spikes, missing ${p.missing}, extra ${p.extra}, max ${p.maxError.toFixed(4)} ms, mean ${p.meanError.toFixed(4)} ms, readout ${p.readoutMaxError.toExponential(2)}`);
  });
});
