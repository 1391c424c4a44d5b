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
  it('writes version 3 with neuron.kind and reads it back, and still reads version 2', () => {
    const text = serializeCheckpoint({ spec, weights });
    const doc = JSON.parse(text);
    expect(doc.version).toBe(3);
    const v2 = parseCheckpoint(JSON.stringify({ ...doc, version: 2 }), 'v2.json').spec;
    expect([v2.hidden, v2.neuron, v2.surrogate.name]).toEqual([spec.hidden, spec.neuron, spec.surrogate.name]);
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
    doc.version = 4;
    expect(() => parseCheckpoint(JSON.stringify(doc), 'x.json')).toThrow(/unsupported checkpoint version 4 \(this webspike reads versions 1, 2 and 3\)/);
  });
});

describe('checkpoints keep each layer\'s neuron model', () => {
  it('a QIF and an ALIF layer round-trip with kind and parameters; a corrupt model is refused by name', async () => {
    const { serializeCheckpoint: save, parseCheckpoint: parse } = await import('../../src/train/checkpoint.js');
    const { layerNeuron } = await import('../../src/neurons/registry.js');
    const { lifParams: lif } = await import('../../src/neurons/lif.js');
    const { surrogateByName: sg } = await import('../../src/surrogates.js');
    const { initWeights } = await import('../../src/model/network.js');
    const spec = {
      inputs: 4, outputs: 2, neuron: lif(), surrogate: sg('fast-sigmoid'), readoutReduce: 'mean' as const,
      hidden: [{ size: 3, recurrent: true, neuron: layerNeuron('alif', { adaptation: 0.3 }) }, { size: 2, recurrent: false, neuron: layerNeuron('qif', { uCrit: 0.4 }) }],
    };
    const text = save({ spec, weights: initWeights(spec) });
    const back = parse(text, 'test');
    expect(back.spec.hidden.map((h) => h.neuron)).toEqual(spec.hidden.map((h) => h.neuron));
    const bad = JSON.parse(text);
    bad.model.hidden[1].neuron.kind = 'izhikevich';
    expect(() => parse(JSON.stringify(bad), 'test')).toThrow(/hidden\[1\]\.neuron.*izhikevich/);
    // the model's own rules hold for saved parameters: none broken, none missing, none unknown
    const edited = (change: (n: Record<string, unknown>) => void) => {
      const doc = JSON.parse(text);
      change(doc.model.hidden[1].neuron);
      return () => parse(JSON.stringify(doc), 'test');
    };
    expect(edited((n) => (n.uCrit = 2))).toThrow(/hidden\[1\]\.neuron.*QIF needs uRest < uCrit < uPeak/);
    expect(edited((n) => delete n.uPeak)).toThrow(/hidden\[1\]\.neuron.*parameter uPeak is missing/);
    expect(edited((n) => (n.tauAdaptMs = 5))).toThrow(/hidden\[1\]\.neuron.*parameter tauAdaptMs is not one of the qif model's/);
    expect(edited((n) => (n.alpha = 1.5))).toThrow(/hidden\[1\]\.neuron.*alpha must lie in \[0, 1\]/);
  });
});
