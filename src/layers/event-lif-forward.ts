/**
 * Event-exact forward pass of a network of continuous-time LIF neurons
 * (papers/003, Table 1, feed-forward and recurrent hidden layers) on the GPU,
 * layer by layer, with hybrid kernels: a time-grid scan finds the step of each
 * threshold crossing (a rise above ϑ and fall back within a step included) and
 * the spike time is refined on the exact two-exponential solution.
 * A feed-forward layer runs `kernels/neurons/event-lif-forward.ts` (one thread
 * per neuron and sample). A recurrent layer runs
 * `kernels/neurons/event-lif-recurrent-forward.ts`: its neurons interact
 * through their own spikes, so one workgroup per sample advances all of them
 * together, committing the earliest crossing of the sample at its exact time
 * (reset, recurrent weights to the other neurons) and scanning on from there;
 * a recurrent layer holds at most MAX_RECURRENT_NEURONS neurons.
 *
 * Each layer stores per spike only (time, neuron, current at the spike) in a
 * per-sample region of `capacity` records (12 bytes each, so a layer uses
 * batch · capacity · 12 bytes); a sample that produces more spikes raises a
 * `SpikeCapacityError` naming the layer, sample and capacity, or, with
 * `onOverflow: 'grow'`, the layer is run again with a larger region. Nothing is
 * dropped silently.
 *
 * Between layers the spikes are read back and sorted per sample by time on the
 * host (this first version; the inputs of the next layer must be time-sorted).
 * Precision: float32 states and times. A spike time's error is about δV/V̇⁻,
 * with δV a few 1e-7·|I| (rounding of the two-exponential sum) and
 * V̇⁻ = (I − ϑ)/τ_mem. Both kernels fold the events into a virtual state at an
 * anchor that moves only about every min(τ_mem, τ_syn)/2 (not at every event),
 * so the rounding does not build up with the number of input spikes; the
 * feed-forward kernel takes the anchor moves and the factors e^{±s/τ} of every
 * input spike and grid point from the host (`packInputEvents`, float64, the same
 * for all neurons of a sample) and its weights input-major ([fanIn][neurons],
 * transposed here). On the random networks of test/gpu/event-forward.test.ts
 * (a layer fed ~850 input spikes per sample included) the spike times agree
 * with the float64 reference (`src/reference/event-lif.ts`) to within
 * 1e-4·τ_syn (measured ≤ 2.1e-5·τ_syn) for every grid step, and on the
 * recurrent networks of test/gpu/eventprop-recurrent.test.ts (up to hundreds of
 * spikes per sample in one layer) likewise (measured ≤ 6e-5·τ_syn). Where the
 * membrane only grazes ϑ (V̇⁻ near 0) the error grows and a spike may appear or
 * vanish.
 */
import { readU32, storageBuffer, uploadBuffer } from '../gpu/buffers.js';
import {
  eventLifForward as eventLifForwardKernel, inputMajorWeights, packInputEvents, OUT_SPIKE_BYTES, IN_SPIKE_BYTES,
} from '../../kernels/neurons/event-lif-forward.js';
import { eventLifRecurrentForward, MAX_RECURRENT_NEURONS } from '../../kernels/neurons/event-lif-recurrent-forward.js';
import { validateEventSpec, type EventLifSpec, type EventSpike, type InputSpike } from '../model/event-network.js';
import type { WeightsLike } from '../model/weights.js';

export interface EventLifForwardOptions {
  /** time-grid step of the crossing scan (ms); spike times do not depend on it */
  gridStepMs: number;
  /** spike records per sample and layer */
  capacity: number;
  /** 'error' (default): throw a SpikeCapacityError; 'grow': rerun the layer with a larger capacity */
  onOverflow?: 'error' | 'grow';
}

export interface EventLifForwardResult {
  /** per sample: the spikes of every layer, in time order */
  readonly spikes: EventSpike[][];
  /** per layer (hidden layers, then a spiking output layer), per sample, in time order */
  readonly layers: EventSpike[][][];
  /** the capacity each layer ran with (larger than asked only with onOverflow 'grow') */
  readonly capacities: number[];
}

/** A sample produced more spikes in a layer than its capacity holds. */
export class SpikeCapacityError extends RangeError {
  constructor(
    readonly layer: number,
    readonly sample: number,
    readonly capacity: number,
    /** spikes counted before the layer stopped (a lower bound of what it needs) */
    readonly atLeast: number,
  ) {
    super(
      `event LIF forward: layer ${layer}, sample ${sample} produced at least ${atLeast} spikes but the capacity is ${capacity} per sample; ` +
        `pass a larger capacity or onOverflow: 'grow'`,
    );
    this.name = 'SpikeCapacityError';
  }
}

function validate(spec: EventLifSpec, weights: WeightsLike, input: readonly (readonly InputSpike[])[], o: EventLifForwardOptions): void {
  validateEventSpec(spec, weights);
  spec.hidden.forEach((l, i) => {
    if (l.recurrent && l.size > MAX_RECURRENT_NEURONS) {
      throw new RangeError(`event LIF forward on the GPU: recurrent hidden[${i}] has ${l.size} neurons, at most ${MAX_RECURRENT_NEURONS} are supported`);
    }
  });
  if (!(Number.isFinite(o.gridStepMs) && o.gridStepMs > 0)) throw new RangeError(`gridStepMs must be a positive finite number, got ${o.gridStepMs}`);
  if (!(Number.isInteger(o.capacity) && o.capacity > 0)) throw new RangeError(`capacity must be a positive integer, got ${o.capacity}`);
  if (o.onOverflow !== undefined && o.onOverflow !== 'error' && o.onOverflow !== 'grow') {
    throw new RangeError(`onOverflow must be 'error' or 'grow', got ${String(o.onOverflow)}`);
  }
  if (input.length === 0) throw new RangeError('event LIF forward needs at least one sample');
  input.forEach((spikes, b) =>
    spikes.forEach((sp, i) => {
      if (!(Number.isFinite(sp.time) && sp.time >= 0)) throw new RangeError(`sample ${b}, input spike ${i}: time must be finite and ≥ 0, got ${sp.time}`);
      if (!(Number.isInteger(sp.neuron) && sp.neuron >= 0 && sp.neuron < spec.inputs)) {
        throw new RangeError(`sample ${b}, input spike ${i}: neuron must be an integer in [0, ${spec.inputs}), got ${sp.neuron}`);
      }
    }),
  );
}

const byTime = (x: { time: number; neuron: number }, y: { time: number; neuron: number }) => x.time - y.time || x.neuron - y.neuron;

/**
 * Runs the network's spiking layers (all hidden layers, and the output layer
 * when spec.output is 'spiking') on a batch of input spike lists (one per sample).
 */
export async function eventLifForward(
  device: GPUDevice,
  spec: EventLifSpec,
  weights: WeightsLike,
  input: readonly (readonly InputSpike[])[],
  options: EventLifForwardOptions,
): Promise<EventLifForwardResult> {
  validate(spec, weights, input, options);
  const batch = input.length;
  const T = spec.durationMs;
  const layerSizes = [...spec.hidden.map((l) => l.size), ...(spec.output === 'spiking' ? [spec.outputs] : [])];
  // a recurrent layer's buffer holds w [neurons][fanIn], then v [neurons][neurons]
  const layerWeights = [
    ...weights.hidden.map((l, i) => (spec.hidden[i].recurrent ? concat(l.w, l.v!) : Float32Array.from(l.w))),
    ...(spec.output === 'spiking' ? [Float32Array.from(weights.readout)] : []),
  ];
  const recurrent = (l: number) => l < spec.hidden.length && spec.hidden[l].recurrent;

  let current: { time: number; neuron: number }[][] = input.map((s) => s.filter((sp) => sp.time <= T).sort(byTime));
  let fanIn = spec.inputs;
  const layers: EventSpike[][][] = [];
  const capacities: number[] = [];
  for (let l = 0; l < layerSizes.length; l++) {
    const neurons = layerSizes[l];
    let capacity = options.capacity;
    for (;;) {
      const { counts, records } = await runLayer(device, l, current, layerWeights[l], recurrent(l), neurons, fanIn, capacity, spec, options.gridStepMs);
      let worst = -1;
      for (let b = 0; b < batch; b++) if (counts[b] > capacity && (worst < 0 || counts[b] > counts[worst])) worst = b;
      if (worst >= 0) {
        if (options.onOverflow !== 'grow') throw new SpikeCapacityError(l, worst, capacity, counts[worst]);
        capacity = Math.max(2 * capacity, counts[worst]);
        continue;
      }
      const perSample: EventSpike[][] = [];
      const f32 = new Float32Array(records.buffer, records.byteOffset, records.length);
      for (let b = 0; b < batch; b++) {
        const list: EventSpike[] = [];
        for (let k = 0; k < counts[b]; k++) {
          const at = ((b * capacity + k) * OUT_SPIKE_BYTES) / 4;
          list.push({ time: f32[at], current: f32[at + 1], neuron: records[at + 2], layer: l });
        }
        perSample.push(list.sort(byTime));
      }
      layers.push(perSample);
      capacities.push(capacity);
      current = perSample;
      break;
    }
    fanIn = neurons;
  }
  const spikes = Array.from({ length: batch }, (_, b) => layers.flatMap((per) => per[b]).sort((x, y) => x.time - y.time || x.layer - y.layer || x.neuron - y.neuron));
  return { spikes, layers, capacities };
}

function concat(a: ArrayLike<number>, b: ArrayLike<number>): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

async function runLayer(
  device: GPUDevice,
  layer: number,
  input: readonly (readonly { time: number; neuron: number }[])[],
  w: Float32Array,
  recurrent: boolean,
  neurons: number,
  fanIn: number,
  capacity: number,
  spec: EventLifSpec,
  gridStepMs: number,
): Promise<{ counts: Uint32Array; records: Uint32Array }> {
  // records are read back only when no sample overflowed
  const batch = input.length;
  const label = `neurons/event-lif-${recurrent ? 'recurrent-' : ''}forward/layer${layer}`;
  const { records, offsets } = recurrent ? packSpikes(input) : packInputEvents(input, { ...spec, gridStepMs });
  const buffers = [
    uploadBuffer(device, `${label}/weights`, recurrent ? w : inputMajorWeights(w, neurons, fanIn)),
    uploadBuffer(device, `${label}/in-spikes`, new Uint32Array(records)),
    uploadBuffer(device, `${label}/in-offsets`, offsets),
    storageBuffer(device, `${label}/out-spikes`, batch * capacity * OUT_SPIKE_BYTES),
    storageBuffer(device, `${label}/out-counts`, batch * 4),
  ];
  const [weights, inSpikes, inOffsets, outSpikes, outCounts] = buffers;
  const args = {
    weights, inSpikes, inOffsets, outSpikes, outCounts, batch, neurons, fanIn, capacity, gridStepMs,
    durationMs: spec.durationMs, tauMemMs: spec.tauMemMs, tauSynMs: spec.tauSynMs, threshold: spec.threshold,
  };
  const dispatch = recurrent ? eventLifRecurrentForward(device, args) : eventLifForwardKernel(device, args);
  try {
    const enc = device.createCommandEncoder({ label });
    const pass = enc.beginComputePass({ label });
    dispatch.encode(pass);
    pass.end();
    device.queue.submit([enc.finish()]);
    const counts = await readU32(device, outCounts, batch);
    const overflow = counts.some((c) => c > capacity);
    const records = overflow ? new Uint32Array(0) : await readU32(device, outSpikes, (batch * capacity * OUT_SPIKE_BYTES) / 4);
    return { counts, records };
  } finally {
    dispatch.destroy();
    for (const b of buffers) b.destroy();
  }
}

/** (time f32, neuron u32) per spike, per sample in order, for the recurrent kernel. */
function packSpikes(input: readonly (readonly { time: number; neuron: number }[])[]): { records: ArrayBuffer; offsets: Uint32Array } {
  const total = input.reduce((n, s) => n + s.length, 0);
  const records = new ArrayBuffer(Math.max(IN_SPIKE_BYTES, total * IN_SPIKE_BYTES));
  const times = new Float32Array(records);
  const ids = new Uint32Array(records);
  const offsets = new Uint32Array(input.length + 1);
  let k = 0;
  input.forEach((spikes, b) => {
    offsets[b] = k;
    for (const sp of spikes) {
      times[2 * k] = sp.time;
      ids[2 * k + 1] = sp.neuron;
      k++;
    }
  });
  offsets[input.length] = k;
  return { records, offsets };
}
