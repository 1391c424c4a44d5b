/**
 * Optimizers on the GPU: one global gradient norm (optim/grad-norm) gives the
 * clipping factor and detects non-finite gradients; Adam or SGD then update every
 * parameter, skipping the step entirely when it was non-finite. The state
 * (updates, skipped steps, first bad step) stays on the GPU and is read back at
 * intervals, never inside a step.
 */
import { gradNorm, NO_BAD_CALL, OPT_STATE_BYTES } from '../../kernels/optim/grad-norm.js';
import { adam, type AdamHyper } from '../../kernels/optim/adam.js';
import { sgd, type SgdHyper } from '../../kernels/optim/sgd.js';
import type { Dispatch, UniformBlock } from '../../kernels/kernel.js';
import { readF32, storageBuffer } from '../gpu/buffers.js';
import type { GpuNetwork } from '../layers/network.js';
import type { Profiler } from '../gpu/profiler.js';

export type OptimizerSpec =
  | ({ readonly kind: 'adam' } & Readonly<AdamHyper>)
  | ({ readonly kind: 'sgd' } & Readonly<SgdHyper>);

export function adamOptimizer(o: Partial<AdamHyper> = {}): OptimizerSpec {
  return { kind: 'adam', lr: o.lr ?? 1e-3, beta1: o.beta1 ?? 0.9, beta2: o.beta2 ?? 0.999, eps: o.eps ?? 1e-8, weightDecay: o.weightDecay ?? 0 };
}

export function sgdOptimizer(o: Partial<SgdHyper> = {}): OptimizerSpec {
  return { kind: 'sgd', lr: o.lr ?? 0.1, momentum: o.momentum ?? 0, weightDecay: o.weightDecay ?? 0 };
}

export interface OptimizerStatus {
  updates: number;
  skipped: number;
  calls: number;
  /** 1-based optimizer call of the first non-finite gradient, or null */
  firstBadCall: number | null;
  gradNorm: number;
  clipScale: number;
}

export interface GpuOptimizer {
  readonly spec: OptimizerSpec;
  readonly state: GPUBuffer;
  encode(encoder: GPUCommandEncoder, profiler?: Profiler): void;
  setLearningRate(lr: number): void;
  status(): Promise<OptimizerStatus>;
  /** moment / velocity buffers, in parameter order (for checkpoints) */
  exportState(): Promise<{ status: OptimizerStatus; slots: { name: string; data: Float32Array }[] }>;
  importState(state: { updates: number; slots: { name: string; data: Float32Array }[] }): void;
  destroy(): void;
}

export interface OptimizerOptions {
  /** clip the global gradient norm to this value (0 or undefined: no clipping) */
  maxGradNorm?: number;
}

export function createOptimizer(net: GpuNetwork, spec: OptimizerSpec, options: OptimizerOptions = {}): GpuOptimizer {
  const { device } = net;
  if (!(spec.lr > 0 && Number.isFinite(spec.lr))) throw new RangeError(`learning rate must be positive, got ${spec.lr}`);
  const maxNorm = options.maxGradNorm ?? 0;
  if (!(maxNorm >= 0)) throw new RangeError(`maxGradNorm must be ≥ 0, got ${maxNorm}`);
  const state = storageBuffer(device, 'optim/state', OPT_STATE_BYTES);
  const initial = new Uint32Array(OPT_STATE_BYTES / 4);
  new Float32Array(initial.buffer)[0] = 1;
  initial[5] = NO_BAD_CALL;
  device.queue.writeBuffer(state, 0, initial);
  const norm = gradNorm(device, net.params.map((p) => ({ buffer: p.grad, length: p.length })), state, maxNorm, spec.kind === 'adam' ? { betas: [spec.beta1, spec.beta2] } : {});
  const slots: { name: string; buffer: GPUBuffer; length: number }[] = [];
  const updates: (Dispatch & { uniforms: UniformBlock })[] = [];
  for (const p of net.params) {
    const slot = (suffix: string) => {
      const buffer = storageBuffer(device, `optim/${p.name}/${suffix}`, p.length * 4);
      slots.push({ name: `${p.name}/${suffix}`, buffer, length: p.length });
      return buffer;
    };
    if (spec.kind === 'adam') {
      updates.push(adam(device, { weights: p.weights, grad: p.grad, moment1: slot('m'), moment2: slot('v'), state, length: p.length, hyper: spec }));
    } else {
      updates.push(sgd(device, { weights: p.weights, grad: p.grad, velocity: slot('velocity'), state, length: p.length, hyper: spec }));
    }
  }
  let current = spec;
  const status = async (): Promise<OptimizerStatus> => {
    const raw = await readF32(device, state, OPT_STATE_BYTES / 4);
    const u = new Uint32Array(raw.buffer);
    return { clipScale: raw[0], gradNorm: raw[1], updates: u[2], skipped: u[3], calls: u[4], firstBadCall: u[5] === NO_BAD_CALL ? null : u[5] };
  };
  return {
    get spec() { return current; },
    state,
    encode(encoder, profiler) {
      const pass = encoder.beginComputePass({ label: `optim/${spec.kind}`, timestampWrites: profiler?.pass('optimizer') });
      for (const d of norm.dispatches) d.encode(pass);
      for (const d of updates) d.encode(pass);
      pass.end();
    },
    setLearningRate(lr) {
      if (!(lr > 0 && Number.isFinite(lr))) throw new RangeError(`learning rate must be positive, got ${lr}`);
      current = { ...current, lr };
      for (const d of updates) d.uniforms.write({ lr });
    },
    status,
    async exportState() {
      return { status: await status(), slots: await Promise.all(slots.map(async (s) => ({ name: s.name, data: await readF32(device, s.buffer, s.length) }))) };
    },
    importState(saved) {
      for (const s of slots) {
        const found = saved.slots.find((x) => x.name === s.name);
        if (!found || found.data.length !== s.length) throw new Error(`optimizer state has no slot ${s.name} of ${s.length} values`);
        device.queue.writeBuffer(s.buffer, 0, found.data.buffer, found.data.byteOffset, found.data.byteLength);
      }
      const init = new Uint32Array(OPT_STATE_BYTES / 4);
      new Float32Array(init.buffer)[0] = 1;
      init[2] = saved.updates;
      init[4] = saved.updates;
      init[5] = NO_BAD_CALL;
      device.queue.writeBuffer(state, 0, init);
    },
    destroy() {
      norm.destroy();
      for (const d of updates) d.destroy();
      for (const s of slots) s.buffer.destroy();
      state.destroy();
    },
  };
}
