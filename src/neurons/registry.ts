/**
 * The neuron models webspike knows, by kind. A network's hidden layer names its
 * model in `HiddenLayerSpec.neuron`; a layer that names none is LIF with the
 * network's `neuron` constants. Adding a model means one file in src/neurons/,
 * its snippets in shaders/neurons/, its float64 step in src/reference/neurons.ts,
 * and one line in each of MODELS and LayerNeuron here.
 */
import type { NeuronKernel } from '../../kernels/types.js';
import type { NetworkSpec } from '../model/network.js';
import { ALIF_MODEL, type AlifParams } from './alif.js';
import { LIF_MODEL, type LifParams } from './lif.js';
import type { NeuronModel, NeuronOptions, NeuronOptionSpec } from './model.js';
import { QIF_MODEL, type QifParams } from './qif.js';

const MODELS = { lif: LIF_MODEL, qif: QIF_MODEL, alif: ALIF_MODEL } as const;

export type NeuronKind = keyof typeof MODELS;
export const NEURON_KINDS = Object.keys(MODELS) as NeuronKind[];

/** A hidden layer's neuron model: its kind and its validated parameters. */
export type LayerNeuron =
  | ({ readonly kind: 'lif' } & LifParams)
  | ({ readonly kind: 'qif' } & QifParams)
  | ({ readonly kind: 'alif' } & AlifParams);

export function isNeuronKind(kind: unknown): kind is NeuronKind {
  return typeof kind === 'string' && Object.hasOwn(MODELS, kind);
}

/** The model of `kind`; throws naming the known kinds. */
export function neuronModel(kind: string): NeuronModel {
  if (!isNeuronKind(kind)) throw new RangeError(`unknown neuron model '${kind}' (known: ${NEURON_KINDS.join(', ')})`);
  return MODELS[kind] as NeuronModel;
}

/** A layer's neuron of `kind` from user options (defaults filled, validated). */
export function layerNeuron(kind: string, options: NeuronOptions = {}): LayerNeuron {
  const model = neuronModel(kind);
  return { kind, ...model.params(options) } as LayerNeuron;
}

/** The model of hidden layer l: its own, or LIF with the network's constants. */
export function neuronOfLayer(spec: Pick<NetworkSpec, 'hidden' | 'neuron'>, l: number): LayerNeuron {
  return spec.hidden[l].neuron ?? { kind: 'lif', ...spec.neuron };
}

/** The snippets and uniforms of a layer's neuron for kernels/scan/. */
export function neuronKernel(n: LayerNeuron): NeuronKernel {
  const { kind, ...params } = n;
  return neuronModel(kind).kernel(params);
}

/** Every model's own CLI options, with the kind that declares each. */
export function neuronOptionSpecs(): (NeuronOptionSpec & { kind: NeuronKind })[] {
  return NEURON_KINDS.flatMap((kind) => MODELS[kind].options.map((o) => ({ ...o, kind })));
}

/** True when every hidden layer is LIF. */
export function allLif(spec: Pick<NetworkSpec, 'hidden'>): boolean {
  return spec.hidden.every((h) => (h.neuron?.kind ?? 'lif') === 'lif');
}
