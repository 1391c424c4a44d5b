/**
 * Surrogate-gradient BPTT for the canonical discrete LIF (Neftci et al. 2019,
 * Box 2 eq. 7 with σ′ in place of Θ′; DESIGN.md).
 *
 * Forward, per hidden layer l (time-major [T][B][N] buffers):
 *   drive_l = S_{l−1} · W_lᵀ                      linear/matmul over all T·B rows
 *   (U_l, S_l) = LIF scan of drive_l              neurons/lif-forward, or one
 *                                                 neurons/lif-recurrent-step per n
 * readout: drive_o = S_L·W_oᵀ, y = neurons/readout-forward; loss/cross-entropy.
 * Backward (reverse order):
 *   dL/d drive_o = readout-backward(dL/dy);  dW_o = dL/d drive_oᵀ · S_L;  gS_L = dL/d drive_o · W_o
 *   dL/d drive_l = LIF reverse scan(gS_l);    dW_l = dL/d drive_lᵀ · S_{l−1}
 *   dV_l = dL/d drive_lᵀ · S_l;               gS_{l−1} = dL/d drive_l · W_l
 * drive[n] enters I[n+1], so dL/d drive[n] = dL/dI[n+1]; weight gradients sum
 * over all (n, b) at equal n, which is what the T·B-row matmuls compute.
 * Stored for backward: U and S of every hidden layer (2·T·B·N floats), readout y.
 * The drive buffers are reused for dL/d drive.
 */
import { storageBuffer } from '../gpu/buffers.js';
import { stepIndex, type Dispatch } from '../../kernels/kernel.js';
import { matmul } from '../../kernels/linear/matmul.js';
import { compact, type SpikeLists } from '../../kernels/linear/compact.js';
import { eventForward } from '../../kernels/linear/event-forward.js';
import { isSoftwareDevice } from '../gpu/device.js';
import { eventWeightGrad } from '../../kernels/linear/event-weight-grad.js';
import { lifForward } from '../../kernels/neurons/lif-forward.js';
import { lifBackward } from '../../kernels/neurons/lif-backward.js';
import { lifRecurrentForward } from '../../kernels/neurons/lif-recurrent-step.js';
import { lifRecurrentBackward } from '../../kernels/neurons/lif-recurrent-backward-step.js';
import { readoutBackward, readoutForward } from '../../kernels/neurons/readout.js';
import { crossEntropy } from '../../kernels/loss/cross-entropy.js';
import type { GpuNetwork } from '../layers/network.js';
import type { Profiler } from '../gpu/profiler.js';
import type { BatchShape, GradientMethod, MethodRun, StoredState } from './method.js';

type Encodable = Dispatch & { clear?(enc: GPUCommandEncoder): void };

function runAll(encoder: GPUCommandEncoder, label: string, list: Encodable[], profiler?: Profiler): void {
  for (const d of list) d.clear?.(encoder);
  if (profiler?.enabled) {
    // one pass per kernel so each gets its own timestamps
    for (const d of list) {
      const pass = encoder.beginComputePass({ label: d.name, timestampWrites: profiler.pass(`${label}/${d.name}`) });
      d.encode(pass);
      pass.end();
    }
    return;
  }
  const pass = encoder.beginComputePass({ label });
  for (const d of list) d.encode(pass);
  pass.end();
}

export interface BpttOptions {
  /** also compute dL/d input spikes into `inputGrad` (for gradient inspection) */
  inputGradient?: boolean;
  /**
   * How spikes reach the next layer (forward) and the weight gradients:
   * 'event' compacts the active inputs of every (step, sample) and of every input
   * neuron and gathers only their weights (work ∝ spikes); 'dense' multiplies the
   * full spike matrices (linear/matmul). One choice for both, or one per phase.
   * Default 'auto': event for both on a software adapter (SwiftShader: event
   * forward ~10× faster than dense at 2–20 % activity), dense for both on a
   * hardware adapter. On an H200 (bench/results/train-step-h200*.json) dense was
   * as fast or faster in every configuration: the event paths spend most of their
   * time compacting spike lists (784-512-10, T = 100, B = 256: dense 26 ms per
   * step at p = 0.02 and 0.2; event 27 / 47 ms; dense forward + event weight
   * gradients 29 / 39 ms).
   */
  propagation?: Propagation | 'auto' | { forward: Propagation; weightGrad: Propagation };
}

export type Propagation = 'event' | 'dense';

/** The per-phase propagation that `options.propagation` selects on `device`. */
export function resolvePropagation(device: GPUDevice, choice: BpttOptions['propagation']): { forward: Propagation; weightGrad: Propagation } {
  if (choice === 'event' || choice === 'dense') return { forward: choice, weightGrad: choice };
  if (choice && typeof choice === 'object') {
    for (const v of [choice.forward, choice.weightGrad]) {
      if (v !== 'event' && v !== 'dense') throw new RangeError(`propagation must be 'event' or 'dense' per phase, got '${String(v)}'`);
    }
    return { forward: choice.forward, weightGrad: choice.weightGrad };
  }
  if (choice !== undefined && choice !== 'auto') throw new RangeError(`propagation must be 'auto', 'event', 'dense' or { forward, weightGrad }, got '${String(choice)}'`);
  // unknown adapters (a device not made by requestDevice, no adapterInfo) take the event paths
  return isSoftwareDevice(device) === false ? { forward: 'dense', weightGrad: 'dense' } : { forward: 'event', weightGrad: 'event' };
}

export function bptt(options: BpttOptions = {}): GradientMethod {
  const method: GradientMethod = {
    name: 'bptt',
    description: 'surrogate-gradient backpropagation through time (discrete LIF)',
    exact: false,
    inputKind: 'dense-steps',
    bind(net: GpuNetwork, shape: BatchShape): MethodRun {
      return bindBptt(method, net, shape, options);
    },
  };
  return method;
}

function checkShape(shape: BatchShape): void {
  for (const [k, v] of Object.entries(shape)) {
    if (!(Number.isInteger(v) && v > 0)) throw new RangeError(`batch shape ${k} must be a positive integer, got ${v}`);
  }
}

function bindBptt(method: GradientMethod, net: GpuNetwork, shape: BatchShape, options: BpttOptions): MethodRun & { inputGrad?: GPUBuffer } {
  checkShape(shape);
  const { device, spec } = net;
  const { batch: B, steps: T } = shape;
  const p = spec.neuron;
  const rows = T * B;
  const owned: GPUBuffer[] = [];
  const stored: { name: string; bytes: number }[] = [];
  const buf = (label: string, floats: number, keep = false) => {
    const b = storageBuffer(device, label, floats * 4);
    owned.push(b);
    if (keep) stored.push({ name: label, bytes: floats * 4 });
    return b;
  };
  const input = buf('bptt/input-spikes', rows * spec.inputs, true);
  const labels = buf('bptt/labels', B);
  const metrics = buf('bptt/metrics', 4);
  const sampleStats = buf('bptt/sample-stats', 2 * B);
  const observables = new Map<string, { buffer: GPUBuffer; shape: readonly number[] }>();

  const needsSteps = spec.hidden.some((h) => h.recurrent);
  const steps = needsSteps ? stepIndex(device, T, 'bptt') : undefined;
  if (steps) owned.push(steps.buffer);

  const layers = spec.hidden.map((h, l) => {
    const N = h.size;
    const layer = {
      size: N,
      membrane: buf(`bptt/hidden.${l}/membrane`, rows * N, true),
      spikes: buf(`bptt/hidden.${l}/spikes`, rows * N, true),
      drive: buf(`bptt/hidden.${l}/drive`, rows * N),
      gradSpikes: buf(`bptt/hidden.${l}/grad-spikes`, rows * N),
      scratch: h.recurrent ? buf(`bptt/hidden.${l}/scratch`, B * N) : undefined,
    };
    observables.set(`hidden.${l}.membrane`, { buffer: layer.membrane, shape: [T, B, N] });
    observables.set(`hidden.${l}.spikes`, { buffer: layer.spikes, shape: [T, B, N] });
    return layer;
  });
  const O = spec.outputs;
  const last = layers[layers.length - 1];
  const readoutDrive = buf('bptt/readout/drive', rows * O);
  const voltage = buf('bptt/readout/voltage', rows * O, true);
  const gradVoltage = buf('bptt/readout/grad-voltage', rows * O);
  observables.set('readout.voltage', { buffer: voltage, shape: [T, B, O] });
  const inputGrad = options.inputGradient ? buf('bptt/input-grad', rows * spec.inputs) : undefined;

  // ---- spike operands: dense matrices, or event lists built right after the spikes are
  const mode = resolvePropagation(device, options.propagation);
  const eventForwardPath = mode.forward === 'event';
  const eventGradPath = mode.weightGrad === 'event';
  const forward: Encodable[] = [];
  const backward: Encodable[] = [];
  const lists = new Map<GPUBuffer, { rows?: SpikeLists; cols?: SpikeLists }>();
  /** compacted active indices of `spikes` along `axis`, built (once) right after the spikes in the forward pass */
  const listsOf = (spikes: GPUBuffer, cols: number, label: string, axis: 'rows' | 'cols'): SpikeLists => {
    let l = lists.get(spikes);
    if (!l) {
      l = {};
      lists.set(spikes, l);
    }
    let lst = l[axis];
    if (!lst) {
      lst = {
        counts: buf(`bptt/${label}/${axis}-counts`, axis === 'rows' ? rows : cols),
        index: buf(`bptt/${label}/${axis}-index`, rows * cols),
      };
      forward.push(compact(device, { spikes, rows, cols, axis, lists: lst }));
      l[axis] = lst;
    }
    return lst;
  };
  /** drive[rows][n] = spikes[rows][k] · weightsᵀ */
  const propagate = (spikes: GPUBuffer, k: number, label: string, weights: GPUBuffer, drive: GPUBuffer, n: number): Encodable =>
    eventForwardPath
      ? eventForward(device, { spikes, rowLists: listsOf(spikes, k, label, 'rows'), weights, drive, rows, outputs: n, inputs: k })
      : matmul(device, { a: spikes, b: weights, c: drive, m: rows, n, k, transB: true });
  /** gradWeights[n][k] = gradDriveᵀ · spikes (lists already built in the forward pass) */
  const weightGrad = (spikes: GPUBuffer, k: number, label: string, gradDrive: GPUBuffer, gradWeights: GPUBuffer, n: number): Encodable =>
    eventGradPath
      ? eventWeightGrad(device, { spikes, colLists: listsOf(spikes, k, label, 'cols'), gradDrive, gradWeights, rows, outputs: n, inputs: k })
      : matmul(device, { a: gradDrive, b: spikes, c: gradWeights, m: n, n: k, k: rows, transA: true });

  let prevSpikes = input;
  let prevSize = spec.inputs;
  let prevLabel = 'input';
  layers.forEach((layer, l) => {
    const param = net.hidden[l];
    forward.push(propagate(prevSpikes, prevSize, prevLabel, param.w.weights, layer.drive, layer.size));
    if (param.v) {
      forward.push(lifRecurrentForward(device, {
        drive: layer.drive, recurrent: param.v.weights, membrane: layer.membrane, spikes: layer.spikes,
        synCurrent: layer.scratch!, steps: T, batch: B, neurons: layer.size, params: p, stepIndex: steps!,
      }));
    } else {
      forward.push(lifForward(device, { drive: layer.drive, membrane: layer.membrane, spikes: layer.spikes, steps: T, batch: B, neurons: layer.size, params: p }));
    }
    prevSpikes = layer.spikes;
    prevSize = layer.size;
    prevLabel = `hidden.${l}`;
    if (param.v && eventGradPath) listsOf(layer.spikes, layer.size, prevLabel, 'cols'); // for dV
  });
  forward.push(propagate(last.spikes, last.size, prevLabel, net.readout.weights, readoutDrive, O));
  const ro = { steps: T, batch: B, outputs: O, alpha: p.alpha, beta: p.beta };
  forward.push(readoutForward(device, { ...ro, drive: readoutDrive, voltage }));
  const loss = crossEntropy(device, { voltage, labels, gradVoltage, sampleStats, metrics, steps: T, batch: B, outputs: O, reduce: spec.readoutReduce });
  forward.push(loss.loss, loss.accumulate);

  // ---- backward dispatches
  backward.push(readoutBackward(device, { ...ro, gradVoltage, gradDrive: readoutDrive }));
  backward.push(weightGrad(last.spikes, last.size, prevLabel, readoutDrive, net.readout.grad, O));
  backward.push(matmul(device, { a: readoutDrive, b: net.readout.weights, c: last.gradSpikes, m: rows, n: last.size, k: O }));
  for (let l = layers.length - 1; l >= 0; l--) {
    const layer = layers[l];
    const param = net.hidden[l];
    const below = l > 0 ? layers[l - 1] : undefined;
    const belowSpikes = below ? below.spikes : input;
    const belowSize = below ? below.size : spec.inputs;
    if (param.v) {
      backward.push(lifRecurrentBackward(device, {
        membrane: layer.membrane, spikes: layer.spikes, gradSpikes: layer.gradSpikes, recurrent: param.v.weights,
        gradDrive: layer.drive, gradMembrane: layer.scratch!, steps: T, batch: B, neurons: layer.size, params: p,
        surrogate: spec.surrogate, stepIndex: steps!,
      }));
      backward.push(weightGrad(layer.spikes, layer.size, `hidden.${l}`, layer.drive, param.v.grad, layer.size));
    } else {
      backward.push(lifBackward(device, {
        membrane: layer.membrane, spikes: layer.spikes, gradSpikes: layer.gradSpikes, gradDrive: layer.drive,
        steps: T, batch: B, neurons: layer.size, params: p, surrogate: spec.surrogate,
      }));
    }
    backward.push(weightGrad(belowSpikes, belowSize, below ? `hidden.${l - 1}` : 'input', layer.drive, param.w.grad, layer.size));
    const target = below ? below.gradSpikes : inputGrad;
    if (target) backward.push(matmul(device, { a: layer.drive, b: param.w.weights, c: target, m: rows, n: belowSize, k: layer.size }));
  }

  const totalBytes = stored.reduce((s, x) => s + x.bytes, 0);
  return {
    method, shape, inputKind: 'dense-steps', input, labels, metrics, sampleStats, observables, inputGrad,
    setValid: (v) => loss.setValid(v),
    encodeForward: (enc, profiler) => runAll(enc, 'forward', forward, profiler),
    encodeBackward: (enc, profiler) => runAll(enc, 'backward', backward, profiler),
    stored: (): StoredState => ({ buffers: stored, totalBytes }),
    destroy() {
      for (const d of [...forward, ...backward]) d.destroy();
      loss.destroy();
      for (const b of owned) b.destroy();
    },
  };
}
