/**
 * Checkpoint format (version 3): one UTF-8 JSON document.
 *
 * {
 *   "format": "webspike-checkpoint", "version": 3,
 *   "model": {                                   // the architecture and neuron model
 *     "inputs": 784, "hidden": [{ "size": 128, "recurrent": false }], "outputs": 10,
 *     "neuron": { "kind": "lif", "alpha": …, "beta": …, "threshold": 1, "reset": "subtract", "detachReset": false },
 *     "surrogate": { "name": "fast-sigmoid", "slope": 10 },
 *     "readoutReduce": "max"
 *   },
 *   "parameters": [                               // in parameterShapes order
 *     { "name": "hidden.0.w", "shape": [128, 784], "dtype": "f32", "data": "<base64>" }, …
 *   ],
 *   "optimizer": { "spec": { "kind": "adam", "lr": …, … }, "updates": 1250,
 *                  "slots": [{ "name": "hidden.0.w/m", "dtype": "f32", "data": "<base64>" }, …] },
 *   "training": { … the run's configuration, "epoch": 3 (epochs completed) … },
 *   "metrics": [ … one object per completed epoch … ]
 * }
 *
 * "data" is the little-endian float32 array, row-major (out × in, like
 * torch.nn.Linear.weight), base64-encoded. Names: hidden.<l>.w (input weights of
 * hidden layer l), hidden.<l>.v (recurrent weights), readout.w. Converting from
 * PyTorch: `base64.b64encode(w.detach().float().numpy().astype('<f4').tobytes())`.
 * Files are written to a temporary name and renamed, so an interrupted save never
 * replaces a good checkpoint.
 *
 * A hidden layer with its own neuron model carries it: "hidden": [{ "size": 128,
 * "recurrent": true, "neuron": { "kind": "alif", "alpha": …, "rho": …, … } }].
 * Version 3 added that; version 2 is version 3 with LIF layers only, and version
 * 1 is version 2 without neuron.kind; both are read as such.
 */
import { parameterShapes, validateWeights, weightList, weightsFromList, type NetworkSpec, type NetworkWeights } from '../model/network.js';
import { lifParams, type LifParams } from '../neurons/lif.js';
import { isNeuronKind, neuronKernel, neuronModel, NEURON_KINDS as LAYER_NEURON_KINDS, type LayerNeuron } from '../neurons/registry.js';
import type { NeuronOptions } from '../neurons/model.js';
import { surrogateByName } from '../surrogates.js';
import type { OptimizerSpec } from '../optim/optimizer.js';
import { writeFileAtomic } from '../files/atomic-write.js';

export interface CheckpointModel {
  inputs: number;
  /** `neuron`: the layer's own model (kind and parameters), absent for LIF with the network's constants */
  hidden: { size: number; recurrent: boolean; neuron?: LayerNeuron }[];
  outputs: number;
  /** the neuron model: its kind ('lif') and parameters */
  neuron: { kind: NeuronKind } & LifParams;
  surrogate: { name: string; slope: number };
  readoutReduce: NetworkSpec['readoutReduce'];
}

/** The neuron models a checkpoint can name. */
export const NEURON_KINDS = ['lif'] as const;
export type NeuronKind = (typeof NEURON_KINDS)[number];

/** The checkpoint versions this webspike reads; it writes the last. */
export const CHECKPOINT_VERSIONS = [1, 2, 3] as const;
const CHECKPOINT_VERSION = CHECKPOINT_VERSIONS[CHECKPOINT_VERSIONS.length - 1];

export interface Checkpoint {
  spec: NetworkSpec;
  weights: NetworkWeights;
  optimizer?: { spec: OptimizerSpec; updates: number; slots: { name: string; data: Float32Array }[] };
  training?: Record<string, unknown>;
  metrics?: Record<string, unknown>[];
}

export class CheckpointError extends Error {
  constructor(where: string, message: string) {
    super(`${where}: ${message}`);
    this.name = 'CheckpointError';
  }
}

export function f32ToBase64(a: Float32Array): string {
  const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function base64ToF32(s: string, where: string): Float32Array {
  let bin: string;
  try {
    bin = atob(s);
  } catch {
    throw new CheckpointError(where, 'data is not valid base64');
  }
  if (bin.length % 4 !== 0) throw new CheckpointError(where, `data has ${bin.length} bytes, not a whole number of float32 values`);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return new Float32Array(out.buffer);
}

export function modelOf(spec: NetworkSpec): CheckpointModel {
  return {
    inputs: spec.inputs,
    hidden: spec.hidden.map((h) => (h.neuron ? { size: h.size, recurrent: h.recurrent, neuron: h.neuron } : { size: h.size, recurrent: h.recurrent })),
    outputs: spec.outputs,
    neuron: { kind: 'lif', ...spec.neuron },
    surrogate: { name: spec.surrogate.name, slope: spec.surrogate.slope },
    readoutReduce: spec.readoutReduce,
  };
}

/** `version` 1 files carry no neuron.kind: they hold LIF neurons. */
export function specFromModel(m: CheckpointModel, where = 'checkpoint', version: number = CHECKPOINT_VERSION): NetworkSpec {
  if (!m || typeof m !== 'object') throw new CheckpointError(where, 'missing "model"');
  const kind = version === 1 ? 'lif' : (m.neuron as { kind?: unknown } | undefined)?.kind;
  if (!(NEURON_KINDS as readonly unknown[]).includes(kind)) {
    throw new CheckpointError(where, `model.neuron.kind ${JSON.stringify(kind)} is not a neuron model this webspike knows (${NEURON_KINDS.join(', ')})`);
  }
  let surrogate;
  try {
    surrogate = surrogateByName(m.surrogate?.name, m.surrogate?.slope);
  } catch (e) {
    throw new CheckpointError(where, `model.surrogate: ${(e as Error).message}`);
  }
  return {
    inputs: m.inputs,
    hidden: (m.hidden ?? []).map((h, l) => (h.neuron === undefined ? { size: h.size, recurrent: !!h.recurrent } : { size: h.size, recurrent: !!h.recurrent, neuron: layerNeuronOf(h.neuron, `${where}: model.hidden[${l}].neuron`) })),
    outputs: m.outputs,
    neuron: lifParams({ alpha: m.neuron?.alpha, beta: m.neuron?.beta, threshold: m.neuron?.threshold, reset: m.neuron?.reset, detachReset: m.neuron?.detachReset }),
    surrogate,
    readoutReduce: m.readoutReduce,
  };
}

/** A layer's saved model, validated by its kind's own parameter checks. */
function layerNeuronOf(saved: unknown, where: string): LayerNeuron {
  const { kind, ...params } = (saved ?? {}) as { kind?: unknown };
  if (!isNeuronKind(kind)) throw new CheckpointError(where, `kind ${JSON.stringify(kind)} is not a neuron model this webspike knows (${LAYER_NEURON_KINDS.join(', ')})`);
  try {
    // the saved parameters are the model's own, already derived (alpha, not tauSynMs): the model's rules check
    // them, and they must be exactly the parameters those rules derive from them: none missing, none unknown
    const derived = neuronModel(kind).fromSaved(params as NeuronOptions) as Record<string, unknown>;
    for (const k of Object.keys(derived)) if (!(k in params)) throw new RangeError(`parameter ${k} is missing`);
    for (const [k, v] of Object.entries(params)) {
      if (!(k in derived)) throw new RangeError(`parameter ${k} is not one of the ${kind} model's (${Object.keys(derived).join(', ')})`);
      if (!Object.is(derived[k], v)) throw new RangeError(`${k} is ${JSON.stringify(v)}, not a value the ${kind} model takes`);
    }
    const checked = { kind, ...params } as LayerNeuron;
    neuronKernel(checked);
    return checked;
  } catch (e) {
    throw new CheckpointError(where, (e as Error).message);
  }
}

export function serializeCheckpoint(c: Checkpoint): string {
  const shapes = parameterShapes(c.spec);
  const list = weightList(c.spec, c.weights);
  return JSON.stringify({
    format: 'webspike-checkpoint',
    version: CHECKPOINT_VERSION,
    model: modelOf(c.spec),
    parameters: shapes.map((s, i) => ({ name: s.name, shape: s.shape, dtype: 'f32', data: f32ToBase64(list[i]) })),
    optimizer: c.optimizer && {
      spec: c.optimizer.spec,
      updates: c.optimizer.updates,
      slots: c.optimizer.slots.map((s) => ({ name: s.name, dtype: 'f32', data: f32ToBase64(s.data) })),
    },
    training: c.training,
    metrics: c.metrics,
  });
}

export function parseCheckpoint(text: string, where = 'checkpoint'): Checkpoint {
  let doc: any;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new CheckpointError(where, `not JSON (${(e as Error).message}); truncated or not a webspike checkpoint`);
  }
  if (doc?.format !== 'webspike-checkpoint') throw new CheckpointError(where, 'not a webspike checkpoint (missing "format": "webspike-checkpoint")');
  if (!(CHECKPOINT_VERSIONS as readonly unknown[]).includes(doc.version)) {
    throw new CheckpointError(where, `unsupported checkpoint version ${doc.version} (this webspike reads versions ${CHECKPOINT_VERSIONS.slice(0, -1).join(', ')} and ${CHECKPOINT_VERSIONS[CHECKPOINT_VERSIONS.length - 1]})`);
  }
  const spec = specFromModel(doc.model, where, doc.version);
  const shapes = parameterShapes(spec);
  const params: any[] = doc.parameters ?? [];
  const names = params.map((p) => p.name).join(', ');
  if (params.length !== shapes.length || shapes.some((s, i) => params[i].name !== s.name)) {
    throw new CheckpointError(where, `parameters [${names}] do not match the model's [${shapes.map((s) => s.name).join(', ')}]`);
  }
  const list = shapes.map((s, i) => {
    const p = params[i];
    if (p.dtype !== 'f32') throw new CheckpointError(where, `${s.name}: dtype ${p.dtype} (only f32 is supported)`);
    if (!Array.isArray(p.shape) || p.shape[0] !== s.shape[0] || p.shape[1] !== s.shape[1]) {
      throw new CheckpointError(where, `${s.name}: shape ${JSON.stringify(p.shape)} but the model needs [${s.shape.join(', ')}]`);
    }
    return base64ToF32(p.data, `${where}: ${s.name}`);
  });
  const weights = weightsFromList(spec, list);
  try {
    validateWeights(spec, weights, where);
  } catch (e) {
    throw new CheckpointError(where, (e as Error).message.replace(`${where}: `, ''));
  }
  const opt = doc.optimizer;
  return {
    spec,
    weights,
    optimizer: opt && {
      spec: opt.spec,
      updates: opt.updates,
      slots: (opt.slots ?? []).map((s: any) => ({ name: s.name, data: base64ToF32(s.data, `${where}: optimizer ${s.name}`) })),
    },
    training: doc.training,
    metrics: doc.metrics,
  };
}

/** Check that a checkpoint's model is the architecture a run expects; the error lists the differences. */
export function assertSameArchitecture(expected: NetworkSpec, got: NetworkSpec, where = 'checkpoint'): void {
  const a = modelOf(expected);
  const b = modelOf(got);
  const diffs: string[] = [];
  if (a.inputs !== b.inputs) diffs.push(`inputs ${b.inputs} ≠ ${a.inputs}`);
  if (a.outputs !== b.outputs) diffs.push(`outputs ${b.outputs} ≠ ${a.outputs}`);
  const layer = (h: NetworkSpec['hidden'][number]) => `${h.size}${h.recurrent ? 'r' : ''}${h.neuron ? `:${h.neuron.kind}` : ''}`;
  const ha = a.hidden.map(layer).join('-');
  const hb = b.hidden.map(layer).join('-');
  if (ha !== hb) diffs.push(`hidden layers ${hb} ≠ ${ha}`);
  if (diffs.length) throw new CheckpointError(where, `is for a different architecture: ${diffs.join(', ')}`);
}

/**
 * Throws unless `run` (this run's configuration) is the network `saved` (the
 * checkpoint's model) declares: architecture, every neuron parameter, the
 * surrogate and the readout. A resumed run trains the checkpoint's network or
 * none; the message names each difference, the checkpoint's value first.
 */
export function assertSameModel(run: NetworkSpec, saved: NetworkSpec, where = 'checkpoint'): void {
  assertSameArchitecture(run, saved, where);
  const diffs: string[] = [];
  const same = (x: number, y: number) => Math.abs(x - y) <= 1e-9 * Math.max(Math.abs(x), Math.abs(y));
  for (const k of ['alpha', 'beta', 'threshold'] as const) {
    if (!same(saved.neuron[k], run.neuron[k])) diffs.push(`neuron ${k} ${saved.neuron[k]} ≠ ${run.neuron[k]}`);
  }
  saved.hidden.forEach((h, l) => {
    const a = h.neuron as Record<string, unknown> | undefined;
    const b = run.hidden[l].neuron as Record<string, unknown> | undefined;
    for (const k of new Set([...Object.keys(a ?? {}), ...Object.keys(b ?? {})])) {
      const x = a?.[k];
      const y = b?.[k];
      if (typeof x === 'number' && typeof y === 'number' ? !same(x, y) : x !== y) diffs.push(`hidden layer ${l} neuron ${k} ${String(x)} ≠ ${String(y)}`);
    }
  });
  if (saved.neuron.reset !== run.neuron.reset) diffs.push(`reset '${saved.neuron.reset}' ≠ '${run.neuron.reset}'`);
  if (saved.neuron.detachReset !== run.neuron.detachReset) diffs.push(`detach-reset ${saved.neuron.detachReset} ≠ ${run.neuron.detachReset}`);
  if (saved.surrogate.name !== run.surrogate.name || !same(saved.surrogate.slope, run.surrogate.slope)) {
    diffs.push(`surrogate ${saved.surrogate.name} (slope ${saved.surrogate.slope}) ≠ ${run.surrogate.name} (slope ${run.surrogate.slope})`);
  }
  if (saved.readoutReduce !== run.readoutReduce) diffs.push(`readout '${saved.readoutReduce}' ≠ '${run.readoutReduce}'`);
  if (diffs.length) throw new CheckpointError(where, `declares a different network than this run's options (checkpoint ≠ run): ${diffs.join(', ')}; drop the options that change it`);
}

/** Writes `c` atomically (src/files/atomic-write.ts): an interrupted save never replaces a good checkpoint. */
export async function saveCheckpoint(path: string, c: Checkpoint): Promise<void> {
  await writeFileAtomic(path, serializeCheckpoint(c));
}

export async function loadCheckpoint(path: string): Promise<Checkpoint> {
  const fs = await import('node:fs/promises');
  let text: string;
  try {
    text = await fs.readFile(path, 'utf8');
  } catch (e) {
    throw new CheckpointError(path, `cannot read (${(e as Error).message})`);
  }
  return parseCheckpoint(text, path);
}
