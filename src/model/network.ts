import type { LifParams } from '../neurons/lif.js';
import type { LayerNeuron } from '../neurons/registry.js';
import type { Surrogate } from '../surrogates.js';
import type { ReadoutReduce } from '../../kernels/types.js';
import { createRng } from '../random.js';

/** How the readout trace y[n] = Uo[n] (n = 0…T−1) is reduced to logits. */
export type { ReadoutReduce };

export interface HiddenLayerSpec {
  readonly size: number;
  /** adds V·S[n] to the synaptic current (V: size × size) */
  readonly recurrent: boolean;
  /** this layer's neuron model (src/neurons/registry.ts); absent: LIF with the network's `neuron` */
  readonly neuron?: LayerNeuron;
}

/** Architecture and neuron models of a discrete-time spiking network. */
export interface NetworkSpec {
  readonly inputs: number;
  readonly hidden: readonly HiddenLayerSpec[];
  readonly outputs: number;
  /**
   * the LIF constants of every hidden layer that names no model of its own, and
   * the α, β of the leaky readout
   */
  readonly neuron: LifParams;
  readonly surrogate: Surrogate;
  readonly readoutReduce: ReadoutReduce;
}

/**
 * Weights, row-major float32 like torch.nn.Linear (out × in):
 *   hidden[l].w : size_l × size_{l−1}   (size_{−1} = inputs)
 *   hidden[l].v : size_l × size_l        (recurrent layers only)
 *   readout     : outputs × size_{L−1}
 */
export interface NetworkWeights {
  hidden: { w: Float32Array; v?: Float32Array }[];
  readout: Float32Array;
}

/** Parameter names and shapes [rows, cols] in a fixed order (checkpoints, gradients, optimizers). */
export function parameterShapes(spec: NetworkSpec): { name: string; shape: [number, number] }[] {
  const out: { name: string; shape: [number, number] }[] = [];
  let prev = spec.inputs;
  spec.hidden.forEach((layer, l) => {
    out.push({ name: `hidden.${l}.w`, shape: [layer.size, prev] });
    if (layer.recurrent) out.push({ name: `hidden.${l}.v`, shape: [layer.size, layer.size] });
    prev = layer.size;
  });
  out.push({ name: 'readout.w', shape: [spec.outputs, prev] });
  return out;
}

export function validateSpec(spec: NetworkSpec): void {
  const positiveInt = (v: number, what: string) => {
    if (!(Number.isInteger(v) && v > 0)) throw new RangeError(`network ${what} must be a positive integer, got ${v}`);
  };
  positiveInt(spec.inputs, 'inputs');
  positiveInt(spec.outputs, 'outputs');
  if (spec.hidden.length === 0) throw new RangeError('network needs at least one hidden layer');
  spec.hidden.forEach((h, i) => positiveInt(h.size, `hidden layer ${i} size`));
  if (!['max', 'mean', 'sum'].includes(spec.readoutReduce)) throw new RangeError(`readoutReduce must be max, mean or sum, got ${spec.readoutReduce}`);
}

/** Flatten weights in parameterShapes order. */
export function weightList(spec: NetworkSpec, w: NetworkWeights): Float32Array[] {
  const out: Float32Array[] = [];
  spec.hidden.forEach((layer, l) => {
    out.push(w.hidden[l].w);
    if (layer.recurrent) {
      const v = w.hidden[l].v;
      if (!v) throw new Error(`hidden layer ${l} is recurrent but has no recurrent weights`);
      out.push(v);
    }
  });
  out.push(w.readout);
  return out;
}

export function weightsFromList(spec: NetworkSpec, list: Float32Array[]): NetworkWeights {
  let i = 0;
  const hidden = spec.hidden.map((layer) => {
    const w = list[i++];
    const v = layer.recurrent ? list[i++] : undefined;
    return v ? { w, v } : { w };
  });
  return { hidden, readout: list[i++] };
}

/** Check shapes and finiteness; errors name the parameter and index. */
export function validateWeights(spec: NetworkSpec, w: NetworkWeights, where = 'weights'): void {
  const shapes = parameterShapes(spec);
  const list = weightList(spec, w);
  if (list.length !== shapes.length) throw new Error(`${where}: expected ${shapes.length} parameter arrays, got ${list.length}`);
  shapes.forEach(({ name, shape }, i) => {
    const a = list[i];
    if (a.length !== shape[0] * shape[1]) throw new Error(`${where}: ${name} has ${a.length} values, the architecture needs ${shape[0]}×${shape[1]} = ${shape[0] * shape[1]}`);
    for (let k = 0; k < a.length; k++) {
      if (!Number.isFinite(a[k])) throw new Error(`${where}: ${name}[${Math.floor(k / shape[1])}][${k % shape[1]}] is ${a[k]} (not finite)`);
    }
  });
}

export interface InitOptions {
  seed?: number;
  /** std of hidden input weights × sqrt(fan_in) (default 1) */
  hiddenGain?: number;
  /** std of recurrent weights × sqrt(size) (default 0.2) */
  recurrentGain?: number;
  /** std of readout weights × sqrt(fan_in) (default 1) */
  readoutGain?: number;
}

/** Seeded Gaussian initialization, w ~ N(0, gain²/fan_in). */
export function initWeights(spec: NetworkSpec, opts: InitOptions = {}): NetworkWeights {
  const rng = createRng(opts.seed ?? 1);
  const uniform = () => rng.next();
  const gauss = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  const fill = (n: number, std: number) => Float32Array.from({ length: n }, () => gauss() * std);
  let prev = spec.inputs;
  const hidden = spec.hidden.map((layer) => {
    const w = fill(layer.size * prev, (opts.hiddenGain ?? 1) / Math.sqrt(prev));
    const v = layer.recurrent ? fill(layer.size * layer.size, (opts.recurrentGain ?? 0.2) / Math.sqrt(layer.size)) : undefined;
    prev = layer.size;
    return v ? { w, v } : { w };
  });
  return { hidden, readout: fill(spec.outputs * prev, (opts.readoutGain ?? 1) / Math.sqrt(prev)) };
}
