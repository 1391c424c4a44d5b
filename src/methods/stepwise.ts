/**
 * The network run one time step at a time on [B][N] states, shared by the
 * forward-mode methods (`rtrl`, `eligibility`): nothing of the past is stored,
 * so the memory of the states does not depend on the number of steps T.
 *
 * Each hidden layer steps with its own neuron model (scan/step composed with
 * the model's snippet); its state is one NeuronState per (sample, neuron).
 * Step n (clock[0] = n) is recorded as
 *   spikes:  scan/step `spike` of every layer               S_l[n] = neuron_fires(state_l[n])
 *   … method work that reads state[n], S[n] …
 *   updates: scan/step `update` of every layer              state_l → n+1
 *   readout: neurons/readout-step                           running logits ∪ y[n]; Uo, Io → n+1
 *   tick:    neurons/step-clock                             n ← n + 1
 * After step T−1 the running logits equal the time reduction of the readout, and
 * loss/cross-entropy (steps = 1, 'sum') on them gives the loss, the metrics and
 * dL/dlogits, exactly as in bptt.
 */
import { storageBuffer } from '../gpu/buffers.js';
import type { Dispatch } from '../../kernels/kernel.js';
import { scanStep } from '../../kernels/scan/step.js';
import type { NeuronKernel } from '../../kernels/types.js';
import { readoutStep } from '../../kernels/neurons/readout-step.js';
import { stepClock } from '../../kernels/neurons/step-clock.js';
import { crossEntropy, type CrossEntropy } from '../../kernels/loss/cross-entropy.js';
import type { GpuNetwork } from '../layers/network.js';
import { checkBatchShape, type BatchShape } from './method.js';
import { neuronKernel, neuronOfLayer } from '../neurons/registry.js';

export interface StepwiseLayer {
  readonly size: number;
  readonly neuron: NeuronKernel;
  /** NeuronState [B][N] (neuron.stateFloats floats each) at the current step */
  readonly state: GPUBuffer;
  readonly spikes: GPUBuffer;
}

export interface StepwiseReadout {
  readonly voltage: GPUBuffer;
  readonly current: GPUBuffer;
  readonly logits: GPUBuffer;
}

export interface Stepwise {
  readonly clock: GPUBuffer;
  /** [inputRows][B][N_in]; step n reads row n mod inputRows */
  readonly input: GPUBuffer;
  /** T, or the window k of input written k steps at a time */
  readonly inputRows: number;
  readonly labels: GPUBuffer;
  readonly metrics: GPUBuffer;
  readonly sampleStats: GPUBuffer;
  /** dL/dlogits [B][O] of the last loss dispatch */
  readonly gradLogits: GPUBuffer;
  readonly layers: readonly StepwiseLayer[];
  readonly readout: StepwiseReadout;
  readonly spikes: readonly Dispatch[];
  readonly updates: readonly Dispatch[];
  readonly readoutStep: Dispatch;
  readonly tick: Dispatch;
  readonly loss: CrossEntropy;
  /** an extra readout of layer `layer`'s spikes through fixed weights (local errors), with its own loss */
  addReadout(label: string, layer: number, weights: GPUBuffer): { state: StepwiseReadout; step: Dispatch; loss: CrossEntropy; gradLogits: GPUBuffer };
  /** zero the clock, the spikes and the running logits; every neuron state to rest */
  clear(encoder: GPUCommandEncoder): void;
  /** a labelled storage buffer owned by this run; `keep` lists it in stored() */
  buffer(label: string, floats: number, keep?: boolean): GPUBuffer;
  readonly stored: { name: string; bytes: number }[];
  destroy(): void;
}

/** `windowed`: the input holds min(shape.inputWindow, T) steps when the caller asked for windows, else T. */
export function stepwise(net: GpuNetwork, shape: BatchShape, prefix: string, windowed = false): Stepwise {
  checkBatchShape(shape, prefix);
  const { device, spec } = net;
  const { batch: B, steps: T } = shape;
  const p = spec.neuron;
  const O = spec.outputs;
  const owned: GPUBuffer[] = [];
  const stored: { name: string; bytes: number }[] = [];
  const dispatches: Dispatch[] = [];
  const losses: CrossEntropy[] = [];
  const buffer = (label: string, floats: number, keep = false) => {
    const b = storageBuffer(device, `${prefix}/${label}`, floats * 4);
    owned.push(b);
    if (keep) stored.push({ name: `${prefix}/${label}`, bytes: floats * 4 });
    return b;
  };
  const clock = buffer('clock', 1);
  const inputRows = windowed && shape.inputWindow !== undefined ? Math.min(shape.inputWindow, T) : T;
  const input = buffer('input-spikes', inputRows * B * spec.inputs);
  const labels = buffer('labels', B);
  const metrics = buffer('metrics', 4);
  const sampleStats = buffer('sample-stats', 2 * B);
  const toClear: GPUBuffer[] = [clock];
  const layers: StepwiseLayer[] = spec.hidden.map((h, l) => {
    const neuron = neuronKernel(neuronOfLayer(spec, l));
    const layer = {
      size: h.size,
      neuron,
      state: buffer(`hidden.${l}/state`, B * h.size * neuron.stateFloats, true),
      spikes: buffer(`hidden.${l}/spikes`, B * h.size, true),
    };
    toClear.push(layer.spikes);
    return layer;
  });
  const rests: Dispatch[] = [];
  const spikes: Dispatch[] = [];
  const updates: Dispatch[] = [];
  layers.forEach((layer, l) => {
    const d = scanStep(device, {
      clock, spikesIn: l === 0 ? input : layers[l - 1].spikes, inputSequence: l === 0, inputRows, weights: net.hidden[l].w.weights,
      recurrent: net.hidden[l].v?.weights, state: layer.state, spikes: layer.spikes,
      batch: B, neurons: layer.size, inputs: l === 0 ? spec.inputs : layers[l - 1].size, neuron: layer.neuron,
    });
    rests.push(d.rest);
    spikes.push(d.spike);
    updates.push(d.update);
  });
  const makeReadout = (label: string, layer: number, weights: GPUBuffer) => {
    const state: StepwiseReadout = {
      voltage: buffer(`${label}/voltage`, B * O, true),
      current: buffer(`${label}/current`, B * O, true),
      logits: buffer(`${label}/logits`, B * O, true),
    };
    toClear.push(state.voltage, state.current, state.logits);
    const step = readoutStep(device, {
      clock, spikesIn: layers[layer].spikes, weights, ...state, batch: B, outputs: O, inputs: layers[layer].size, steps: T,
      alpha: p.alpha, beta: p.beta, reduce: spec.readoutReduce,
    });
    dispatches.push(step);
    const gradLogits = buffer(`${label}/grad-logits`, B * O);
    const own = label === 'readout';
    const loss = crossEntropy(device, {
      voltage: state.logits, labels, gradVoltage: gradLogits, sampleStats: own ? sampleStats : buffer(`${label}/sample-stats`, 2 * B),
      metrics: own ? metrics : buffer(`${label}/metrics`, 4), steps: 1, batch: B, outputs: O, reduce: 'sum',
    });
    losses.push(loss);
    return { state, step, loss, gradLogits };
  };
  const main = makeReadout('readout', layers.length - 1, net.readout.weights);
  const tick = stepClock(device, clock);
  dispatches.push(...rests, ...spikes, ...updates, tick);
  return {
    clock, input, inputRows, labels, metrics, sampleStats, gradLogits: main.gradLogits, layers, readout: main.state, spikes, updates,
    readoutStep: main.step, tick, loss: main.loss, stored, buffer,
    addReadout: makeReadout,
    clear(enc) {
      for (const b of toClear) enc.clearBuffer(b);
      const pass = enc.beginComputePass({ label: `${prefix}/rest` });
      for (const d of rests) d.encode(pass);
      pass.end();
    },
    destroy() {
      for (const d of dispatches) d.destroy();
      for (const l of losses) l.destroy();
      for (const b of owned) b.destroy();
    },
  };
}
