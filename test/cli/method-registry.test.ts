/**
 * The method registry (src/methods/registry.ts) builds every discrete method by
 * name, refuses options a method does not declare, and each method's
 * supports(spec) names what it does not handle before any GPU work.
 */
import { describe, expect, it } from 'vitest';
import { checkMethodOptions, DISCRETE_METHOD_NAMES, isEventMethod, methodByName, methodEntry, METHOD_NAMES } from '../../src/methods/registry.js';
import { bptt } from '../../src/methods/bptt.js';
import { rtrl } from '../../src/methods/rtrl.js';
import { eligibility } from '../../src/methods/eligibility.js';
import { lifParams } from '../../src/neurons/lif.js';
import { layerNeuron } from '../../src/neurons/registry.js';
import { surrogateByName } from '../../src/surrogates.js';
import type { NetworkSpec } from '../../src/model/network.js';

const spec = (o: Partial<NetworkSpec> = {}): NetworkSpec => ({
  inputs: 4, hidden: [{ size: 3, recurrent: false }], outputs: 2, neuron: lifParams(), surrogate: surrogateByName('fast-sigmoid'), readoutReduce: 'mean', ...o,
});

describe('method registry', () => {
  it('builds every discrete method by its name and knows EventProp as the event network\'s', () => {
    for (const name of DISCRETE_METHOD_NAMES) expect(methodByName(name).name).toBe(name);
    expect(METHOD_NAMES).toEqual([...DISCRETE_METHOD_NAMES, 'eventprop']);
    expect(isEventMethod('eventprop')).toBe(true);
    expect(isEventMethod('bptt')).toBe(false);
    expect(isEventMethod(undefined)).toBe(false);
    expect(() => methodByName('eventprop')).toThrow(/trains the continuous-time network on spike times/);
    expect(() => methodEntry('adjoint')).toThrow(/unknown gradient method 'adjoint' \(available: bptt, rtrl, eligibility, eventprop\)/);
  });

  it('passes declared options through and refuses the others, naming the method that declares them', () => {
    expect(methodByName('eligibility', { signal: 'direct', updateEvery: 4 }).description).toMatch(/direct learning signal, online updates every 4 steps/);
    expect(() => checkMethodOptions('rtrl', { propagation: 'event' })).toThrow(/--propagation applies to --method bptt only, not 'rtrl'/);
    expect(() => checkMethodOptions('bptt', { signal: 'direct' })).toThrow(/--signal applies to --method eligibility only, not 'bptt'/);
    expect(() => checkMethodOptions('eventprop', { updateEvery: 2 })).toThrow(/--update-every applies to --method eligibility only, not 'eventprop'/);
    expect(() => checkMethodOptions('eligibility', { signal: 'telepathy' })).toThrow(/unknown learning signal 'telepathy' \(available: symmetric, feedback-alignment, direct, local\)/);
    expect(() => checkMethodOptions('bptt', { propagation: 'sideways' })).toThrow(/unknown propagation 'sideways'/);
  });

  it('supports(spec) says what a method does not handle', () => {
    const alif = spec({ hidden: [{ size: 3, recurrent: false, neuron: layerNeuron('alif', {}) }] });
    const recurrent = spec({ hidden: [{ size: 3, recurrent: true }] });
    for (const m of [bptt(), rtrl(), eligibility()]) expect(m.supports(alif)).toEqual({ ok: true });
    expect(bptt({ propagation: 'fused' }).supports(alif)).toEqual({ ok: false, reason: expect.stringMatching(/propagation 'fused' is implemented for LIF layers only; hidden layer 0 is 'alif'/) });
    expect(bptt({ propagation: 'fused' }).supports(recurrent)).toEqual({ ok: false, reason: expect.stringMatching(/needs feed-forward hidden layers/) });
    expect(bptt({ membraneStorage: 'f16' }).supports(alif).ok).toBe(false);
    expect(eligibility().supports(spec({ readoutReduce: 'max' }))).toEqual({ ok: false, reason: expect.stringMatching(/need readout 'mean' or 'sum'/) });
    expect(rtrl().supports(spec({ readoutReduce: 'max' })).ok).toBe(true);
  });
});
