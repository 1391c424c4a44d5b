/**
 * Factorized eligibility traces (SuperSpike / e-prop; Neftci, Mostafa & Zenke
 * 2019, §V-B eqs. 10–13; §V-A Fig. 5b, 5c; §V-C eq. 14) for feed-forward and
 * recurrent LIF layers. The float64 spec, with the list of the terms dropped
 * relative to exact forward mode (`rtrl`), is `referenceEligibility` in
 * src/reference/forward-mode.ts.
 *
 * Per sample the method keeps, besides the [B][N] neuron states, a presynaptic
 * trace pair (ε_I, ε_U) per input of every LIF layer (and per own neuron of a
 * recurrent layer, for V) and of the readout, and δ per neuron: memory
 * O(B·(inputs + neurons)), no [T] dimension and no per-synapse, per-sample state.
 * A layer whose model's sensitivity to W_ij depends on the postsynaptic neuron
 * (NeuronKernel.presynapticTraces false: QIF, ALIF) keeps instead one trace per
 * synapse and sample, t = d x_i/dW_ij through neuron i's own step (e-prop's
 * eligibility vector; its adaptation and reset included), B·N·K·k floats per
 * weight tensor (k states), in grad/synapse-eligibility; the float64 spec is
 * src/reference/synapse-traces.ts.
 * At every step n:
 *   δ_l = σ′(m_l[n]) ⊙ λ_l (m the spike's argument, U − ϑ for LIF)   grad/learning-signal
 *   dW_l += δ_lᵀ·ε_U(S_{l−1}),  dV_l += δ_lᵀ·ε_U(S_l),  dWo += c·eᵀ·ε_U(S_{L−1})   linear/matmul
 *     (per-synapse traces: dW_ij += Σ_b δ_i·d margin(t_ij), then t to n+1   grad/synapse-eligibility)
 *   ε ← trace step with S[n]                        grad/presynaptic-trace
 * λ of the top layer (and of every layer for 'direct' and 'local') is e·F·c·h[n]
 * (e = dL/dlogits, F the feedback matrix, h[n] the readout's summed response to a
 * spike at n, c = 1/T for 'mean', 1 for 'sum'); lower layers take λ_l = δ_{l+1}·F_{l+1}.
 *
 * Sequence mode (default): encodeForward runs the network and the loss, giving
 * the exact e; encodeBackward replays the T steps with the traces (the input is
 * read again; nothing else is stored) and writes the gradient. With
 * `BatchShape.inputWindow: k` the input holds only k steps and is written window
 * by window (`MethodRun.inputWindows`) just before those steps run, in the
 * forward pass and again in the replay, so no buffer grows with T. Where the
 * dropped terms vanish — one feed-forward hidden layer, reset 'subtract' with
 * detachReset, 'symmetric' — it equals surrogate BPTT.
 * Online mode (`updateEvery: k`): one pass; e at step n is the running estimate
 * from the logits so far (loss/online-error), and `online.encodeChunk` records k
 * steps at a time so the trainer can apply the optimizer within the sequence.
 */
import type { Dispatch } from '../../kernels/kernel.js';
import { matmul } from '../../kernels/linear/matmul.js';
import { presynapticTrace } from '../../kernels/grad/presynaptic-trace.js';
import { learningSignal } from '../../kernels/grad/learning-signal.js';
import { synapseEligibility } from '../../kernels/grad/synapse-eligibility.js';
import { onlineError } from '../../kernels/loss/online-error.js';
import type { CrossEntropy } from '../../kernels/loss/cross-entropy.js';
import type { GpuNetwork } from '../layers/network.js';
import type { Profiler } from '../gpu/profiler.js';
import type { NetworkSpec } from '../model/network.js';
import { createRng } from '../random.js';
import type { FeedbackMatrices, LearningSignal } from './learning-signal.js';
import { requireSupport, SUPPORTED, type BatchShape, type GradientMethod, type InputWindows, type MethodRun, type OnlineUpdates, type StoredState } from './method.js';
import { stepwise } from './stepwise.js';

export type { LearningSignal, FeedbackMatrices } from './learning-signal.js';
export const LEARNING_SIGNALS: readonly LearningSignal[] = ['symmetric', 'feedback-alignment', 'direct', 'local'];

export interface EligibilityOptions {
  /** how the output error reaches the hidden layers (default 'symmetric') */
  signal?: LearningSignal;
  /** update the weights every k steps within a sequence (online); default: once per sequence */
  updateEvery?: number;
  /** seed of the fixed random feedback matrices (default 1) */
  feedbackSeed?: number;
}

export type EligibilityRun = MethodRun & { readonly feedback: FeedbackMatrices };

/** The fixed random matrices of `signal` for `spec`, U(−1/√rows, 1/√rows), row-major. */
export function feedbackMatrices(spec: NetworkSpec, signal: LearningSignal, seed = 1): FeedbackMatrices {
  const rng = createRng(seed);
  const m = (rows: number, cols: number) => Float32Array.from({ length: rows * cols }, () => rng.uniform(-1, 1) / Math.sqrt(rows));
  const sizes = [spec.inputs, ...spec.hidden.map((h) => h.size)];
  const L = spec.hidden.length;
  if (signal === 'feedback-alignment') return { alignment: spec.hidden.map((_, l) => (l === L - 1 ? m(spec.outputs, sizes[l + 1]) : m(sizes[l + 2], sizes[l + 1]))) };
  if (signal === 'direct') return { direct: spec.hidden.map((h) => m(spec.outputs, h.size)) };
  if (signal === 'local') return { local: spec.hidden.map((h) => m(spec.outputs, h.size)) };
  return {};
}

export function eligibility(options: EligibilityOptions = {}): GradientMethod {
  const signal = options.signal ?? 'symmetric';
  if (!LEARNING_SIGNALS.includes(signal)) throw new RangeError(`unknown learning signal '${signal}' (${LEARNING_SIGNALS.join(', ')})`);
  const k = options.updateEvery;
  if (k !== undefined && !(Number.isInteger(k) && k > 0)) throw new RangeError(`updateEvery must be a positive integer number of steps, got ${k}`);
  const method: GradientMethod = {
    name: 'eligibility',
    description: `factorized eligibility traces (${signal} learning signal${k ? `, online updates every ${k} steps` : ''})`,
    exact: false,
    inputKind: 'dense-steps',
    supports: (spec) => (spec.readoutReduce === 'max'
      ? { ok: false, reason: "eligibility traces need readout 'mean' or 'sum' (a 'max' readout has no per-step error); use rtrl or bptt for 'max'" }
      : SUPPORTED),
    bind(net: GpuNetwork, shape: BatchShape): EligibilityRun {
      requireSupport(method, net.spec);
      return bindEligibility(method, net, shape, signal, k, options.feedbackSeed ?? 1);
    },
  };
  return method;
}

function bindEligibility(method: GradientMethod, net: GpuNetwork, shape: BatchShape, signal: LearningSignal, updateEvery: number | undefined, seed: number): EligibilityRun {
  const { device, spec } = net;
  const run = stepwise(net, shape, 'eligibility', true);
  const { batch: B, steps: T } = shape;
  const p = spec.neuron;
  const L = spec.hidden.length;
  const O = spec.outputs;
  const sizes = [spec.inputs, ...spec.hidden.map((h) => h.size)];
  const c = spec.readoutReduce === 'mean' ? 1 / T : 1;
  const online = updateEvery !== undefined;
  const feedback = feedbackMatrices(spec, signal, seed);
  const fbBuffers = (list?: Float32Array[]) => list?.map((a, l) => run.buffer(`feedback.${l}`, a.length)).map((b, l) => {
    device.queue.writeBuffer(b, 0, list[l].buffer, list[l].byteOffset, list[l].byteLength);
    return b;
  });
  const alignment = fbBuffers(feedback.alignment);
  const direct = fbBuffers(feedback.direct);
  const local = fbBuffers(feedback.local);

  const dispatches: Dispatch[] = [];
  const add = <D extends Dispatch>(d: D) => (dispatches.push(d), d);
  const traceClear: GPUBuffer[] = [];
  const trace = (label: string, K: number, spikes: GPUBuffer, inputSequence: boolean) => {
    const traceI = run.buffer(`${label}/trace-i`, B * K, true);
    const traceU = run.buffer(`${label}/trace-u`, B * K, true);
    traceClear.push(traceI, traceU);
    const step = add(presynapticTrace(device, { clock: run.clock, spikes, inputSequence, inputRows: run.inputRows, traceI, traceU, batch: B, inputs: K, alpha: p.alpha, beta: p.beta }));
    return { traceU, step };
  };

  // readouts whose error drives learning, and their per-step error buffers
  const readouts: { step: Dispatch; logits: GPUBuffer; g: GPUBuffer; loss: CrossEntropy; err: GPUBuffer; onlineErr?: ReturnType<typeof onlineError> }[] = [];
  const addErr = (label: string, step: Dispatch, logits: GPUBuffer, g: GPUBuffer, loss: CrossEntropy) => {
    let err = g;
    let onlineErr: ReturnType<typeof onlineError> | undefined;
    if (online) {
      err = run.buffer(`${label}/online-error`, B * O, true);
      onlineErr = add(onlineError(device, { clock: run.clock, logits, labels: run.labels, err, batch: B, outputs: O, steps: T }));
    }
    readouts.push({ step, logits, g, loss, err, onlineErr });
  };
  addErr('readout', run.readoutStep, run.readout.logits, run.gradLogits, run.loss);
  const localIndex: number[] = [];
  if (local) {
    local.forEach((G, l) => {
      const r = run.addReadout(`local.${l}`, l, G);
      localIndex[l] = readouts.length;
      addErr(`local.${l}`, r.step, r.state.logits, r.gradLogits, r.loss);
    });
  }

  const perStep: Dispatch[] = [...run.spikes, ...readouts.map((r) => r.step)];
  for (const r of readouts) if (r.onlineErr) perStep.push(r.onlineErr);
  // readout weights: exact, dWo += c·eᵀ·ε_U(S_{L−1})
  const out = trace('readout', sizes[L], run.layers[L - 1].spikes, false);
  perStep.push(add(matmul(device, { a: readouts[0].err, b: out.traceU, c: net.readout.grad, m: O, n: sizes[L], k: B, transA: true, accumulate: true, scale: c })));
  const traceSteps: Dispatch[] = [out.step];
  const deltas: GPUBuffer[] = [];
  for (let l = L - 1; l >= 0; l--) {
    const N = sizes[l + 1];
    const K = sizes[l];
    const delta = (deltas[l] = run.buffer(`hidden.${l}/delta`, B * N, true));
    const fromError = (err: GPUBuffer, F: GPUBuffer) => {
      perStep.push(add(matmul(device, { a: err, b: F, c: delta, m: B, n: N, k: O })));
      perStep.push(add(learningSignal(device, { clock: run.clock, state: run.layers[l].state, delta, batch: B, neurons: N, steps: T, neuron: run.layers[l].neuron, readout: p, surrogate: spec.surrogate, responseScale: c })));
    };
    if (signal === 'direct') fromError(readouts[0].err, direct![l]);
    else if (signal === 'local') fromError(readouts[localIndex[l]].err, local![l]);
    else if (l === L - 1) fromError(readouts[0].err, signal === 'symmetric' ? net.readout.weights : alignment![l]);
    else {
      const F = signal === 'symmetric' ? net.hidden[l + 1].w.weights : alignment![l];
      perStep.push(add(matmul(device, { a: deltas[l + 1], b: F, c: delta, m: B, n: N, k: sizes[l + 2] })));
      perStep.push(add(learningSignal(device, { clock: run.clock, state: run.layers[l].state, delta, batch: B, neurons: N, steps: T, neuron: run.layers[l].neuron, readout: p, surrogate: spec.surrogate })));
    }
    const sources: { label: string; spikes: GPUBuffer; inputSequence: boolean; K: number; grad: GPUBuffer }[] = [
      { label: 'input', spikes: l === 0 ? run.input : run.layers[l - 1].spikes, inputSequence: l === 0, K, grad: net.hidden[l].w.grad },
    ];
    if (net.hidden[l].v) sources.push({ label: 'recurrent', spikes: run.layers[l].spikes, inputSequence: false, K: N, grad: net.hidden[l].v!.grad });
    const { neuron, state } = run.layers[l];
    for (const src of sources) {
      if (neuron.presynapticTraces) {
        const pre = trace(`hidden.${l}/${src.label}`, src.K, src.spikes, src.inputSequence);
        traceSteps.push(pre.step);
        perStep.push(add(matmul(device, { a: delta, b: pre.traceU, c: src.grad, m: N, n: src.K, k: B, transA: true, accumulate: true })));
      } else {
        const traces = run.buffer(`hidden.${l}/${src.label}/synapse-traces`, B * N * src.K * neuron.stateFloats, true);
        traceClear.push(traces);
        perStep.push(add(synapseEligibility(device, {
          clock: run.clock, source: src.spikes, inputSequence: src.inputSequence, inputRows: run.inputRows, state, delta, traces, grad: src.grad,
          batch: B, neurons: N, sources: src.K, neuron, surrogate: spec.surrogate,
        })));
      }
    }
  }
  perStep.push(...run.updates, ...traceSteps, run.tick);
  const forwardStep: Dispatch[] = [...run.spikes, ...readouts.map((r) => r.step), ...run.updates, run.tick];
  const losses: Dispatch[] = [run.loss.loss, run.loss.accumulate, ...readouts.slice(1).map((r) => r.loss.loss)];

  // input windows: k = run.inputRows steps, window w written before step k·w
  const windowed = shape.inputWindow !== undefined;
  const W = run.inputRows;
  let writeWindow: ((enc: GPUCommandEncoder, window: number) => void) | undefined;
  const inputWindows: InputWindows | undefined = windowed
    ? { steps: W, count: Math.ceil(T / W), clock: run.clock, setWriter: (write) => void (writeWindow = write) }
    : undefined;
  /** steps [t0, t1) of `list` (then `after`), in one compute pass per input window */
  const pass = (enc: GPUCommandEncoder, label: string, t0: number, t1: number, list: readonly Dispatch[], after: readonly Dispatch[], profiler?: Profiler) => {
    for (let n = t0; n < t1; ) {
      const end = windowed ? Math.min(t1, (Math.floor(n / W) + 1) * W) : t1;
      if (windowed && n % W === 0) {
        if (!writeWindow) throw new Error('eligibility: the input is read in windows (BatchShape.inputWindow) but no window writer was set (inputWindows.setWriter)');
        writeWindow(enc, n / W);
      }
      const cp = enc.beginComputePass({ label, timestampWrites: profiler?.enabled ? profiler.pass(label) : undefined });
      for (; n < end; n++) for (const d of list) d.encode(cp);
      if (end === t1) for (const d of after) d.encode(cp);
      cp.end();
    }
  };
  const clearGrads = (enc: GPUCommandEncoder) => {
    for (const prm of net.params) enc.clearBuffer(prm.grad);
  };
  const start = (enc: GPUCommandEncoder) => {
    run.clear(enc);
    for (const b of traceClear) enc.clearBuffer(b);
  };

  const chunks: OnlineUpdates | undefined = online
    ? {
        chunkSteps: updateEvery!,
        chunks: Math.ceil(T / updateEvery!),
        encodeChunk(enc, chunk, profiler) {
          const t0 = chunk * updateEvery!;
          if (!(Number.isInteger(chunk) && chunk >= 0 && t0 < T)) throw new RangeError(`chunk must be 0…${Math.ceil(T / updateEvery!) - 1}, got ${chunk}`);
          const t1 = Math.min(T, t0 + updateEvery!);
          if (chunk === 0) start(enc);
          clearGrads(enc);
          pass(enc, `eligibility/chunk`, t0, t1, perStep, t1 === T ? losses : [], profiler);
        },
      }
    : undefined;

  const stored = run.stored;
  const totalBytes = stored.reduce((s, x) => s + x.bytes, 0);
  const observables = new Map<string, { buffer: GPUBuffer; shape: readonly number[] }>([
    ['readout.logits', { buffer: run.readout.logits, shape: [B, O] }],
  ]);
  return {
    method, shape, inputKind: 'dense-steps', input: run.input, inputWindows, labels: run.labels, metrics: run.metrics, sampleStats: run.sampleStats,
    observables, feedback, online: chunks,
    setValid(v) {
      for (const r of readouts) {
        r.loss.setValid(v);
        r.onlineErr?.uniforms.write({ valid: v });
      }
    },
    encodeForward(enc, profiler) {
      start(enc);
      pass(enc, 'eligibility/forward', 0, T, forwardStep, losses, profiler);
    },
    encodeBackward(enc, profiler) {
      // sequence mode: replay with the exact error of encodeForward; online mode:
      // the whole sequence as one chunk (running error), without a weight update
      start(enc);
      clearGrads(enc);
      pass(enc, 'eligibility/traces', 0, T, perStep, [], profiler);
    },
    stored: (): StoredState => ({ buffers: stored, totalBytes }),
    destroy() {
      for (const d of dispatches) d.destroy();
      run.destroy();
    },
  };
}
