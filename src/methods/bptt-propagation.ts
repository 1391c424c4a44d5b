/**
 * How BPTT moves spikes, chosen per network and device: the propagation
 * choices of `BpttOptions.propagation`, what 'auto' resolves to, the defaults
 * measured for each adapter kind, and what the fused kernels cannot run.
 */
import { hostCores, isSoftwareDevice } from '../gpu/device.js';
import type { NetworkSpec } from '../model/network.js';
import { allLif } from '../neurons/registry.js';
import { SUPPORTED, type Support } from './method.js';

/** event-driven or dense spike × weight products in the layered path */
export type Propagation = 'event' | 'dense';

/** The choices that a name selects, for the command line (the per-phase object form is for the library). */
export const PROPAGATION_NAMES = ['auto', 'fused', 'adaptive', 'event', 'dense'] as const;

/** what `BpttOptions.propagation` takes: one choice for both phases, or one per phase */
export type PropagationChoice = Propagation | 'fused' | 'adaptive' | 'auto' | { forward: Propagation; weightGrad: Propagation };

/** what a choice resolves to on a device, per phase */
export interface ResolvedPropagation {
  forward: Propagation | 'fused' | 'adaptive';
  weightGrad: Propagation | 'fused' | 'adaptive';
}

/**
 * Activity below which 'adaptive' propagation runs the event kernels, by adapter
 * kind, from `npx tsx bench/propagation-threshold.ts` (alternating event and
 * dense training steps at rising input activity; JSON in bench/results/). On
 * SwiftShader (784-128-10, T = 25, B = 32, bench/results/propagation-threshold.json)
 * dense/event step time was 4.0, 3.8, 2.2, 1.4, 0.97, 0.66 at p = 0.02, 0.05,
 * 0.1, 0.2, 0.4, 0.6 (crossover 0.4); at 784-512-10, B = 256
 * (propagation-threshold-256-512.json) 3.7, 0.90, 1.08, 0.86 at p = 0.05, 0.2,
 * 0.4, 0.6 (crossover near 0.2, noisy): 0.3 lies between. On the H200 dense was as fast or faster at
 * every activity measured (bench/results/train-step-h200*.json), hence 0 (always
 * dense). The crossover depends on the layer sizes; pass `activityThreshold` to
 * set one measured for your network.
 */
export const SOFTWARE_ACTIVITY_THRESHOLD = 0.3;
export const HARDWARE_ACTIVITY_THRESHOLD = 0;
export function defaultActivityThreshold(device: GPUDevice): number {
  return isSoftwareDevice(device) === false ? HARDWARE_ACTIVITY_THRESHOLD : SOFTWARE_ACTIVITY_THRESHOLD;
}

/**
 * Sample chunks of the fused backward scans for a batch of B and hidden layers of `sizes`
 * (BpttOptions.sampleChunks). A software adapter runs the workgroups (chunks × ⌈N/512⌉ per
 * layer) on one thread per CPU core: two per core keep the cores busy, and every further chunk
 * only adds a weight-gradient slice to zero and sum. On SwiftShader with 2 cores, steps
 * alternated in one process (bench/step-ab.ts, robustness off, medians of 9–11 per-step
 * ratios): 784-512-10, T = 25, B = 64: 4 chunks 0.82× the time of 16 (8: 0.93×, 2: 1.04× the
 * time of 4); T = 100, B = 256: 4 chunks 0.96× the time of 16 (2 and 3: 1.05–1.08× the time of 4);
 * 784-128-10, T = 100, B = 256: 2–16 within 0.97–1.03×. With dawn.node's polling throttled
 * (src/gpu/polling.ts), which leaves both cores to the adapter: T = 25, B = 64: 16 chunks 1.17×
 * and 8 1.05× the time of 4, 2 0.95×; T = 100, B = 256: 8 chunks 1.00× and 16 1.04× the time of 4
 * (13 repetitions). Otherwise (a hardware GPU, whose
 * thousands of threads want more, or an unknown core count) 16. Never more than ⌈B/8⌉.
 */
export function defaultSampleChunks(device: GPUDevice, B: number, sizes: readonly number[]): number {
  const cores = isSoftwareDevice(device) === false ? undefined : hostCores();
  const tiles = Math.max(1, ...sizes.map((n) => Math.ceil(n / 512)));
  const wanted = cores ? Math.min(16, Math.ceil((2 * cores) / tiles)) : 16;
  return Math.max(1, Math.min(B, wanted, Math.ceil(B / 8)));
}

/** What `options.propagation` selects on `device` (for `spec`: 'fused' needs feed-forward hidden layers). */
export function resolvePropagation(
  device: GPUDevice, choice: PropagationChoice | undefined, spec?: Pick<NetworkSpec, 'hidden'>,
): ResolvedPropagation {
  const lif = !spec || allLif(spec);
  // the fused kernels have the LIF step written in: other models take the layered scans
  const feedForward = lif && (!spec || spec.hidden.every((h) => !h.recurrent));
  if (choice === 'adaptive') return { forward: 'adaptive', weightGrad: 'adaptive' };
  if (choice === 'fused') {
    const support = spec ? bpttSupport({ propagation: 'fused' }, spec) : SUPPORTED;
    if (!support.ok) throw new RangeError(support.reason);
    return { forward: 'fused', weightGrad: 'fused' };
  }
  if (choice === 'event' || choice === 'dense') return { forward: choice, weightGrad: choice };
  if (choice && typeof choice === 'object') {
    for (const v of [choice.forward, choice.weightGrad]) {
      if (v !== 'event' && v !== 'dense') throw new RangeError(`propagation must be 'event' or 'dense' per phase, got '${String(v)}'`);
    }
    return { forward: choice.forward, weightGrad: choice.weightGrad };
  }
  if (choice !== undefined && choice !== 'auto') throw new RangeError(`propagation must be 'auto', 'fused', 'adaptive', 'event', 'dense' or { forward, weightGrad }, got '${String(choice)}'`);
  // unknown adapters (a device not made by requestDevice, no adapterInfo) take the software choice
  if (isSoftwareDevice(device) === false) return { forward: 'dense', weightGrad: 'dense' };
  return feedForward ? { forward: 'fused', weightGrad: 'fused' } : { forward: 'adaptive', weightGrad: 'adaptive' };
}

/** What bptt with `options` cannot run on `spec`, whatever the device: the fused kernels are LIF and feed-forward only. */
export function bpttSupport(options: { propagation?: PropagationChoice; membraneStorage?: 'f32' | 'f16' }, spec: Pick<NetworkSpec, 'hidden'>): Support {
  const fusedOnly = options.propagation === 'fused' || options.membraneStorage === 'f16';
  const what = options.propagation === 'fused' ? "propagation 'fused'" : "membraneStorage 'f16' (propagation 'fused')";
  if (fusedOnly && !allLif(spec)) {
    const l = spec.hidden.findIndex((h) => (h.neuron?.kind ?? 'lif') !== 'lif');
    return { ok: false, reason: `${what} is implemented for LIF layers only; hidden layer ${l} is '${spec.hidden[l].neuron?.kind}' (other neuron models take 'adaptive', 'event' or 'dense')` };
  }
  if (fusedOnly && spec.hidden.some((h) => h.recurrent)) {
    return { ok: false, reason: `${what} needs feed-forward hidden layers (a recurrent layer takes 'event' or 'dense')` };
  }
  return SUPPORTED;
}
