/**
 * Form ↔ TrainConfig, the gradient-method choices, and the largest batch an
 * adapter's limits allow.
 */
import {
  DEFAULT_TRAIN_CONFIG, DISCRETE_METHOD_NAMES, LEARNING_SIGNALS, NEURON_KINDS, SURROGATE_NAMES, adamOptimizer, bptt, encoderByName, methodByName, sgdOptimizer,
  type GradientMethod, type NeuronKind, type TrainConfig,
} from 'webspike';

export interface MethodChoice {
  id: string;
  label: string;
  /** `updateEvery`: online weight updates every k steps, for methods that have them (0: once per sequence) */
  make: (updateEvery: number) => GradientMethod;
}

/**
 * Every gradient method of the discrete-time network the library registers
 * (DISCRETE_METHOD_NAMES, built by methodByName),
 * with its variants: BPTT with event-driven or dense propagation, eligibility
 * traces with each learning signal.
 */
export function methodChoices(): MethodChoice[] {
  const out: MethodChoice[] = [];
  for (const name of DISCRETE_METHOD_NAMES) {
    if (name === 'bptt') {
      out.push({ id: 'bptt-event', label: 'bptt — surrogate BPTT, event-driven propagation', make: () => bptt({ propagation: 'event' }) });
      out.push({ id: 'bptt-dense', label: 'bptt — surrogate BPTT, dense propagation', make: () => bptt({ propagation: 'dense' }) });
    } else if (name === 'eligibility') {
      for (const signal of LEARNING_SIGNALS) {
        out.push({ id: `eligibility-${signal}`, label: `eligibility traces — ${signal} learning signal`, make: (k) => methodByName(name, { signal, ...(k > 0 && { updateEvery: k }) }) });
      }
    } else {
      const m = methodByName(name);
      out.push({ id: name, label: `${m.name} — ${m.description}`, make: () => methodByName(name) });
    }
  }
  return out;
}

export const SURROGATES = SURROGATE_NAMES;

export interface FormValues {
  hidden: string;
  recurrent: boolean;
  steps: number;
  dtMs: number;
  tauSynMs: number;
  tauMemMs: number;
  threshold: number;
  /** the hidden layers' neuron model (its own parameters at their defaults) */
  neuron: string;
  reset: 'subtract' | 'zero';
  detachReset: boolean;
  readoutReduce: 'max' | 'mean' | 'sum';
  encoder: string;
  encoderParam: number;
  surrogate: string;
  slope: number;
  batchSize: number;
  optimizer: 'adam' | 'sgd';
  lr: number;
  epochs: number;
  clip: number;
  schedule: 'constant' | 'cosine';
  seed: number;
}

export class ConfigError extends Error {
  constructor(field: string, message: string) {
    super(`${field}: ${message}`);
    this.name = 'ConfigError';
  }
}

function int(field: string, v: number, min: number): number {
  if (!(Number.isInteger(v) && v >= min)) throw new ConfigError(field, `must be an integer ≥ ${min}, got ${v}`);
  return v;
}

function pos(field: string, v: number): number {
  if (!(Number.isFinite(v) && v > 0)) throw new ConfigError(field, `must be a positive number, got ${v}`);
  return v;
}

export function configFromForm(f: FormValues): TrainConfig {
  const hidden = f.hidden.split(/[,\s-]+/).filter(Boolean).map(Number);
  if (hidden.length === 0 || hidden.some((h) => !(Number.isInteger(h) && h > 0))) {
    throw new ConfigError('hidden layers', `'${f.hidden}' is not a list of positive sizes (e.g. 128 or 256,128)`);
  }
  let encoder;
  try {
    encoder = encoderByName(f.encoder, f.encoderParam); // Poisson: rate; latency: threshold
  } catch (e) {
    throw new ConfigError('encoder', (e as Error).message);
  }
  if (!(NEURON_KINDS as readonly string[]).includes(f.neuron)) throw new ConfigError('neuron model', `'${f.neuron}' is not one of ${NEURON_KINDS.join(', ')}`);
  const kind = f.neuron as NeuronKind;
  const lr = pos('learning rate', f.lr);
  const optimizer = f.optimizer === 'sgd' ? sgdOptimizer({ lr }) : adamOptimizer({ lr });
  return {
    ...DEFAULT_TRAIN_CONFIG,
    hidden,
    recurrent: f.recurrent,
    steps: int('time steps', f.steps, 1),
    // the reset choice is LIF's: the other models reset as they define
    neuron: { dtMs: pos('Δt', f.dtMs), tauSynMs: pos('τ_syn', f.tauSynMs), tauMemMs: pos('τ_mem', f.tauMemMs), threshold: pos('threshold', f.threshold), reset: kind === 'lif' ? f.reset : undefined, detachReset: f.detachReset },
    neuronKind: kind,
    surrogate: { name: f.surrogate, slope: pos('slope', f.slope) },
    encoder,
    readoutReduce: f.readoutReduce,
    batchSize: int('batch size', f.batchSize, 1),
    epochs: int('epochs', f.epochs, 1),
    optimizer,
    maxGradNorm: Number.isFinite(f.clip) && f.clip >= 0 ? f.clip : 0,
    seed: int('seed', f.seed, 0),
    schedule: f.schedule,
  };
}

/**
 * The largest batch the adapter's buffer limits allow: the widest per-batch
 * buffers hold T·B·width f32 values (input spikes and their event lists:
 * width = inputs; hidden membranes and spikes: width = hidden size), and each must
 * fit in maxStorageBufferBindingSize and maxBufferSize.
 */
export function largestBatch(limits: GPUSupportedLimits, steps: number, inputs: number, hidden: readonly number[], outputs: number): { batch: number; limitName: string; limitBytes: number; bytesPerSample: number } {
  const width = Math.max(inputs, outputs, ...hidden);
  const bytesPerSample = 4 * steps * width;
  const byBinding = limits.maxStorageBufferBindingSize;
  const byBuffer = limits.maxBufferSize;
  const limitBytes = Math.min(byBinding, byBuffer);
  const limitName = byBinding <= byBuffer ? 'maxStorageBufferBindingSize' : 'maxBufferSize';
  return { batch: Math.floor(limitBytes / bytesPerSample), limitName, limitBytes, bytesPerSample };
}

export function formatBytes(n: number): string {
  if (n >= 2 ** 30) return `${(n / 2 ** 30).toFixed(2)} GiB`;
  if (n >= 2 ** 20) return `${(n / 2 ** 20).toFixed(1)} MiB`;
  return `${(n / 1024).toFixed(1)} KiB`;
}
