/**
 * What the two comparisons share (`runComparison`, ./runner.ts, and
 * `runEventComparison`, ./event-runner.ts): the probe's forward + backward on a
 * bound BPTT-style run, the seeded choice of finite-difference entries, queue
 * timing of one submission, epoch records, the sweep defaults and the report's
 * common fields.
 */
import { readF32 } from '../gpu/buffers.js';
import { describeDevice, type WebspikeDevice } from '../gpu/device.js';
import type { MethodRun } from '../methods/method.js';
import { parameterShapes, type NetworkSpec } from '../model/network.js';
import type { ParamRef } from '../reference/lif-network.js';
import type { EpochMetrics } from '../train/trainer.js';
import type { CompareReport, MethodResult } from './runner.js';

/** Surrogates and slopes of the surrogate sweep when the options name none. */
export const SWEEP_SURROGATES = ['fast-sigmoid', 'triangle', 'arctan', 'gaussian'];
export const SWEEP_SLOPES = [2, 5, 10, 25];

/**
 * One forward + backward of `run` on `batch` samples (input and labels already
 * written): mean loss and accuracy from its sample statistics, and mean spikes
 * per sample over all steps of each of the first `layers` hidden layers that
 * have a `hidden.<l>.spikes` observable. The gradients are left in the network.
 */
export async function probeForwardBackward(device: GPUDevice, run: MethodRun, batch: number, layers: number, label: string): Promise<{ loss: number; accuracy: number; spikesPerSample: number[] }> {
  const B = batch;
  run.setValid(B);
  const enc = device.createCommandEncoder({ label });
  run.encodeForward(enc);
  run.encodeBackward(enc);
  device.queue.submit([enc.finish()]);
  const stats = await readF32(device, run.sampleStats, 2 * B);
  let loss = 0;
  let correct = 0;
  for (let b = 0; b < B; b++) {
    loss += stats[2 * b];
    correct += stats[2 * b + 1];
  }
  const spikesPerSample: number[] = [];
  for (let l = 0; l < layers; l++) {
    const o = run.observables.get(`hidden.${l}.spikes`);
    if (!o) break;
    const s = await readF32(device, o.buffer, o.shape.reduce((a, x) => a * x, 1));
    let total = 0;
    for (let i = 0; i < s.length; i++) total += s[i];
    spikesPerSample.push(total / B);
  }
  return { loss: loss / B, accuracy: correct / B, spikesPerSample };
}

/** The seeded generator of the finite-difference entry choice: rand(k) ∈ [0, k), one sequence per call of entryRandom. */
export function entryRandom(): (k: number) => number {
  let state = 0x9e3779b9;
  return (k) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % k;
  };
}

/** The entries to choose finite-difference entries from: those where `reference` is not zero (all of them if none is). */
export function candidateEntries(reference: ArrayLike<number>): number[] {
  const all = Array.from({ length: reference.length }, (_, k) => k);
  const nonzero = all.filter((k) => reference[k] !== 0);
  return nonzero.length ? nonzero : all;
}

/** The tensor a parameter name of `parameterShapes` names: hidden.<l>.w, hidden.<l>.v or readout.w. */
export function paramRef(name: string): ParamRef {
  if (name === 'readout.w') return { kind: 'readout' };
  const [, layer, kind] = name.split('.');
  return { kind: kind as 'w' | 'v', layer: Number(layer) };
}

/** `f` with tensor[k] raised by h, then lowered by h (tensor[k] restored afterwards): the two sides of a central difference. */
export function plusMinus<T>(tensor: Float64Array, k: number, h: number, f: () => T): [T, T] {
  const saved = tensor[k];
  tensor[k] = saved + h;
  const plus = f();
  tensor[k] = saved - h;
  const minus = f();
  tensor[k] = saved;
  return [plus, minus];
}

/** Queue wall time (ms) of one submission of what `record` encodes, started when the queue is idle. */
export async function timeSubmission(device: GPUDevice, label: string, record: (enc: GPUCommandEncoder) => void): Promise<number> {
  const enc = device.createCommandEncoder({ label });
  record(enc);
  await device.queue.onSubmittedWorkDone();
  const t0 = performance.now();
  device.queue.submit([enc.finish()]);
  await device.queue.onSubmittedWorkDone();
  return performance.now() - t0;
}

/** f32 bytes of the network's parameters. */
export function parameterBytes(spec: NetworkSpec): number {
  return parameterShapes(spec).reduce((s, p) => s + 4 * p.shape[0] * p.shape[1], 0);
}

/** Appends each epoch's metrics with the cumulative training wall time to `epochs` and logs a line. */
export function epochRecorder(epochs: MethodResult['epochs'], log: (line: string) => void): (m: EpochMetrics) => void {
  let wall = 0;
  return (m) => {
    wall += m.seconds;
    epochs.push({ ...m, wallSeconds: wall });
    log(`  epoch ${m.epoch}: test acc ${(100 * m.testAccuracy).toFixed(2)}%, loss ${m.loss.toFixed(4)}, ${m.seconds.toFixed(1)} s`);
  };
}

/** The fields every report opens with. */
export function reportHead(gpu: WebspikeDevice, kind: 'discrete' | 'event', reference: string): Pick<CompareReport, 'version' | 'kind' | 'reference' | 'created' | 'device'> {
  return { version: 1, kind, reference, created: new Date().toISOString(), device: describeDevice(gpu) };
}

/** The report's probe section; `fd` undefined: no finite differences. */
export function probeSection(batch: number, seed: number, fd: { batch: number; perTensor: number; h: number } | undefined): CompareReport['probe'] {
  return { batch, seed, fdBatch: fd?.batch ?? 0, fdPerTensor: fd?.perTensor ?? 0, fdH: fd?.h ?? 0 };
}
