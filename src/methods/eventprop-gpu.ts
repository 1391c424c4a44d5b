/**
 * EventProp on the GPU (Wunderlich & Pehle 2021, papers/003, Algorithm 1) for
 * networks of continuous-time LIF neurons with one or more hidden layers, each
 * feed-forward or recurrent, and either the non-spiking leaky readout with the max-over-time
 * voltage loss (eq. 4) or a spiking output layer with the first-spike loss
 * (eq. 3): the exact gradient of the batch-mean loss with respect to the input
 * weights of every hidden layer, the recurrent weights of recurrent ones
 * (`gradients.hidden[l].v`, shaped as `weights.hidden[l].v`) and the output
 * (readout) weights.
 *
 * Forward: the hybrid event-LIF kernel, layer by layer (`../layers/event-lif-forward.ts`;
 * spike records (time, current, neuron) per sample, host-sorted), then
 * `kernels/neurons/event-readout-max.ts`: each readout neuron's exact maximum
 * voltage over [0, T] and its kind (start / interior V̇ = 0 / kink at an
 * incoming spike / end). The loss and ∂L/∂max (softmax cross entropy, in
 * float64) are computed on the host from the read-back maxima.
 *
 * Backward (one command encoder, one dispatch per layer, top-down):
 * `kernels/grad/eventprop-readout.ts`, then `kernels/grad/eventprop-hidden.ts`
 * for hidden layers L−1 … 0. Each thread owns one (sample, neuron) and walks
 * its events backward in time (its own spikes and its incoming spikes), moving
 * (λ_V, λ_I) in closed form between them (Table 2, eqs. 32a, 32b). At every
 * incoming spike it adds −τ_syn·λ_I to its per-sample gradient row (eq. 2) and
 * stores w·(λ_V⁺ − λ_I) for that spike; the layer below sums those terms over the
 * targets of each of its spikes for the λ_V jump (Table 2, eq. 52a). The
 * A recurrent hidden layer runs `kernels/grad/eventprop-recurrent.ts` instead:
 * its λ_V jumps also take the terms v·(λ_V⁺ − λ_I) of its own neurons
 * (Table 2), so one workgroup per sample walks all the layer's events backward
 * together (a workgroup sum per own spike) and also accumulates
 * dL/dv_nm = −τ_syn·Σ λ_I,n at the spikes of neuron m (eq. 2). The
 * per-sample gradient rows are summed over the batch on the GPU
 * (`kernels/grad/batch-sum.ts`, f32) and only the sums are read back.
 *
 * Spiking output layer (`spec.output === 'spiking'`) with the first-spike loss
 * (eq. 3, options `firstSpike`: τ₀, τ₁, α): the output layer runs through the
 * same forward kernel as the hidden layers; the loss, ∂L/∂t_k and the predicted
 * class are computed on the host from each output neuron's first spike
 * (`./event-losses.ts`, held to the reference's `eventLoss` by the tests): a competitor that does not fire counts with t_k = missingTimeMs
 * (default T) as a constant (no gradient through it), a sample whose label
 * neuron does not fire counts a constant penalty and gives no gradient, and the predicted class
 * is the earliest-spiking neuron, the lowest index on ties (so 0 when none
 * fires). The backward pass then starts with
 * `kernels/grad/eventprop-first-spike.ts` (the λ_V jump at each output spike,
 * with ∂l_p/∂t_k at the first one, Table 2 eq. 52a) in place of the readout kernel.
 *
 * Memory: the per-sample gradient rows take batch · Σ(fan_in · neurons) f32
 * (plus batch · neurons² for a recurrent layer),
 * the jump terms (spikes of layer l) · (neurons of layer l + 1) f32 per layer.
 *
 * Precision: float32 states, times and adjoints. On the random networks of
 * test/gpu/eventprop.test.ts (1 and 2 hidden layers, every spike with
 * τ_mem·V̇⁻ = I − ϑ ≥ 0.1) loss and gradients agree with the float64 reference
 * (`../reference/eventprop.ts`) to a relative error (max |Δ| / max |ref| per
 * tensor) ≤ 2e-4 on SwiftShader (≤ 6e-4 when I − ϑ ≥ 0.05 is allowed); the
 * bound is 1e-3. On the recurrent networks of test/gpu/eventprop-recurrent.test.ts
 * the same measure is ≤ 1e-4. Gradients diverge like 1/(I − ϑ) for grazing crossings
 * (Discussion of papers/003); `minSlope` clips that term and `clipped` counts
 * how often, as in the reference.
 */
import { readF32, readU32, storageBuffer, uploadBuffer } from '../gpu/buffers.js';
import { eventLifForward, type EventLifForwardOptions } from '../layers/event-lif-forward.js';
import { eventReadoutMax, READOUT_MAX_BYTES, READOUT_MAX_KINDS, SPIKE_RECORD_BYTES } from '../../kernels/neurons/event-readout-max.js';
import { eventPropReadout } from '../../kernels/grad/eventprop-readout.js';
import { eventPropHidden } from '../../kernels/grad/eventprop-hidden.js';
import { eventPropRecurrent } from '../../kernels/grad/eventprop-recurrent.js';
import { eventPropFirstSpike, FIRST_SPIKE_LOSS_BYTES } from '../../kernels/grad/eventprop-first-spike.js';
import { checkFirstSpikeLoss, firstSpikeLoss, maxVoltageLoss, type FirstSpikeLossOptions } from './event-losses.js';
import { batchSum } from '../../kernels/grad/batch-sum.js';
import type { EventLifSpec, EventSpike, InputSpike, ReadoutMaxKind } from '../model/event-network.js';
import type { Float64Weights, WeightsLike } from '../model/weights.js';
import type { Dispatch } from '../../kernels/kernel.js';

export interface EventPropGpuOptions extends EventLifForwardOptions {
  /** lower bound on τ_mem·V̇⁻ = I − ϑ in the spike jump (default 0: no clip, exact) */
  minSlope?: number;
  /** the first-spike loss (eq. 3); required when spec.output is 'spiking' */
  firstSpike?: FirstSpikeLossOptions;
}

export type { FirstSpikeLossOptions } from './event-losses.js';

/** One sample's readout maxima (as `ReadoutMaxima` of the reference, float32 values). */
export interface GpuReadoutMaxima {
  readonly value: Float32Array;
  readonly time: Float32Array;
  /** I_k(t_max⁻) */
  readonly current: Float32Array;
  readonly kind: ReadoutMaxKind[];
  /** for 'kink': index of the incoming spike in that sample's last-hidden-layer list (`layers[L−1][sample]`), else −1 */
  readonly spike: Int32Array;
}

export interface EventPropGpuResult {
  /** batch-mean loss (eq. 4, or eq. 3 for a spiking output layer) */
  readonly loss: number;
  /** per-sample losses */
  readonly losses: Float64Array;
  /** dL/dw of the batch-mean loss, shaped as the weights */
  readonly gradients: Float64Weights;
  /** per sample: the spikes of every hidden layer (and of a spiking output layer), in time order */
  readonly spikes: EventSpike[][];
  /** per hidden layer (then the spiking output layer, if any), per sample, in time order */
  readonly layers: EventSpike[][][];
  /** per sample ('readout'; empty for 'spiking') */
  readonly maxima: GpuReadoutMaxima[];
  /** per sample, 'spiking' only: each output neuron's first spike time (ms; Infinity if it does not fire) */
  readonly firstSpikeTimes?: Float64Array[];
  /** per sample: argmax of the readout maxima, or the earliest-spiking output neuron (lowest index on ties) */
  readonly predicted: Int32Array;
  /** how many spike jumps were not exact (whole batch): I − ϑ < minSlope (clipped), or I ≤ ϑ (no upward crossing, no jump) */
  readonly clipped: number;
}

interface Record3 {
  readonly time: number;
  readonly current?: number;
  readonly neuron: number;
}

/** Spike records (time f32, current f32, neuron u32) of all samples back to back, and [batch + 1] offsets. */
function packRecords(lists: readonly (readonly Record3[])[]): { records: Uint32Array; offsets: Uint32Array; total: number } {
  const total = lists.reduce((n, l) => n + l.length, 0);
  const records = new Uint32Array(Math.max(1, total) * (SPIKE_RECORD_BYTES / 4));
  const f32 = new Float32Array(records.buffer);
  const offsets = new Uint32Array(lists.length + 1);
  let k = 0;
  lists.forEach((list, b) => {
    offsets[b] = k;
    for (const sp of list) {
      f32[3 * k] = sp.time;
      f32[3 * k + 1] = sp.current ?? 0;
      records[3 * k + 2] = sp.neuron;
      k++;
    }
  });
  offsets[lists.length] = k;
  return { records, offsets, total };
}

const byTime = (x: { time: number; neuron: number }, y: { time: number; neuron: number }) => x.time - y.time || x.neuron - y.neuron;

/**
 * Forward pass, loss (eq. 4) and EventProp gradients of a batch on the GPU:
 * `inputSpikes[b]` are sample b's input spikes (any order), `labels[b]` its class.
 */
export async function eventPropGradients(
  device: GPUDevice,
  spec: EventLifSpec,
  weights: WeightsLike,
  inputSpikes: readonly (readonly InputSpike[])[],
  labels: ArrayLike<number>,
  options: EventPropGpuOptions,
): Promise<EventPropGpuResult> {
  return (await eventPropRun(device, spec, weights, inputSpikes, labels, options, true)) as EventPropGpuResult;
}

/** What `eventPropEvaluate` returns: the forward pass and the loss, without gradients. */
export type EventPropEvaluation = Omit<EventPropGpuResult, 'gradients' | 'clipped'>;

/**
 * Forward pass and loss of a batch on the GPU, as `eventPropGradients` computes
 * them, without the backward pass (evaluation).
 */
export async function eventPropEvaluate(
  device: GPUDevice,
  spec: EventLifSpec,
  weights: WeightsLike,
  inputSpikes: readonly (readonly InputSpike[])[],
  labels: ArrayLike<number>,
  options: EventPropGpuOptions,
): Promise<EventPropEvaluation> {
  return eventPropRun(device, spec, weights, inputSpikes, labels, options, false);
}

async function eventPropRun(
  device: GPUDevice,
  spec: EventLifSpec,
  weights: WeightsLike,
  inputSpikes: readonly (readonly InputSpike[])[],
  labels: ArrayLike<number>,
  options: EventPropGpuOptions,
  withGradients: boolean,
): Promise<EventPropGpuResult | EventPropEvaluation> {
  const firstSpike = options.firstSpike;
  if (spec.output === 'spiking' && !firstSpike) throw new RangeError("GPU EventProp: spec.output = 'spiking' needs options.firstSpike (the first-spike loss, eq. 3: tau0Ms, tau1Ms, alpha)");
  if (spec.output === 'readout' && firstSpike) throw new RangeError("GPU EventProp: options.firstSpike needs spec.output = 'spiking' (a readout trains on the max-over-time voltage loss, eq. 4)");
  if (firstSpike) checkFirstSpikeLoss(firstSpike);
  const batch = inputSpikes.length;
  if (labels.length !== batch) throw new RangeError(`GPU EventProp: ${labels.length} labels for ${batch} samples`);
  for (let b = 0; b < batch; b++) {
    const y = labels[b];
    if (!(Number.isInteger(y) && y >= 0 && y < spec.outputs)) throw new RangeError(`GPU EventProp: label ${b} must be an integer in [0, ${spec.outputs}), got ${y}`);
  }
  const minSlope = options.minSlope ?? 0;
  if (!(Number.isFinite(minSlope) && minSlope >= 0)) throw new RangeError(`minSlope must be a finite number ≥ 0, got ${minSlope}`);

  // forward through the hidden layers (validates spec, weights and inputs)
  const fwd = await eventLifForward(device, spec, weights, inputSpikes, options);
  const L = spec.hidden.length;
  const T = spec.durationMs;
  const O = spec.outputs;
  const sizes = [spec.inputs, ...spec.hidden.map((h) => h.size)];
  // lists[0]: the input spikes; lists[l + 1]: hidden layer l; lists[L + 1]: a spiking output layer
  const lists: Record3[][][] = [inputSpikes.map((s) => s.filter((sp) => sp.time <= T).sort(byTime)), ...fwd.layers];
  const packed = lists.map(packRecords);

  const owned: GPUBuffer[] = [];
  const dispatches: Dispatch[] = [];
  const keep = (b: GPUBuffer) => (owned.push(b), b);
  const f32 = (a: ArrayLike<number>) => Float32Array.from(a);
  try {
    const listName = (i: number) => (i === 0 ? 'input' : i <= L ? `hidden${i - 1}` : 'output');
    const recordBuf = packed.map((p, i) => keep(uploadBuffer(device, `grad/eventprop/${listName(i)}-spikes`, p.records)));
    const offsetBuf = packed.map((p, i) => keep(uploadBuffer(device, `grad/eventprop/${listName(i)}-offsets`, p.offsets)));
    const readoutW = keep(uploadBuffer(device, 'grad/eventprop/readout-weights', f32(weights.readout)));
    // a recurrent layer's buffer holds w [neurons][fan_in], then v [neurons][neurons]
    const hiddenW = weights.hidden.map((h, l) => keep(uploadBuffer(device, `grad/eventprop/hidden${l}-weights`, f32(spec.hidden[l].recurrent ? Array.from(h.w).concat(Array.from(h.v!)) : h.w))));

    const common = { batch, durationMs: T, tauMemMs: spec.tauMemMs, tauSynMs: spec.tauSynMs };
    const maximaOut: GpuReadoutMaxima[] = [];
    const losses = new Float64Array(batch);
    const predicted = new Int32Array(batch);
    let firstSpikeTimes: Float64Array[] | undefined;
    // the output layer's backward dispatch, writing the last hidden layer's jump terms
    let outputBackward: (jumpTerms: GPUBuffer, gradRows: GPUBuffer, clipped: GPUBuffer) => Dispatch;
    if (spec.output === 'readout') {
      // readout maxima
      const maxima = keep(storageBuffer(device, 'neurons/event-readout-max/maxima', batch * O * READOUT_MAX_BYTES));
      const maxDispatch = eventReadoutMax(device, { ...common, weights: readoutW, inSpikes: recordBuf[L], inOffsets: offsetBuf[L], maxima, outputs: O, fanIn: sizes[L] });
      dispatches.push(maxDispatch);
      {
        const enc = device.createCommandEncoder({ label: 'neurons/event-readout-max' });
        const pass = enc.beginComputePass({ label: 'neurons/event-readout-max' });
        maxDispatch.encode(pass);
        pass.end();
        device.queue.submit([enc.finish()]);
      }
      const raw = await readU32(device, maxima, (batch * O * READOUT_MAX_BYTES) / 4);
      const rawF = new Float32Array(raw.buffer);
      const rawI = new Int32Array(raw.buffer);
      const stride = READOUT_MAX_BYTES / 4;
      const dMax = new Float32Array(batch * O);
      for (let b = 0; b < batch; b++) {
        const value = new Float32Array(O);
        const time = new Float32Array(O);
        const current = new Float32Array(O);
        const spike = new Int32Array(O);
        const kind: ReadoutMaxKind[] = [];
        for (let o = 0; o < O; o++) {
          const at = (b * O + o) * stride;
          value[o] = rawF[at];
          time[o] = rawF[at + 1];
          current[o] = rawF[at + 2];
          kind.push(READOUT_MAX_KINDS[raw[at + 3]]);
          spike[o] = rawI[at + 4] < 0 ? -1 : rawI[at + 4] - packed[L].offsets[b];
        }
        maximaOut.push({ value, time, current, kind, spike });
        if (!value.every(Number.isFinite)) throw new RangeError(`GPU EventProp: sample ${b} has a non-finite readout maximum`);
        // eq. (4), batch mean
        const sample = maxVoltageLoss(value, labels[b]);
        losses[b] = sample.loss;
        predicted[b] = sample.predicted;
        for (let o = 0; o < O; o++) dMax[b * O + o] = sample.dOutputs[o] / batch;
      }
      const dMaxBuf = keep(uploadBuffer(device, 'grad/eventprop-readout/d-max', dMax));
      outputBackward = (jumpTerms, gradRows) =>
        eventPropReadout(device, {
          ...common, weights: readoutW, inSpikes: recordBuf[L], inOffsets: offsetBuf[L], maxima, dMax: dMaxBuf,
          gradRows, jumpTerms, outputs: O, fanIn: sizes[L],
        });
    } else {
      // first spike of each output neuron (spiking output layer, lists[L + 1]) and the loss, eq. (3)
      const own = packed[L + 1];
      const first = new Uint32Array((batch * O * FIRST_SPIKE_LOSS_BYTES) / 4);
      const firstI = new Int32Array(first.buffer);
      const firstF = new Float32Array(first.buffer);
      firstSpikeTimes = [];
      for (let b = 0; b < batch; b++) {
        const times = new Float64Array(O).fill(Infinity);
        const index = new Int32Array(O).fill(-1);
        lists[L + 1][b].forEach((sp, k) => {
          if (index[sp.neuron] < 0) {
            index[sp.neuron] = k;
            times[sp.neuron] = sp.time;
          }
        });
        // missing spikes count as missingTimeMs without gradient, ties go to the lowest index (./event-losses.ts)
        const value = firstSpikeLoss(times, labels[b], firstSpike!, spec.durationMs);
        if (!Number.isFinite(value.loss)) throw new RangeError(`GPU EventProp: sample ${b} has a non-finite first-spike loss`);
        losses[b] = value.loss;
        predicted[b] = value.predicted;
        firstSpikeTimes.push(times);
        for (let o = 0; o < O; o++) {
          firstI[2 * (b * O + o)] = index[o] < 0 ? -1 : own.offsets[b] + index[o];
          firstF[2 * (b * O + o) + 1] = value.dOutputs[o] / batch;
        }
      }
      const firstBuf = keep(uploadBuffer(device, 'grad/eventprop-first-spike/first', first));
      const offsets = new Uint32Array(2 * (batch + 1));
      offsets.set(packed[L].offsets, 0);
      offsets.set(own.offsets, batch + 1);
      const offsetsBuf = keep(uploadBuffer(device, 'grad/eventprop-first-spike/offsets', offsets));
      outputBackward = (jumpTerms, gradRows, clipped) =>
        eventPropFirstSpike(device, {
          ...common, weights: readoutW, inSpikes: recordBuf[L], ownSpikes: recordBuf[L + 1], offsets: offsetsBuf, first: firstBuf,
          gradRows, jumpTerms, clipped, outputs: O, fanIn: sizes[L], threshold: spec.threshold, minSlope,
        });
    }

    if (!withGradients) {
      let loss = 0;
      for (const v of losses) loss += v / batch;
      return { loss, losses, spikes: fwd.spikes, layers: fwd.layers, maxima: maximaOut, firstSpikeTimes, predicted };
    }
    // backward, top-down: output layer (readout or spiking), then hidden layers L−1 … 0
    const readoutRows = keep(storageBuffer(device, 'grad/eventprop-readout/grad-rows', batch * O * sizes[L] * 4));
    // jumps[l]: per spike of hidden layer l, per neuron of the layer above
    const jumps = sizes.slice(1).map((_, l) => keep(storageBuffer(device, `grad/eventprop/hidden${l}-jump-terms`, Math.max(1, packed[l + 1].total) * (l + 1 < L ? sizes[l + 2] : O) * 4)));
    // per sample: dL/dw [neurons][fan_in], then for a recurrent layer dL/dv [neurons][neurons]
    const rowLength = (l: number) => sizes[l + 1] * (sizes[l] + (spec.hidden[l].recurrent ? sizes[l + 1] : 0));
    const hiddenRows = spec.hidden.map((_, l) => keep(storageBuffer(device, `grad/eventprop-hidden/grad-rows${l}`, batch * rowLength(l) * 4)));
    const clipped = keep(storageBuffer(device, 'grad/eventprop-hidden/clipped', 4));
    const dummy = keep(storageBuffer(device, 'grad/eventprop-hidden/no-jumps', 4));
    const backwardFrom = dispatches.length;
    dispatches.push(outputBackward(jumps[L - 1], readoutRows, clipped));
    for (let l = L - 1; l >= 0; l--) {
      const offsets = new Uint32Array(2 * (batch + 1));
      offsets.set(packed[l].offsets, 0);
      offsets.set(packed[l + 1].offsets, batch + 1);
      const offsetsBuf = keep(uploadBuffer(device, `grad/eventprop-hidden/offsets${l}`, offsets));
      const args = {
        ...common, weights: hiddenW[l], inSpikes: recordBuf[l], ownSpikes: recordBuf[l + 1], offsets: offsetsBuf,
        jumpAbove: jumps[l], gradRows: hiddenRows[l], jumpOut: l > 0 ? jumps[l - 1] : dummy, writeJumps: l > 0, clipped,
        neurons: sizes[l + 1], fanIn: sizes[l], above: l + 1 < L ? sizes[l + 2] : O, threshold: spec.threshold, minSlope,
      };
      dispatches.push(spec.hidden[l].recurrent ? eventPropRecurrent(device, args) : eventPropHidden(device, args));
    }
    {
      const enc = device.createCommandEncoder({ label: 'grad/eventprop' });
      const pass = enc.beginComputePass({ label: 'grad/eventprop' });
      for (const d of dispatches.slice(backwardFrom)) d.encode(pass);
      pass.end();
      device.queue.submit([enc.finish()]);
    }
    // batch sums on the GPU (grad/batch-sum): only one gradient row per tensor is read back
    const sumRows = async (buf: GPUBuffer, rows: number): Promise<Float64Array> => {
      const out = keep(storageBuffer(device, 'grad/batch-sum/out', rows * 4));
      const d = batchSum(device, { rows: buf, out, length: rows, batch });
      dispatches.push(d);
      const enc = device.createCommandEncoder({ label: 'grad/batch-sum' });
      const pass = enc.beginComputePass({ label: 'grad/batch-sum' });
      d.encode(pass);
      pass.end();
      device.queue.submit([enc.finish()]);
      return Float64Array.from(await readF32(device, out, rows));
    };
    const gradients: Float64Weights = {
      hidden: [],
      readout: await sumRows(readoutRows, O * sizes[L]),
    };
    for (let l = 0; l < L; l++) {
      const sum = await sumRows(hiddenRows[l], rowLength(l));
      const nw = sizes[l + 1] * sizes[l];
      gradients.hidden.push(spec.hidden[l].recurrent ? { w: sum.slice(0, nw), v: sum.slice(nw) } : { w: sum });
    }
    const clippedCount = (await readU32(device, clipped, 1))[0];
    let loss = 0;
    for (const v of losses) loss += v / batch;
    return { loss, losses, gradients, spikes: fwd.spikes, layers: fwd.layers, maxima: maximaOut, firstSpikeTimes, predicted, clipped: clippedCount };
  } finally {
    for (const d of dispatches) d.destroy();
    for (const b of owned) b.destroy();
  }
}
