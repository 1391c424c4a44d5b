/**
 * Exact forward-mode surrogate gradients (real-time recurrent learning; Neftci,
 * Mostafa & Zenke 2019, §III-B, eq. 8 with Θ′ → σ′) for every neuron model
 * (each layer's step and tangent snippets), feed-forward and recurrent. For LIF
 * the float64 spec is `referenceRtrl` (src/reference/forward-mode.ts); for every
 * model it equals surrogate BPTT (`referenceBackward`).
 *
 * The network runs step by step (src/methods/stepwise.ts). For every parameter
 * tensor θ of layer m, the state sensitivities d state_l/dθ of every layer l ≥ m
 * ([B][N_l][|θ|] NeuronStates) and of the readout ([2][B][O][|θ|]) are carried forward:
 *   grad/rtrl-spike-sensitivity    dS_l = σ′(margin_l[n])·d margin_l
 *   grad/rtrl-sensitivity          d state_l → n+1 (eq. 8: below, recurrent, direct and the model's own terms)
 *   grad/rtrl-readout-sensitivity  dIo, dUo → n+1 and the logit sensitivity Q:
 *                                  Q += c·dUo[n] ('mean' c = 1/T, 'sum' c = 1), or
 *                                  Q = dUo[n] at each new running maximum ('max')
 * Because the logits are linear in y[n] ('mean'/'sum') or pick one y[n*] ('max'),
 * Q = dlogits/dθ exactly, and the cross-entropy derivative g = dL/dlogits is
 * applied once at the end: grad/contract-logits, dL/dθ = Σ_b Σ_o g[b,o]·Q[b,o,θ].
 *
 * encodeForward runs all T steps with the sensitivities and the loss (forward
 * mode computes the gradient during the forward pass); encodeBackward only
 * contracts Q with g into the gradient buffers. Memory: Σ_θ B·(Σ_{l≥m} (k_l + 1)·N_l + 3·O)·|θ|
 * (k_l the states of layer l's model)
 * floats besides the [B][N] states, independent of T; compute per step
 * O(B·|θ|·N·(N + K)). Meant for small networks (cross-checks, short studies).
 */
import type { Dispatch } from '../../kernels/kernel.js';
import { rtrlSpikeSensitivity } from '../../kernels/grad/rtrl-spike-sensitivity.js';
import { rtrlSensitivity } from '../../kernels/grad/rtrl-sensitivity.js';
import { rtrlReadoutSensitivity } from '../../kernels/grad/rtrl-readout-sensitivity.js';
import { contractLogits } from '../../kernels/grad/contract-logits.js';
import type { GpuNetwork, GpuParam } from '../layers/network.js';
import type { Profiler } from '../gpu/profiler.js';
import { SUPPORTED, type BatchShape, type GradientMethod, type MethodRun, type StoredState } from './method.js';
import { stepwise } from './stepwise.js';

export function rtrl(): GradientMethod {
  const method: GradientMethod = {
    name: 'rtrl',
    description: 'exact forward-mode surrogate gradients (real-time recurrent learning)',
    exact: false,
    inputKind: 'dense-steps',
    // every neuron model, feed-forward or recurrent, every readout reduction
    supports: () => SUPPORTED,
    bind(net: GpuNetwork, shape: BatchShape): MethodRun {
      return bindRtrl(method, net, shape);
    },
  };
  return method;
}

function encodeSteps(encoder: GPUCommandEncoder, label: string, steps: number, perStep: readonly Dispatch[], after: readonly Dispatch[], profiler?: Profiler): void {
  const pass = encoder.beginComputePass({ label, timestampWrites: profiler?.enabled ? profiler.pass(label) : undefined });
  for (let n = 0; n < steps; n++) for (const d of perStep) d.encode(pass);
  for (const d of after) d.encode(pass);
  pass.end();
}

function bindRtrl(method: GradientMethod, net: GpuNetwork, shape: BatchShape): MethodRun {
  const { device, spec } = net;
  const run = stepwise(net, shape, 'rtrl');
  const { batch: B, steps: T } = shape;
  const p = spec.neuron;
  const L = spec.hidden.length;
  const O = spec.outputs;
  const sizes = [spec.inputs, ...spec.hidden.map((h) => h.size)];
  const dummy = run.buffer('dummy', 4);
  const sensSpikeDispatches: Dispatch[] = [];
  const sensDispatches: Dispatch[] = [];
  const contract: Dispatch[] = [];
  const toClear: GPUBuffer[] = [];

  const tensors: { param: GpuParam; layer: number; kind: 'w' | 'v' | 'readout' }[] = [];
  net.hidden.forEach((h, l) => {
    tensors.push({ param: h.w, layer: l, kind: 'w' });
    if (h.v) tensors.push({ param: h.v, layer: l, kind: 'v' });
  });
  tensors.push({ param: net.readout, layer: L, kind: 'readout' });

  for (const t of tensors) {
    const P = t.param.length;
    const cols = t.param.shape[1];
    const m = t.layer;
    const sens: GPUBuffer[] = [];
    const sensSpikes: GPUBuffer[] = [];
    for (let l = m; l < L; l++) {
      const N = sizes[l + 1];
      const { neuron, state } = run.layers[l];
      sens[l] = run.buffer(`${t.param.name}/hidden.${l}/sens`, neuron.stateFloats * B * N * P, true);
      sensSpikes[l] = run.buffer(`${t.param.name}/hidden.${l}/sens-spikes`, B * N * P, true);
      toClear.push(sens[l]);
      sensSpikeDispatches.push(rtrlSpikeSensitivity(device, {
        state, sens: sens[l], sensSpikes: sensSpikes[l], batch: B, neurons: N, paramsLen: P, neuron, surrogate: spec.surrogate,
      }));
    }
    const readoutSens = run.buffer(`${t.param.name}/readout/sens`, 2 * B * O * P, true);
    const q = run.buffer(`${t.param.name}/readout/logit-sens`, B * O * P, true);
    toClear.push(readoutSens, q);
    sensDispatches.push(rtrlReadoutSensitivity(device, {
      clock: run.clock, weights: net.readout.weights, sensSpikesBelow: m < L ? sensSpikes[L - 1] : undefined, direct: t.kind === 'readout',
      spikesBelow: run.layers[L - 1].spikes, voltage: run.readout.voltage, logits: run.readout.logits, sens: readoutSens, q, dummy,
      batch: B, outputs: O, below: sizes[L], paramsLen: P, cols, steps: T, alpha: p.alpha, beta: p.beta, reduce: spec.readoutReduce,
    }));
    for (let l = m; l < L; l++) {
      const direct = l === m
        ? t.kind === 'v'
          ? { buffer: run.layers[l].spikes, sequence: false }
          : { buffer: l === 0 ? run.input : run.layers[l - 1].spikes, sequence: l === 0 }
        : undefined;
      sensDispatches.push(rtrlSensitivity(device, {
        clock: run.clock, weights: net.hidden[l].w.weights, recurrent: net.hidden[l].v?.weights,
        sensSpikesBelow: l > m ? sensSpikes[l - 1] : undefined, directSource: direct, state: run.layers[l].state,
        sensSpikes: sensSpikes[l], sens: sens[l], dummy, batch: B, neurons: sizes[l + 1], below: sizes[l], paramsLen: P, cols,
        neuron: run.layers[l].neuron, surrogate: spec.surrogate,
      }));
    }
    contract.push(contractLogits(device, { g: run.gradLogits, q, grad: t.param.grad, batch: B, outputs: O, paramsLen: P }));
  }

  const perStep = [...run.spikes, ...sensSpikeDispatches, ...sensDispatches, ...run.updates, run.readoutStep, run.tick];
  const stored = run.stored;
  const totalBytes = stored.reduce((s, x) => s + x.bytes, 0);
  const observables = new Map<string, { buffer: GPUBuffer; shape: readonly number[] }>([
    ['readout.logits', { buffer: run.readout.logits, shape: [B, O] }],
  ]);
  return {
    method, shape, inputKind: 'dense-steps', input: run.input, labels: run.labels, metrics: run.metrics, sampleStats: run.sampleStats, observables,
    setValid: (v) => run.loss.setValid(v),
    encodeForward(enc, profiler) {
      run.clear(enc);
      for (const b of toClear) enc.clearBuffer(b);
      encodeSteps(enc, 'rtrl/forward', T, perStep, [run.loss.loss, run.loss.accumulate], profiler);
    },
    encodeBackward(enc, profiler) {
      encodeSteps(enc, 'rtrl/contract', 0, [], contract, profiler);
    },
    stored: (): StoredState => ({ buffers: stored, totalBytes }),
    destroy() {
      for (const d of [...sensSpikeDispatches, ...sensDispatches, ...contract]) d.destroy();
      run.destroy();
    },
  };
}
