/**
 * `webspike grad`: loss and gradient of every parameter for one batch.
 *
 * Batch file (JSON):
 *   { "steps": T, "batch": B, "inputs": N_in,
 *     "spikes": [[[…N_in…] …B…] …T…]   (nested [T][B][N_in]) or a flat array of T·B·N_in numbers,
 *     "labels": [B class indices] }
 * Output (JSON):
 *   { "method": "bptt" | "rtrl" | "eligibility", "loss": mean CE over the batch, "correct": count,
 *     "perSample": [{ "loss", "correct" }…],
 *     "gradients": { "hidden.0.w": { "shape": [out, in], "data": [row-major…] }, … } }
 * Gradients are dL/dθ of the batch-mean loss, same names and layout as the checkpoint.
 */
import { readF32 } from '../gpu/buffers.js';
import type { WebspikeDevice } from '../gpu/device.js';
import { createNetwork } from '../layers/network.js';
import { DEFAULT_METHOD, methodByName, type MethodByNameOptions } from '../methods/registry.js';
import { parameterShapes, weightList, type NetworkSpec } from '../model/network.js';
import type { Checkpoint } from '../train/checkpoint.js';

export interface SpikeBatch {
  steps: number;
  batch: number;
  inputs: number;
  spikes: Float32Array<ArrayBuffer>;
  labels: Uint32Array<ArrayBuffer>;
}

export class BatchFileError extends Error {
  constructor(where: string, message: string) {
    super(`${where}: ${message}`);
    this.name = 'BatchFileError';
  }
}

export function parseBatch(doc: unknown, where = 'batch'): SpikeBatch {
  const d = doc as Record<string, unknown>;
  const int = (k: string) => {
    const v = d?.[k];
    if (!(typeof v === 'number' && Number.isInteger(v) && v > 0)) throw new BatchFileError(where, `"${k}" must be a positive integer, got ${JSON.stringify(v)}`);
    return v;
  };
  const steps = int('steps');
  const batch = int('batch');
  const inputs = int('inputs');
  const raw = d.spikes;
  if (!Array.isArray(raw)) throw new BatchFileError(where, '"spikes" must be an array ([T][B][N_in] nested or flat)');
  const flat = (raw as unknown[]).flat(2) as unknown[];
  if (flat.length !== steps * batch * inputs) {
    throw new BatchFileError(where, `"spikes" has ${flat.length} values but steps × batch × inputs = ${steps}×${batch}×${inputs} = ${steps * batch * inputs}`);
  }
  const spikes = new Float32Array(flat.length);
  flat.forEach((v, i) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new BatchFileError(where, `spikes value ${i} is ${JSON.stringify(v)}, not a finite number`);
    spikes[i] = v;
  });
  const labelsRaw = d.labels;
  if (!Array.isArray(labelsRaw) || labelsRaw.length !== batch) {
    throw new BatchFileError(where, `"labels" must be an array of ${batch} class indices, got ${Array.isArray(labelsRaw) ? labelsRaw.length : typeof labelsRaw}`);
  }
  const labels = Uint32Array.from(labelsRaw as number[]);
  return { steps, batch, inputs, spikes, labels };
}

export function checkBatchAgainstModel(b: SpikeBatch, spec: NetworkSpec, where = 'batch'): void {
  if (b.inputs !== spec.inputs) throw new BatchFileError(where, `has ${b.inputs} inputs per step but the model expects ${spec.inputs}`);
  b.labels.forEach((l, i) => {
    if (!(l < spec.outputs)) throw new BatchFileError(where, `label ${l} of sample ${i} is outside 0…${spec.outputs - 1}`);
  });
}

export interface GradientReport {
  method: string;
  loss: number;
  correct: number;
  perSample: { loss: number; correct: boolean }[];
  gradients: Record<string, { shape: [number, number]; data: number[] }>;
}

export async function computeGradients(gpu: WebspikeDevice, model: Checkpoint, batch: SpikeBatch, methodName: string = DEFAULT_METHOD, methodOptions: MethodByNameOptions = {}): Promise<GradientReport> {
  const method = methodByName(methodName, methodOptions);
  checkBatchAgainstModel(batch, model.spec);
  const { device } = gpu;
  const net = createNetwork(device, model.spec, model.weights);
  const run = method.bind(net, { batch: batch.batch, steps: batch.steps });
  try {
    device.queue.writeBuffer(run.input, 0, batch.spikes);
    device.queue.writeBuffer(run.labels, 0, batch.labels);
    const enc = device.createCommandEncoder({ label: 'grad' });
    run.encodeForward(enc);
    run.encodeBackward(enc);
    device.queue.submit([enc.finish()]);
    const stats = await readF32(device, run.sampleStats, 2 * batch.batch);
    const grads = weightList(model.spec, await net.readGradients());
    const perSample = Array.from({ length: batch.batch }, (_, b) => ({ loss: stats[2 * b], correct: stats[2 * b + 1] === 1 }));
    const gradients: GradientReport['gradients'] = {};
    parameterShapes(model.spec).forEach((s, i) => {
      gradients[s.name] = { shape: s.shape, data: Array.from(grads[i]) };
    });
    return {
      method: methodName,
      loss: perSample.reduce((a, s) => a + s.loss, 0) / batch.batch,
      correct: perSample.filter((s) => s.correct).length,
      perSample,
      gradients,
    };
  } finally {
    run.destroy();
    net.destroy();
  }
}
