/**
 * The checkpoint format's versions (src/train/checkpoint.ts): version 2 names
 * the neuron model's kind; version 1 files, written before kinds existed, load
 * as LIF networks with the same weights; an unknown kind or version is refused
 * with a message that names it.
 */
import { describe, expect, it } from 'vitest';
import { parseCheckpoint, serializeCheckpoint, CheckpointError } from '../../src/train/checkpoint.js';
import { lifParams } from '../../src/neurons/lif.js';
import { surrogateByName } from '../../src/surrogates.js';
import { initWeights, type NetworkSpec } from '../../src/model/network.js';

const spec: NetworkSpec = {
  inputs: 6, hidden: [{ size: 5, recurrent: true }], outputs: 3,
  neuron: lifParams({ tauSynMs: 4, tauMemMs: 12, threshold: 0.9, reset: 'zero', detachReset: true }),
  surrogate: surrogateByName('arctan', 3), readoutReduce: 'max',
};
const weights = initWeights(spec, { seed: 5 });

describe('checkpoint versions', () => {
  it('writes version 2 with neuron.kind and reads it back', () => {
    const text = serializeCheckpoint({ spec, weights });
    const doc = JSON.parse(text);
    expect(doc.version).toBe(2);
    expect(doc.model.neuron).toEqual({ kind: 'lif', ...spec.neuron });
    const back = parseCheckpoint(text);
    expect(back.spec.neuron).toEqual(spec.neuron);
    expect(Array.from(back.weights.hidden[0].v!)).toEqual(Array.from(weights.hidden[0].v!));
  });

  it('reads a version 1 file (no neuron.kind) as LIF with the same parameters and weights', () => {
    const doc = JSON.parse(serializeCheckpoint({ spec, weights }));
    doc.version = 1;
    delete doc.model.neuron.kind;
    const back = parseCheckpoint(JSON.stringify(doc), 'old.json');
    expect(back.spec.neuron).toEqual(spec.neuron);
    expect(Array.from(back.weights.readout)).toEqual(Array.from(weights.readout));
  });

  it('refuses an unknown neuron kind, a version 2 file without one, and an unknown version', () => {
    const doc = JSON.parse(serializeCheckpoint({ spec, weights }));
    doc.model.neuron.kind = 'hodgkin-huxley';
    expect(() => parseCheckpoint(JSON.stringify(doc), 'x.json')).toThrow(/x\.json: model\.neuron\.kind "hodgkin-huxley" is not a neuron model this webspike knows \(lif\)/);
    delete doc.model.neuron.kind;
    expect(() => parseCheckpoint(JSON.stringify(doc), 'x.json')).toThrow(CheckpointError);
    doc.version = 3;
    expect(() => parseCheckpoint(JSON.stringify(doc), 'x.json')).toThrow(/unsupported checkpoint version 3 \(this webspike reads versions 1 and 2\)/);
  });
});
