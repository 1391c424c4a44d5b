/**
 * `networkConvergence` (the compare report's Δt convergence section): the
 * continuous twin of a discrete network, discretised back at the network's own
 * Δt, is that network (reset 'zero'): same spikes; at finer Δt the spike times
 * and counts converge to the continuous ones.
 */
import { describe, expect, it } from 'vitest';
import { networkConvergence } from '../../src/compare/convergence.js';
import { lifParams } from '../../src/neurons/lif.js';
import type { NetworkSpec } from '../../src/model/network.js';
import { randomNetwork, randomSpikes } from '../../src/reference/random.js';
import { referenceForward } from '../../src/reference/lif-network.js';
import { fastSigmoid } from '../../src/surrogates.js';
import { lineChartSvg } from '../../src/compare/report.js';

const T = 30;
const B = 3;

function net(reset: 'zero' | 'subtract', tauSynMs = 5): NetworkSpec {
  return { inputs: 12, hidden: [{ size: 10, recurrent: false }], outputs: 4, neuron: lifParams({ dtMs: 1, tauMemMs: 10, tauSynMs, reset }), surrogate: fastSigmoid(), readoutReduce: 'max' };
}

describe('networkConvergence', () => {
  const spec = net('zero');
  const weights = randomNetwork(spec, 7, { gain: 1.5 });
  const input = randomSpikes(T, B, spec.inputs, 0.1, 3);

  it('at Δt0 the discretised twin reproduces the compared network; finer grids converge at first order', () => {
    const c = networkConvergence(spec, weights, 1, input, T, B, { samples: B, dtsMs: [1, 0.5, 0.25, 0.125, 0.0625, 0.03125] });
    expect(c.skipped).toBeUndefined();
    expect(c.tauMemMs).toBeCloseTo(10, 12);
    expect(c.tauSynMs).toBeCloseTo(5, 12);
    expect(c.durationMs).toBe(T - 1);
    const fwd = referenceForward(spec, weights, input, T, B, [0, 0, 0]);
    const own = fwd.layers[0].S.reduce((a, b) => a + b, 0);
    expect(own).toBeGreaterThan(10);
    const p = c.points;
    expect(p[0].steps).toBe(T);
    expect(p[0].discreteSpikes).toBe(own);
    // tonic firing: each interspike interval is lengthened by O(Δt), so the spike count converges at first order too
    const mismatched = (q: (typeof p)[number]) => q.missing + q.extra;
    expect(mismatched(p[p.length - 1])).toBeLessThanOrEqual(mismatched(p[p.length - 3]) / 2.5);
    expect(mismatched(p[p.length - 1])).toBeLessThan(0.03 * p[p.length - 1].continuousSpikes);
    expect(p[p.length - 1].meanError).toBeLessThan(p[p.length - 4].meanError / 4);
    // a delay of O(Δt) per interspike interval accumulates along a train of ~10 spikes
    expect(p[p.length - 1].meanError).toBeLessThan(8 * p[p.length - 1].dtMs);
    expect(p[p.length - 1].readoutMaxError).toBeLessThan(p[p.length - 4].readoutMaxError / 3);
    for (const q of p) console.log(`Δt ${q.dtMs}: ${q.continuousSpikes}/${q.discreteSpikes} spikes, missing ${q.missing}, extra ${q.extra}, mean ${q.meanError.toFixed(4)} ms, max ${q.maxError.toFixed(4)} ms, readout ${q.readoutMaxError.toExponential(2)}`);
  });

  it('default Δt grid, and the reset of the compared network is reported', () => {
    const c = networkConvergence(net('subtract'), weights, 1, input, T, B);
    expect(c.points.map((q) => q.dtMs)).toEqual([1, 0.5, 0.25, 0.125, 0.0625]);
    expect(c.samples).toBe(2);
    expect(c.reset).toBe('subtract');
  });

  it('is skipped, with the reason, for τ_mem = τ_syn and for an input that is not spikes', () => {
    expect(networkConvergence(net('zero', 10), weights, 1, input, T, B).skipped).toMatch(/τ_mem = τ_syn/);
    const current = Float64Array.from(input, (x) => 0.3 * x);
    expect(networkConvergence(spec, weights, 1, current, T, B).skipped).toMatch(/not spikes/);
  });
});

describe('report charts', () => {
  it('a log-log chart of errors vs Δt, and a range below float resolution (1 and 1 − 2⁻⁵²) draws', () => {
    const svg = lineChartSvg({ id: 'e', title: 't', xLabel: 'Δt', yLabel: 'ms', logX: true, logY: true, series: [{ name: 'mean', points: [[1, 2], [0.5, 1], [0.25, 0.5], [0.125, 0]] }] });
    // ticks at the decades 1 (and the dropped y = 0 point is not drawn)
    expect(svg).toContain('>1</text>');
    expect((svg.match(/<circle/g) ?? []).length).toBe(3);
    const flat = lineChartSvg({ id: 'c', title: 't', xLabel: 'epoch', yLabel: 'cos', series: [{ name: 'bptt', points: [[0, 1], [1, 0.9999999999999998]] }] });
    expect((flat.match(/<circle/g) ?? []).length).toBe(2);
  });
});
