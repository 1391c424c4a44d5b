/**
 * Float64 reference of forward-mode (online) gradients for the discrete network
 * of `lif-network.ts`: the executable spec of the GPU methods `rtrl()` (LIF
 * layers; for every model rtrl equals `referenceBackward`) and `eligibility()`.
 *
 * 1. Exact forward mode (RTRL; Neftci, Mostafa & Zenke 2019, §III-B, eq. 8 with
 *    Θ′ → σ′). For every parameter θ_p of layer m and every state of the layers
 *    l ≥ m and of the readout, the sensitivities dU/dθ_p, dI/dθ_p are carried
 *    forward in time, starting from zero, with dS_l[n] = σ′(U_l[n] − ϑ)·dU_l[n]:
 *
 *      dI_l[n+1] = α·dI_l[n] + W_l·dS_{l−1}[n] (l > m) + V_l·dS_l[n]
 *                  + [l = m] e_i·S_src,j[n]     (θ = W_ij: S_src = S_in; θ = V_ij: S_src = S_l)
 *      dU_l[n+1] = β·dU_l[n] + dI_l[n] − ϑ·dS_l[n]                 reset 'subtract'
 *      dU_l[n+1] = β·(1 − S_l[n])·dU_l[n] + dI_l[n] − β·U_l[n]·dS_l[n]   reset 'zero'
 *      (the dS term of the reset is dropped when detachReset; the (1 − S) factor stays)
 *      dIo[n+1] = α·dIo[n] + Wo·dS_{L−1}[n] + [θ = Wo_kj] e_k·S_{L−1,j}[n],  dUo[n+1] = β·dUo[n] + dIo[n]
 *
 *    The logits are linear in y[n] = Uo[n] for 'mean'/'sum' (logit = c·Σ_n y[n],
 *    c = 1/T or 1), so their sensitivities are accumulated, Q += c·dUo[n]; for
 *    'max' the logit is y[n*] at the first argmax n*, so Q takes dUo[n] whenever
 *    y[n] is a new running maximum (n = 0, or y[n] > max_{m<n} y[m]). At the end,
 *    with g = dL/dlogits = (softmax − onehot)/B, dL/dθ_p = Σ_b Σ_o g[b,o]·Q[b,o,p]:
 *    the cross-entropy derivative is applied once to the exactly reduced readout,
 *    so this equals surrogate BPTT (`referenceBackward`) for every reduction.
 *
 * 2. Factorized eligibility traces (SuperSpike / e-prop; §V-B eqs. 10–13).
 *    Per layer, a presynaptic trace per input j (and per own neuron for V):
 *      ε_I[n+1] = α·ε_I[n] + S_j[n],   ε_U[n+1] = β·ε_U[n] + ε_I[n]
 *    a postsynaptic factor per neuron ψ_i[n] = σ′(U_i[n] − ϑ) and a learning
 *    signal λ_i[n]; the update is dW_ij += Σ_n δ_i[n]·ε_U,j[n], δ_i = ψ_i·λ_i.
 *    ε_U,j[n] stands for dU_i[n]/dW_ij. Compared with exact forward mode this
 *    drops (a) the reset terms −ϑ·dS (subtract) and the factor (1 − S)/−β·U·dS
 *    (zero) in dU, (b) the recurrent terms V·dS_l in dI (other neurons'
 *    sensitivities), (c) the sensitivities of the layers above layer m to W_m,
 *    replaced by the learning signal. λ of the top layer is the derivative of the
 *    loss w.r.t. S_{L−1,i}[n] through the readout:
 *      ∂L/∂S_i[n] = Σ_o F[o,i]·g[o]·c·h[n],   h[n] = Σ_{d=2}^{T−1−n} κ(d),
 *      κ(d) = Σ_{a=0}^{d−2} α^a·β^{d−2−a}   (readout response at n+d to a spike at n)
 *    with F = Wo ('symmetric'), a fixed random G ('feedback-alignment'), a fixed
 *    random H_l for every layer ('direct'); lower layers get
 *    λ_l = F_{l+1}ᵀ·δ_{l+1} (Wᵀ or G, same step n: the temporal filter of the
 *    layer above is dropped too). 'local' (eq. 14): every layer has a fixed random
 *    readout G_l (same leaky integrator, same reduction) and its own
 *    cross-entropy; λ_l = G_lᵀ·g_l·c·h[n]. The readout weights always get their
 *    exact gradient Σ_n g·c·ε_U(S_{L−1})[n].
 *    Equal to BPTT when (a)–(c) vanish: one feed-forward hidden layer, reset
 *    'subtract' with detachReset, 'symmetric', readout 'mean' or 'sum'.
 *    A layer whose model is not LIF (QIF, ALIF: its sensitivity to W_ij depends
 *    on the postsynaptic state) keeps per-synapse traces instead
 *    (synapse-traces.ts): they follow the neuron's whole own step, so only (b)
 *    and (c) are dropped, and ψ_i = σ′ at the model's spike argument.
 *    With `updateEvery` = k (online), g is not known before the end: at step n
 *    it is the running estimate g̃[n] = (softmax(r[n]) − onehot)/B of the logits
 *    so far, r[n] = Σ_{m≤n} y[m]/(n+1) ('mean') or T·Σ_{m≤n} y[m]/(n+1) ('sum'),
 *    and the gradient is returned per chunk of k steps (weights held fixed here).
 */
import type { NetworkSpec } from '../model/network.js';
import type { FeedbackMatrices, LearningSignal } from '../methods/learning-signal.js';
import { neuronKernel, neuronOfLayer } from '../neurons/registry.js';
import { referenceStepOfLayer } from './neurons/index.js';
import { synapseTraces, type SynapseTraces } from './synapse-traces.js';
import {
  parameterRefs, paramTensor, referenceForward, type ReferenceForwardResult, type WeightsLike,
} from './lif-network.js';

export interface ForwardModeGradients {
  hidden: { w: Float64Array; v?: Float64Array }[];
  readout: Float64Array;
}

function sizesOf(spec: NetworkSpec): number[] {
  return [spec.inputs, ...spec.hidden.map((h) => h.size)];
}

/** (softmax(logits_b) − onehot(label_b)) / B, [B][O]. */
function logitGradient(logits: ArrayLike<number>, labels: ArrayLike<number>, batch: number, outputs: number, scale = 1 / batch): Float64Array {
  const g = new Float64Array(batch * outputs);
  for (let b = 0; b < batch; b++) {
    let m = -Infinity;
    for (let o = 0; o < outputs; o++) m = Math.max(m, logits[b * outputs + o]);
    let z = 0;
    for (let o = 0; o < outputs; o++) z += Math.exp(logits[b * outputs + o] - m);
    for (let o = 0; o < outputs; o++) {
      g[b * outputs + o] = (Math.exp(logits[b * outputs + o] - m) / z - (o === labels[b] ? 1 : 0)) * scale;
    }
  }
  return g;
}

function emptyGradients(spec: NetworkSpec): ForwardModeGradients {
  const sizes = sizesOf(spec);
  return {
    hidden: spec.hidden.map((h, l) => (h.recurrent
      ? { w: new Float64Array(h.size * sizes[l]), v: new Float64Array(h.size * h.size) }
      : { w: new Float64Array(h.size * sizes[l]) })),
    readout: new Float64Array(spec.outputs * sizes[sizes.length - 1]),
  };
}

/**
 * Exact forward-mode surrogate gradients (RTRL) of the batch-mean loss. Returns
 * the forward pass (`referenceForward`, Heaviside spikes) and dL/dθ for every
 * weight tensor; equal to `referenceBackward` up to round-off.
 */
export function referenceRtrl(
  spec: NetworkSpec,
  weights: WeightsLike,
  input: ArrayLike<number>,
  steps: number,
  batch: number,
  labels: ArrayLike<number>,
): { forward: ReferenceForwardResult; gradients: ForwardModeGradients } {
  const forward = referenceForward(spec, weights, input, steps, batch, labels);
  const sizes = sizesOf(spec);
  const L = spec.hidden.length;
  const O = spec.outputs;
  const nL = sizes[L];
  const { alpha, beta, threshold, reset, detachReset } = spec.neuron;
  const sg = spec.surrogate;
  const g = logitGradient(forward.logits, labels, batch, O);
  const c = spec.readoutReduce === 'mean' ? 1 / steps : 1;
  const y = forward.readout.U;
  const grads = emptyGradients(spec);
  const spikesOf = (l: number): ArrayLike<number> => (l < 0 ? input : forward.layers[l].S);

  for (const ref of parameterRefs(spec)) {
    const m = ref.kind === 'readout' ? L : ref.layer; // layer that owns θ
    const P = paramTensor(weights, ref).length;
    const cols = ref.kind === 'w' ? sizes[m] : ref.kind === 'v' ? sizes[m + 1] : nL;
    const out = paramTensor(grads, ref);
    for (let b = 0; b < batch; b++) {
      const dU: Float64Array[] = [];
      const dI: Float64Array[] = [];
      for (let l = m; l < L; l++) {
        dU[l] = new Float64Array(sizes[l + 1] * P);
        dI[l] = new Float64Array(sizes[l + 1] * P);
      }
      let dUo = new Float64Array(O * P);
      let dIo = new Float64Array(O * P);
      const Q = new Float64Array(O * P);
      const runMax = new Float64Array(O);
      for (let n = 0; n < steps; n++) {
        // dS_l[n] = σ′(U_l[n] − ϑ)·dU_l[n]
        const dS: Float64Array[] = [];
        for (let l = m; l < L; l++) {
          const N = sizes[l + 1];
          const U = forward.layers[l].U;
          dS[l] = new Float64Array(N * P);
          for (let i = 0; i < N; i++) {
            const s = sg.derivative(U[(n * batch + b) * N + i] - threshold);
            for (let p = 0; p < P; p++) dS[l][i * P + p] = s * dU[l][i * P + p];
          }
        }
        // logit sensitivities: y[n] = Uo[n]
        for (let o = 0; o < O; o++) {
          const yn = y[(n * batch + b) * O + o];
          if (spec.readoutReduce === 'max') {
            if (n === 0 || yn > runMax[o]) {
              runMax[o] = yn;
              for (let p = 0; p < P; p++) Q[o * P + p] = dUo[o * P + p];
            }
          } else {
            for (let p = 0; p < P; p++) Q[o * P + p] += c * dUo[o * P + p];
          }
        }
        if (n + 1 === steps) break;
        // readout: dIo[n+1] = α·dIo + Wo·dS_{L−1} (+ direct), dUo[n+1] = β·dUo + dIo
        const nIo = new Float64Array(O * P);
        const nUo = new Float64Array(O * P);
        const sLn = spikesOf(L - 1);
        for (let o = 0; o < O; o++) {
          for (let p = 0; p < P; p++) {
            let cur = alpha * dIo[o * P + p];
            if (m < L) for (let k = 0; k < nL; k++) cur += weights.readout[o * nL + k] * dS[L - 1][k * P + p];
            if (ref.kind === 'readout' && Math.floor(p / cols) === o) cur += sLn[(n * batch + b) * nL + (p % cols)];
            nIo[o * P + p] = cur;
            nUo[o * P + p] = beta * dUo[o * P + p] + dIo[o * P + p];
          }
        }
        dIo = nIo;
        dUo = nUo;
        // hidden layers l ≥ m (eq. 8 with the synaptic current and reset of the LIF)
        for (let l = m; l < L; l++) {
          const N = sizes[l + 1];
          const K = sizes[l];
          const w = weights.hidden[l].w;
          const v = weights.hidden[l].v;
          const { U, S } = forward.layers[l];
          const src = ref.kind === 'v' ? S : spikesOf(l - 1);
          const srcN = ref.kind === 'v' ? N : K;
          const nI = new Float64Array(N * P);
          const nU = new Float64Array(N * P);
          for (let i = 0; i < N; i++) {
            const at = (n * batch + b) * N + i;
            const keep = reset === 'zero' ? 1 - S[at] : 1;
            const resetGain = detachReset ? 0 : reset === 'subtract' ? threshold : beta * U[at];
            for (let p = 0; p < P; p++) {
              let cur = alpha * dI[l][i * P + p];
              if (l > m) for (let k = 0; k < K; k++) cur += w[i * K + k] * dS[l - 1][k * P + p];
              if (v) for (let k = 0; k < N; k++) cur += v[i * N + k] * dS[l][k * P + p];
              if (l === m && Math.floor(p / cols) === i) cur += src[(n * batch + b) * srcN + (p % cols)];
              nI[i * P + p] = cur;
              nU[i * P + p] = beta * keep * dU[l][i * P + p] + dI[l][i * P + p] - resetGain * dS[l][i * P + p];
            }
          }
          dI[l] = nI;
          dU[l] = nU;
        }
      }
      for (let o = 0; o < O; o++) {
        const go = g[b * O + o];
        for (let p = 0; p < P; p++) out[p] += go * Q[o * P + p];
      }
    }
  }
  return { forward, gradients: grads };
}

/** h[n] = Σ_{d=2}^{T−1−n} κ(d): summed response of the readout y[n+1…T−1] to a unit spike at n. */
export function readoutResponse(alpha: number, beta: number, steps: number, n: number): number {
  let h = 0;
  let kappa = 0; // κ(d)
  let alphaPow = 1; // α^{d−2}
  for (let d = 2; d <= steps - 1 - n; d++) {
    if (d > 2) alphaPow *= alpha;
    kappa = d === 2 ? 1 : beta * kappa + alphaPow; // κ(d) = β·κ(d−1) + α^{d−2}
    h += kappa;
  }
  return h;
}

export type { FeedbackMatrices, LearningSignal };

export interface EligibilityOptions {
  signal: LearningSignal;
  feedback?: FeedbackMatrices;
  /** online: a gradient per chunk of this many steps from the running error */
  updateEvery?: number;
}

/** Leaky-integrator readout of `spikes` ([T][B][K]) through `w` ([O][K]), reduced to logits [B][O]. */
function readoutLogits(spec: NetworkSpec, w: ArrayLike<number>, spikes: ArrayLike<number>, K: number, steps: number, batch: number): { y: Float64Array; logits: Float64Array } {
  const O = spec.outputs;
  const { alpha, beta } = spec.neuron;
  const y = new Float64Array(steps * batch * O);
  const logits = new Float64Array(batch * O);
  for (let b = 0; b < batch; b++) {
    for (let o = 0; o < O; o++) {
      let io = 0;
      let uo = 0;
      let acc = 0;
      for (let n = 0; n < steps; n++) {
        y[(n * batch + b) * O + o] = uo;
        acc = spec.readoutReduce === 'max' ? (n === 0 ? uo : Math.max(acc, uo)) : acc + uo;
        let drive = 0;
        for (let k = 0; k < K; k++) drive += w[o * K + k] * spikes[(n * batch + b) * K + k];
        uo = beta * uo + io;
        io = alpha * io + drive;
      }
      logits[b * O + o] = spec.readoutReduce === 'mean' ? acc / steps : acc;
    }
  }
  return { y, logits };
}

/**
 * Factorized eligibility-trace gradients (see the header). Sequence mode returns
 * one gradient of the batch-mean loss; online mode (`updateEvery`) returns one
 * per chunk of steps, the weights held fixed over the sequence.
 */
export function referenceEligibility(
  spec: NetworkSpec,
  weights: WeightsLike,
  input: ArrayLike<number>,
  steps: number,
  batch: number,
  labels: ArrayLike<number>,
  options: EligibilityOptions,
): { forward: ReferenceForwardResult; gradients: ForwardModeGradients[] } {
  if (spec.readoutReduce === 'max') throw new RangeError("eligibility traces need readout 'mean' or 'sum' (the 'max' readout has no per-step error)");
  const forward = referenceForward(spec, weights, input, steps, batch, labels);
  const sizes = sizesOf(spec);
  const L = spec.hidden.length;
  const O = spec.outputs;
  const { alpha, beta } = spec.neuron;
  const c = spec.readoutReduce === 'mean' ? 1 / steps : 1;
  const spikesOf = (l: number): ArrayLike<number> => (l < 0 ? input : forward.layers[l].S);
  const fb = options.feedback ?? {};
  const need = (what: keyof FeedbackMatrices) => {
    const list = fb[what];
    if (!list || list.length !== L) throw new RangeError(`signal '${options.signal}' needs ${L} feedback matrices in feedback.${what}`);
    return list;
  };
  // readouts whose error drives learning: the network's, and with 'local' one per layer
  const readouts: { w: ArrayLike<number>; K: number; spikes: ArrayLike<number> }[] = [{ w: weights.readout, K: sizes[L], spikes: spikesOf(L - 1) }];
  if (options.signal === 'local') need('local').forEach((G, l) => readouts.push({ w: G, K: sizes[l + 1], spikes: spikesOf(l) }));
  const reduced = readouts.map((r) => readoutLogits(spec, r.w, r.spikes, r.K, steps, batch));
  const finalG = reduced.map((r) => logitGradient(r.logits, labels, batch, O));
  /** dL/dlogits at step n: exact (sequence) or from the running logits (online) */
  const errorAt = (k: number, n: number): Float64Array => {
    if (!options.updateEvery) return finalG[k];
    const y = reduced[k].y;
    const r = new Float64Array(batch * O);
    const scale = spec.readoutReduce === 'mean' ? 1 / (n + 1) : steps / (n + 1);
    for (let m = 0; m <= n; m++) for (let q = 0; q < batch * O; q++) r[q] += y[m * batch * O + q] * scale;
    return logitGradient(r, labels, batch, O);
  };

  const chunk = options.updateEvery ?? steps;
  const out: ForwardModeGradients[] = [];
  let grads = emptyGradients(spec);
  // presynaptic traces ε_U (and ε_I) of every layer's input, of recurrent layers' own spikes, of the readout's input
  const tracesIn = spec.hidden.map((_, l) => ({ i: new Float64Array(batch * sizes[l]), u: new Float64Array(batch * sizes[l]) }));
  const tracesRec = spec.hidden.map((h) => (h.recurrent ? { i: new Float64Array(batch * h.size), u: new Float64Array(batch * h.size) } : undefined));
  const traceOut = { i: new Float64Array(batch * sizes[L]), u: new Float64Array(batch * sizes[L]) };
  // layers whose model needs per-synapse traces (src/reference/synapse-traces.ts) instead of the presynaptic ones
  const models = spec.hidden.map((_, l) => referenceStepOfLayer(spec, l));
  const perSynapse = spec.hidden.map((h, l): { w: SynapseTraces; v?: SynapseTraces } | undefined => {
    if (neuronKernel(neuronOfLayer(spec, l)).presynapticTraces) return undefined;
    const { S, states } = forward.layers[l];
    const x = models[l].states.map((name) => states[name]);
    const traces = (source: ArrayLike<number>, sources: number) =>
      synapseTraces(models[l], x, S, source, (m) => spec.surrogate.derivative(m), { batch, neurons: h.size, sources });
    return { w: traces(spikesOf(l - 1), sizes[l]), v: h.recurrent ? traces(S, h.size) : undefined };
  });
  const step = (tr: { i: Float64Array; u: Float64Array }, s: ArrayLike<number>, n: number) => {
    const K = tr.i.length / batch;
    for (let q = 0; q < batch * K; q++) {
      const iOld = tr.i[q];
      tr.i[q] = alpha * iOld + s[n * batch * K + q];
      tr.u[q] = beta * tr.u[q] + iOld;
    }
  };
  for (let n = 0; n < steps; n++) {
    const h = readoutResponse(alpha, beta, steps, n);
    const err = errorAt(0, n);
    // readout: exact, dWo[o,j] += Σ_b g[b,o]·c·ε_U,j[n]
    for (let b = 0; b < batch; b++) {
      for (let o = 0; o < O; o++) {
        for (let j = 0; j < sizes[L]; j++) grads.readout[o * sizes[L] + j] += err[b * O + o] * c * traceOut.u[b * sizes[L] + j];
      }
    }
    // learning signals, top layer first; δ_l = ψ_l ⊙ λ_l
    let deltaAbove: Float64Array | undefined;
    for (let l = L - 1; l >= 0; l--) {
      const N = sizes[l + 1];
      const K = sizes[l];
      const layerStates = models[l].states.map((name) => forward.layers[l].states[name]);
      const stateAt = (b: number, i: number) => layerStates.map((x) => x[(n * batch + b) * N + i]);
      const lambda = new Float64Array(batch * N);
      const fromError = (F: ArrayLike<number>, e: Float64Array) => {
        for (let b = 0; b < batch; b++) for (let i = 0; i < N; i++) {
          let s = 0;
          for (let o = 0; o < O; o++) s += F[o * N + i] * e[b * O + o];
          lambda[b * N + i] = s * c * h;
        }
      };
      const fromAbove = (F: ArrayLike<number>, Nup: number) => {
        for (let b = 0; b < batch; b++) for (let i = 0; i < N; i++) {
          let s = 0;
          for (let k = 0; k < Nup; k++) s += F[k * N + i] * deltaAbove![b * Nup + k];
          lambda[b * N + i] = s;
        }
      };
      if (options.signal === 'direct') fromError(need('direct')[l], err);
      else if (options.signal === 'local') fromError(need('local')[l], errorAt(l + 1, n));
      else if (l === L - 1) fromError(options.signal === 'symmetric' ? weights.readout : need('alignment')[l], err);
      else fromAbove(options.signal === 'symmetric' ? weights.hidden[l + 1].w : need('alignment')[l], sizes[l + 2]);
      const delta = new Float64Array(batch * N);
      for (let b = 0; b < batch; b++) for (let i = 0; i < N; i++) {
        delta[b * N + i] = spec.surrogate.derivative(models[l].margin(stateAt(b, i))) * lambda[b * N + i];
      }
      const own = perSynapse[l];
      if (own) {
        own.w.accumulate(n, delta, grads.hidden[l].w);
        own.v?.accumulate(n, delta, grads.hidden[l].v!);
      } else for (let b = 0; b < batch; b++) for (let i = 0; i < N; i++) {
        const d = delta[b * N + i];
        for (let j = 0; j < K; j++) grads.hidden[l].w[i * K + j] += d * tracesIn[l].u[b * K + j];
        const rec = tracesRec[l];
        if (rec) for (let j = 0; j < N; j++) grads.hidden[l].v![i * N + j] += d * rec.u[b * N + j];
      }
      deltaAbove = delta;
    }
    // traces to step n+1
    spec.hidden.forEach((_, l) => {
      const own = perSynapse[l];
      if (own) {
        own.w.step(n);
        own.v?.step(n);
        return;
      }
      step(tracesIn[l], spikesOf(l - 1), n);
      if (tracesRec[l]) step(tracesRec[l]!, spikesOf(l), n);
    });
    step(traceOut, spikesOf(L - 1), n);
    if ((n + 1) % chunk === 0 || n + 1 === steps) {
      out.push(grads);
      grads = emptyGradients(spec);
    }
  }
  return { forward, gradients: out };
}
