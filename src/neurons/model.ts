/**
 * A neuron model as a value: what src/neurons/registry.ts holds per kind. The
 * model validates its parameters and fills their defaults from the options a
 * user gives (shared names such as dtMs, tauSynMs, threshold, and its own, which
 * it declares for the CLI), and builds the WGSL snippets the neuron-agnostic
 * scans compose with (kernels/scan/). Its float64 step for tests lives in
 * src/reference/neurons.ts.
 */
import type { NeuronKernel } from '../../kernels/types.js';

/** The options every model shares, in the units their names say: exactly what LIF takes (LifOptions). */
export interface SharedNeuronOptions {
  /** time step Δt in ms (default 1) */
  dtMs?: number;
  /** synaptic time constant in ms (default 5) */
  tauSynMs?: number;
  /** membrane time constant in ms (default 10) */
  tauMemMs?: number;
  /** synaptic decay per step directly; overrides tauSynMs/dtMs */
  alpha?: number;
  /** membrane decay per step directly; overrides tauMemMs/dtMs */
  beta?: number;
  threshold?: number;
  reset?: 'subtract' | 'zero';
  detachReset?: boolean;
}

/**
 * The options any model may read: the shared ones, and each model's own (see
 * the model's `options`); a model reads the ones it has and ignores the rest.
 */
export interface NeuronOptions extends SharedNeuronOptions {
  /** a model's own numeric options (declared in its `options`) */
  [own: string]: number | string | boolean | undefined;
}

/** A numeric option a model declares: `--<flag>` on the CLI sets options[key]. */
export interface NeuronOptionSpec {
  readonly flag: string;
  readonly key: string;
  readonly help: string;
}

export interface NeuronModel<P extends object = object> {
  /** e.g. 'qif': the value of --neuron, of a layer's neuron.kind, and of the checkpoint's */
  readonly kind: string;
  /** one line for help texts */
  readonly description: string;
  /** the options only this model reads (the shared ones are in NeuronOptions) */
  readonly options: readonly NeuronOptionSpec[];
  /** validated parameters with defaults; throws RangeError naming the parameter */
  params(options?: NeuronOptions): P;
  /**
   * The same validation for parameters as saved (the derived values, e.g.
   * alpha rather than tauSynMs): returns the parameters these derive to, which
   * equal `saved` when it is valid; throws RangeError naming the parameter.
   */
  fromSaved(saved: NeuronOptions): P;
  /** the snippets and uniforms of these parameters for kernels/scan/ */
  kernel(p: P): NeuronKernel;
}

/** Δt/τ-style decay exp(−Δt/τ), with the direct value taking precedence; validated to [0, 1]. */
export function decay(model: string, name: string, direct: number | undefined, dtMs: number, tauMs: number): number {
  const v = direct ?? Math.exp(-dtMs / tauMs);
  if (!(Number.isFinite(v) && v >= 0 && v <= 1)) throw new RangeError(`${model} ${name} must lie in [0, 1], got ${v}`);
  return v;
}

/** Throws unless every named value is a positive finite number. */
export function requirePositive(model: string, values: Record<string, number>): void {
  for (const [name, v] of Object.entries(values)) {
    if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`${model} ${name} must be a positive number, got ${v}`);
  }
}

/** Throws unless every named value is a finite number. */
export function requireFinite(model: string, values: Record<string, number>): void {
  for (const [name, v] of Object.entries(values)) {
    if (!Number.isFinite(v)) throw new RangeError(`${model} ${name} must be a finite number, got ${v}`);
  }
}

/** options[key] as a number, or `fallback` when absent; throws on a non-number. */
export function numberOption(model: string, options: NeuronOptions, key: string, fallback: number): number {
  const v = options[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number') throw new RangeError(`${model} ${key} must be a number, got ${JSON.stringify(v)}`);
  return v;
}
