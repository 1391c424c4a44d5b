/** The neuron-model options of the command line: --neuron and each model's own flags (src/neurons/registry.ts). */
import { num } from './args.js';
import { isNeuronKind, NEURON_KINDS, neuronOptionSpecs, type NeuronKind } from '../neurons/registry.js';

/** parseArgs options of every neuron model's own flags (src/neurons/registry.ts) */
export function neuronFlags(): Record<string, { type: 'string' }> {
  return Object.fromEntries(neuronOptionSpecs().map((o) => [o.flag, { type: 'string' as const }]));
}

/** The neuron options the model flags in `v` set, by their option keys. */
export function neuronFlagValues(v: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of neuronOptionSpecs()) {
    const raw = v[o.flag];
    if (typeof raw === 'string') out[o.key] = num(raw, o.flag)!;
  }
  return out;
}

/** Refuses a model's flag given for another model, and --reset for a model with its own reset, rather than ignore it. */
export function checkNeuronFlags(v: Record<string, unknown>, kind: NeuronKind): void {
  for (const o of neuronOptionSpecs()) {
    if (v[o.flag] !== undefined && o.kind !== kind) throw new Error(`--${o.flag} applies to --neuron ${o.kind} only, not '${kind}'`);
  }
  if (v.reset !== undefined && kind !== 'lif') throw new Error(`--reset applies to --neuron lif only: '${kind}' resets as its model defines (see webspike help)`);
}

export function neuronKindOption(kind: string): NeuronKind {
  if (!isNeuronKind(kind)) throw new Error(`--neuron must be one of ${NEURON_KINDS.join(', ')}, got '${kind}'`);
  return kind;
}
