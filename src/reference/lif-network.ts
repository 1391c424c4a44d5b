/**
 * Float64 reference of the canonical discrete-time LIF network and its
 * surrogate-gradient BPTT: the executable spec that every GPU kernel is tested
 * against. Written directly from the equations; clarity over speed.
 *
 * Model (DESIGN.md; Neftci, Mostafa & Zenke 2019, eqs. 4–5), for every hidden
 * layer l with input spikes S_in[n] (S_in of layer 0 is the network input, of
 * layer l+1 it is layer l's S[n] at the same n), steps n = 0…T−1, all states
 * zero at n = 0, P = spec.neuron (α, β, ϑ, reset, detachReset):
 *
 *   S[n]   = Θ(U[n] − ϑ)                 Θ(0) = 0: a spike iff U[n] > ϑ strictly
 *   I[n+1] = α·I[n] + W·S_in[n] + V·S[n]  (V only for recurrent layers)
 *   U[n+1] = β·U[n] + I[n] − ϑ·S[n]       reset 'subtract'
 *   U[n+1] = β·U[n]·(1 − S[n]) + I[n]     reset 'zero'
 *
 * A layer that names another neuron model (HiddenLayerSpec.neuron: QIF,
 * ALIF) steps with that model's float64 step instead (src/reference/neurons/):
 * the same drive into I, its own spike margin, state update and adjoint.
 *
 * U[T], I[T] are never used. The readout is non-spiking, same α, β:
 *   Io[n+1] = α·Io[n] + Wo·S_L[n],  Uo[n+1] = β·Uo[n] + Io[n],  y[n] = Uo[n].
 * Logits per sample reduce y over n (spec.readoutReduce): 'max' (gradient to
 * the first argmax), 'mean' or 'sum'. Loss = mean over the batch of the
 * softmax cross-entropy of (logits[b], label[b]).
 *
 * With `spike: 'smooth'` every use of S (propagation and reset) is the smooth
 * step S[n] = F(U[n] − ϑ), F = spec.surrogate.fn, whose exact gradient is the
 * surrogate BPTT of `referenceBackward` with attached reset; this is how the
 * backward pass is verified by finite differences.
 *
 * Layout: time-major everywhere. Input [T][B][N_in], states [T][B][N],
 * readout [T][B][O], logits [B][O], all flattened row-major. Weights are
 * row-major out × in (torch.nn.Linear).
 */
import type { NetworkSpec } from '../model/network.js';

export type { Float64Weights, WeightsLike } from '../model/weights.js';
import type { Float64Weights, WeightsLike } from '../model/weights.js';
import { referenceStepOfLayer } from './neurons/index.js';

export type SpikeMode = 'heaviside' | 'smooth';

export interface ReferenceForwardOptions {
  /** 'heaviside' (default): S = Θ(U − ϑ); 'smooth': S = surrogate.fn(U − ϑ) */
  spike?: SpikeMode;
}

export interface LayerTrace {
  /** membrane U[n], [T][B][N] */
  readonly U: Float64Array;
  /** synaptic current I[n], [T][B][N] */
  readonly I: Float64Array;
  /** spikes S[n] (0/1, or real-valued in 'smooth' mode), [T][B][N] */
  readonly S: Float64Array;
  /** every state of the layer's neuron model by name (I, U, and e.g. ALIF's A), [T][B][N] */
  readonly states: Readonly<Record<string, Float64Array>>;
}

export interface ReferenceForwardResult {
  readonly spike: SpikeMode;
  readonly layers: LayerTrace[];
  /** readout membrane Uo[n] (= output y[n]) and current Io[n], [T][B][O] */
  readonly readout: { readonly U: Float64Array; readonly I: Float64Array };
  /** [B][O] */
  readonly logits: Float64Array;
  /** mean over the batch of softmax cross-entropy */
  readonly loss: number;
  /** number of samples with argmax(logits) == label (first argmax on ties) */
  readonly correct: number;
}

export interface ReferenceGradients {
  /** dL/dW (and dL/dV for recurrent layers), same shapes as the weights */
  hidden: { w: Float64Array; v?: Float64Array }[];
  /** dL/dWo, outputs × size_{L−1} */
  readout: Float64Array;
  /** dL/dS_in, [T][B][N_in] */
  inputGrad: Float64Array;
}

// ---------------------------------------------------------------------------
// validation
// ---------------------------------------------------------------------------

function layerSizes(spec: NetworkSpec): number[] {
  return [spec.inputs, ...spec.hidden.map((h) => h.size)];
}

function checkArgs(
  spec: NetworkSpec,
  weights: WeightsLike,
  input: ArrayLike<number>,
  steps: number,
  batch: number,
  labels: ArrayLike<number>,
): void {
  if (!(Number.isInteger(steps) && steps > 0)) throw new RangeError(`steps must be a positive integer, got ${steps}`);
  if (!(Number.isInteger(batch) && batch > 0)) throw new RangeError(`batch must be a positive integer, got ${batch}`);
  if (spec.hidden.length === 0) throw new RangeError('network needs at least one hidden layer');
  if (weights.hidden.length !== spec.hidden.length) {
    throw new RangeError(`weights have ${weights.hidden.length} hidden layers, spec has ${spec.hidden.length}`);
  }
  const sizes = layerSizes(spec);
  spec.hidden.forEach((layer, l) => {
    const wl = weights.hidden[l];
    if (wl.w.length !== layer.size * sizes[l]) {
      throw new RangeError(`hidden[${l}].w has ${wl.w.length} entries, expected ${layer.size}×${sizes[l]}`);
    }
    if (layer.recurrent) {
      if (!wl.v || wl.v.length !== layer.size * layer.size) {
        throw new RangeError(`hidden[${l}].v must have ${layer.size}×${layer.size} entries (recurrent layer)`);
      }
    } else if (wl.v !== undefined) {
      throw new RangeError(`hidden[${l}].v given for a non-recurrent layer`);
    }
  });
  const last = sizes[sizes.length - 1];
  if (weights.readout.length !== spec.outputs * last) {
    throw new RangeError(`readout has ${weights.readout.length} entries, expected ${spec.outputs}×${last}`);
  }
  if (input.length !== steps * batch * spec.inputs) {
    throw new RangeError(`input has ${input.length} entries, expected T×B×N_in = ${steps}×${batch}×${spec.inputs}`);
  }
  if (labels.length !== batch) throw new RangeError(`labels has ${labels.length} entries, expected batch = ${batch}`);
  for (let b = 0; b < batch; b++) {
    const y = labels[b];
    if (!(Number.isInteger(y) && y >= 0 && y < spec.outputs)) {
      throw new RangeError(`labels[${b}] = ${y} is not a class index in [0, ${spec.outputs})`);
    }
  }
}

// ---------------------------------------------------------------------------
// forward
// ---------------------------------------------------------------------------

/**
 * One hidden layer over all steps, with its neuron model's float64 step
 * (src/reference/neurons/): returns its U, I, S and every state ([T][B][N]).
 * `sIn` is [T][B][nIn].
 */
function forwardHiddenLayer(
  spec: NetworkSpec,
  l: number,
  spike: SpikeMode,
  w: ArrayLike<number>,
  v: ArrayLike<number> | undefined,
  sIn: ArrayLike<number>,
  nIn: number,
  n: number,
  steps: number,
  batch: number,
): LayerTrace {
  const model = referenceStepOfLayer(spec, l);
  const surrogate = spec.surrogate;
  const states = model.states.map(() => new Float64Array(steps * batch * n));
  const S = new Float64Array(steps * batch * n);
  const at = (t: number, b: number) => (t * batch + b) * n; // offset of [t][b][0]
  const stateAt = (k: number) => states.map((x) => x[k]);
  const rest = model.rest();
  for (let b = 0; b < batch; b++) for (let i = 0; i < n; i++) rest.forEach((r, j) => (states[j][at(0, b) + i] = r));
  for (let t = 0; t < steps; t++) {
    for (let b = 0; b < batch; b++) {
      const o = at(t, b);
      // S[n] = Θ(margin) (spike iff margin > 0), or F(margin) in smooth mode
      for (let i = 0; i < n; i++) {
        const m = model.margin(stateAt(o + i));
        S[o + i] = spike === 'smooth' ? surrogate.fn(m) : m > 0 ? 1 : 0;
      }
      if (t + 1 === steps) continue; // the state at T is never used
      const o1 = at(t + 1, b);
      const inOff = (t * batch + b) * nIn;
      for (let i = 0; i < n; i++) {
        // drive[n] = W·S_in[n] + V·S[n]
        let drive = 0;
        for (let j = 0; j < nIn; j++) drive += w[i * nIn + j] * sIn[inOff + j];
        if (v) for (let j = 0; j < n; j++) drive += v[i * n + j] * S[o + j];
        model.step(stateAt(o + i), S[o + i], drive).forEach((x, j) => (states[j][o1 + i] = x));
      }
    }
  }
  const named = Object.fromEntries(model.states.map((name, j) => [name, states[j]]));
  return { U: named.U, I: named.I, S, states: named };
}

function reduceReadout(
  spec: NetworkSpec,
  y: Float64Array,
  steps: number,
  batch: number,
): Float64Array {
  const O = spec.outputs;
  const logits = new Float64Array(batch * O);
  for (let b = 0; b < batch; b++) {
    for (let o = 0; o < O; o++) {
      let acc = spec.readoutReduce === 'max' ? -Infinity : 0;
      for (let t = 0; t < steps; t++) {
        const v = y[(t * batch + b) * O + o];
        acc = spec.readoutReduce === 'max' ? Math.max(acc, v) : acc + v;
      }
      logits[b * O + o] = spec.readoutReduce === 'mean' ? acc / steps : acc;
    }
  }
  return logits;
}

/** softmax of row b of logits [B][O] (max-shifted). */
function softmaxRow(logits: Float64Array, b: number, O: number): Float64Array {
  let m = -Infinity;
  for (let o = 0; o < O; o++) m = Math.max(m, logits[b * O + o]);
  const p = new Float64Array(O);
  let z = 0;
  for (let o = 0; o < O; o++) z += p[o] = Math.exp(logits[b * O + o] - m);
  for (let o = 0; o < O; o++) p[o] /= z;
  return p;
}

/**
 * Forward pass of the network over T = `steps` steps for a batch.
 * `input` is [T][B][N_in]; `labels` holds B class indices.
 */
export function referenceForward(
  spec: NetworkSpec,
  weights: WeightsLike,
  input: ArrayLike<number>,
  steps: number,
  batch: number,
  labels: ArrayLike<number>,
  options: ReferenceForwardOptions = {},
): ReferenceForwardResult {
  checkArgs(spec, weights, input, steps, batch, labels);
  const spike = options.spike ?? 'heaviside';
  if (spike !== 'heaviside' && spike !== 'smooth') throw new RangeError(`spike must be 'heaviside' or 'smooth', got ${String(spike)}`);
  const sizes = layerSizes(spec);

  const layers: LayerTrace[] = [];
  let sIn: ArrayLike<number> = input;
  spec.hidden.forEach((layer, l) => {
    const trace = forwardHiddenLayer(spec, l, spike, weights.hidden[l].w, weights.hidden[l].v, sIn, sizes[l], layer.size, steps, batch);
    layers.push(trace);
    sIn = trace.S;
  });

  // readout: Io[n+1] = α·Io[n] + Wo·S_L[n], Uo[n+1] = β·Uo[n] + Io[n]
  const { alpha, beta } = spec.neuron;
  const O = spec.outputs;
  const nL = sizes[sizes.length - 1];
  const sL = layers[layers.length - 1].S;
  const Uo = new Float64Array(steps * batch * O);
  const Io = new Float64Array(steps * batch * O);
  for (let t = 0; t + 1 < steps; t++) {
    for (let b = 0; b < batch; b++) {
      const o0 = (t * batch + b) * O;
      const o1 = ((t + 1) * batch + b) * O;
      const inOff = (t * batch + b) * nL;
      for (let o = 0; o < O; o++) {
        let current = alpha * Io[o0 + o];
        for (let j = 0; j < nL; j++) current += weights.readout[o * nL + j] * sL[inOff + j];
        Io[o1 + o] = current;
        Uo[o1 + o] = beta * Uo[o0 + o] + Io[o0 + o];
      }
    }
  }

  const logits = reduceReadout(spec, Uo, steps, batch);
  let loss = 0;
  let correct = 0;
  for (let b = 0; b < batch; b++) {
    let m = -Infinity;
    let arg = 0;
    for (let o = 0; o < O; o++) {
      const v = logits[b * O + o];
      if (v > m) {
        m = v;
        arg = o;
      }
    }
    let z = 0;
    for (let o = 0; o < O; o++) z += Math.exp(logits[b * O + o] - m);
    // CE = logsumexp(logits) − logits[label]
    loss += m + Math.log(z) - logits[b * O + labels[b]];
    if (arg === labels[b]) correct++;
  }
  loss /= batch;

  return { spike, layers, readout: { U: Uo, I: Io }, logits, loss, correct };
}

/** The mean-over-batch loss only (convenience for finite differences). */
export function referenceLoss(
  spec: NetworkSpec,
  weights: WeightsLike,
  input: ArrayLike<number>,
  steps: number,
  batch: number,
  labels: ArrayLike<number>,
  options: ReferenceForwardOptions = {},
): number {
  return referenceForward(spec, weights, input, steps, batch, labels, options).loss;
}

// ---------------------------------------------------------------------------
// backward: surrogate BPTT (Box 2, eq. 7 with Θ′ → σ′)
// ---------------------------------------------------------------------------

/**
 * Gradients of the mean-over-batch loss by BPTT through the forward trace.
 *
 * Θ′(U[n] − ϑ) is replaced by σ′(U[n] − ϑ) = spec.surrogate.derivative; the
 * S[n] values themselves are the ones of `forward` (binary, or smooth). With a
 * smooth forward and detachReset = false this is the exact gradient of the
 * smooth model.
 *
 * Adjoints, per sample and neuron, for n = T−1 … 0, starting from
 * gU[T] = gI[T] = 0 (U[T], I[T] are unused):
 *
 * Loss → readout output. With p_b = softmax(logits_b), e_y the one-hot label:
 *   dL/dlogits_b = (p_b − e_{y_b}) / B
 *   gy[n] = dL/dlogits · { [n = n*] (n* = first argmax of y over n) 'max';
 *                          1/T 'mean';  1 'sum' }
 * Readout (Uo[n+1] = β·Uo[n] + Io[n], Io[n+1] = α·Io[n] + Wo·S_L[n]):
 *   gUo[n] = gy[n] + β·gUo[n+1]
 *   gIo[n] = α·gIo[n+1] + gUo[n+1]
 *   dL/dWo        += gIo[n+1] ⊗ S_L[n]
 *   dL/dS_L[n]|ext = Woᵀ·gIo[n+1]
 * Hidden layer l = L−1 … 0, with gS_ext[n] = dL/dS_l[n] through the layer
 * above (Woᵀ·gIo[n+1], or W_{l+1}ᵀ·gI_{l+1}[n+1]), computed completely for
 * the layer above before layer l:
 *   gS[n] = gS_ext[n] + Vᵀ·gI[n+1] + R[n]                   (total dL/dS[n])
 *     R[n], the reset term ∂U[n+1]/∂S[n]·gU[n+1], is
 *       'subtract': −ϑ·gU[n+1]            (U[n+1] ∋ −ϑ·S[n])
 *       'zero':     −β·U[n]·gU[n+1]       (U[n+1] ∋ β·U[n]·(1 − S[n]))
 *     and R[n] = 0 when detachReset (S[n] in the reset treated as a constant).
 *   gU[n] = σ′(U[n] − ϑ)·gS[n] + D[n]·gU[n+1]
 *     D[n] = ∂U[n+1]/∂U[n] at fixed S[n]: β ('subtract'), β·(1 − S[n]) ('zero');
 *     D is the same with detachReset (only the path through S[n] is cut).
 *   gI[n] = α·gI[n+1] + gU[n+1]
 *   dL/dW         += gI[n+1] ⊗ S_in[n]
 *   dL/dV         += gI[n+1] ⊗ S[n]
 *   dL/dS_in[n]    = Wᵀ·gI[n+1]        (layer 0: the returned inputGrad)
 * All weight gradients are summed over n = 0…T−2 (gI[T] = 0) and over b.
 */
export function referenceBackward(
  spec: NetworkSpec,
  weights: WeightsLike,
  forward: ReferenceForwardResult,
  input: ArrayLike<number>,
  steps: number,
  batch: number,
  labels: ArrayLike<number>,
): ReferenceGradients {
  checkArgs(spec, weights, input, steps, batch, labels);
  const sizes = layerSizes(spec);
  const O = spec.outputs;
  if (forward.layers.length !== spec.hidden.length || forward.logits.length !== batch * O) {
    throw new RangeError('forward result does not match the spec / batch');
  }
  spec.hidden.forEach((layer, l) => {
    if (forward.layers[l].U.length !== steps * batch * layer.size) {
      throw new RangeError(`forward layer ${l} has ${forward.layers[l].U.length} entries, expected ${steps}×${batch}×${layer.size}`);
    }
  });
  const { alpha, beta } = spec.neuron; // the readout's
  const surrogate = spec.surrogate;

  // dL/dlogits, then gy[n] = dL/dy[n] ([T][B][O])
  const y = forward.readout.U;
  const gy = new Float64Array(steps * batch * O);
  for (let b = 0; b < batch; b++) {
    const p = softmaxRow(forward.logits, b, O);
    for (let o = 0; o < O; o++) {
      const dLogit = (p[o] - (o === labels[b] ? 1 : 0)) / batch;
      if (spec.readoutReduce === 'max') {
        let best = 0;
        for (let t = 1; t < steps; t++) if (y[(t * batch + b) * O + o] > y[(best * batch + b) * O + o]) best = t;
        gy[(best * batch + b) * O + o] = dLogit;
      } else {
        const scale = spec.readoutReduce === 'mean' ? 1 / steps : 1;
        for (let t = 0; t < steps; t++) gy[(t * batch + b) * O + o] = dLogit * scale;
      }
    }
  }

  // readout adjoint
  const nL = sizes[sizes.length - 1];
  const sL = forward.layers[forward.layers.length - 1].S;
  const gReadout = new Float64Array(O * nL);
  let gSext = new Float64Array(steps * batch * nL); // dL/dS_L[n] through the readout
  for (let b = 0; b < batch; b++) {
    let gUoNext = new Float64Array(O); // gUo[n+1]
    let gIoNext = new Float64Array(O); // gIo[n+1]
    for (let t = steps - 1; t >= 0; t--) {
      const gUo = new Float64Array(O);
      const gIo = new Float64Array(O);
      const sOff = (t * batch + b) * nL;
      for (let o = 0; o < O; o++) {
        gUo[o] = gy[(t * batch + b) * O + o] + beta * gUoNext[o];
        gIo[o] = alpha * gIoNext[o] + gUoNext[o];
        for (let j = 0; j < nL; j++) {
          gReadout[o * nL + j] += gIoNext[o] * sL[sOff + j];
          gSext[sOff + j] += weights.readout[o * nL + j] * gIoNext[o];
        }
      }
      gUoNext = gUo;
      gIoNext = gIo;
    }
  }

  // hidden layers, last to first
  const hiddenGrads: { w: Float64Array; v?: Float64Array }[] = new Array(spec.hidden.length);
  for (let l = spec.hidden.length - 1; l >= 0; l--) {
    const n = sizes[l + 1];
    const nIn = sizes[l];
    const { S, states } = forward.layers[l];
    const model = referenceStepOfLayer(spec, l);
    const stateArrays = model.states.map((name) => states[name]);
    const sIn: ArrayLike<number> = l === 0 ? input : forward.layers[l - 1].S;
    const w = weights.hidden[l].w;
    const v = weights.hidden[l].v;
    const gW = new Float64Array(n * nIn);
    const gV = v ? new Float64Array(n * n) : undefined;
    const gSin = new Float64Array(steps * batch * nIn); // dL/dS_in[n]
    for (let b = 0; b < batch; b++) {
      // the adjoint of each neuron's state at n + 1 (zero at T); entry 0 is gI, dL/d drive[n]
      let gNext = Array.from({ length: n }, () => model.states.map(() => 0));
      for (let t = steps - 1; t >= 0; t--) {
        const off = (t * batch + b) * n;
        const inOff = (t * batch + b) * nIn;
        const g: number[][] = new Array(n);
        for (let i = 0; i < n; i++) {
          // dL/dS[n] from outside the neuron: the layer above and the recurrent weights
          let gS = gSext[off + i];
          if (v) for (let k = 0; k < n; k++) gS += v[k * n + i] * gNext[k][0];
          const x = stateArrays.map((a) => a[off + i]);
          g[i] = model.stepGrad(gNext[i], x, S[off + i], gS, surrogate.derivative(model.margin(x)));
          const gDrive = gNext[i][0];
          for (let j = 0; j < nIn; j++) {
            gW[i * nIn + j] += gDrive * sIn[inOff + j];
            gSin[inOff + j] += w[i * nIn + j] * gDrive;
          }
          if (gV) for (let j = 0; j < n; j++) gV[i * n + j] += gDrive * S[off + j];
        }
        gNext = g;
      }
    }
    hiddenGrads[l] = gV ? { w: gW, v: gV } : { w: gW };
    gSext = gSin;
  }

  return { hidden: hiddenGrads, readout: gReadout, inputGrad: gSext };
}

// ---------------------------------------------------------------------------
// finite differences
// ---------------------------------------------------------------------------

/** Which weight tensor a gradient entry belongs to. */
export type ParamRef =
  | { readonly kind: 'w'; readonly layer: number }
  | { readonly kind: 'v'; readonly layer: number }
  | { readonly kind: 'readout' };

export interface GradientEntry {
  readonly param: ParamRef;
  /** flat row-major index into the tensor */
  readonly index: number;
  /** dL/dθ */
  readonly value: number;
}

/** All weight tensors of `spec`, in order: hidden w (and v) per layer, then the readout. */
export function parameterRefs(spec: NetworkSpec): ParamRef[] {
  const refs: ParamRef[] = [];
  spec.hidden.forEach((layer, l) => {
    refs.push({ kind: 'w', layer: l });
    if (layer.recurrent) refs.push({ kind: 'v', layer: l });
  });
  refs.push({ kind: 'readout' });
  return refs;
}

/** The tensor `param` refers to, in weights or in gradients. */
export function paramTensor<T extends ArrayLike<number>>(
  params: { readonly hidden: readonly { readonly w: T; readonly v?: T }[]; readonly readout: T },
  param: ParamRef,
): T {
  if (param.kind === 'readout') return params.readout;
  const t = param.kind === 'w' ? params.hidden[param.layer].w : params.hidden[param.layer].v;
  if (t === undefined) throw new RangeError(`layer ${param.layer} has no recurrent weights`);
  return t;
}

/** A float64 copy of any weights. */
export function toFloat64Weights(weights: WeightsLike): Float64Weights {
  return {
    hidden: weights.hidden.map((h) =>
      h.v !== undefined ? { w: Float64Array.from(h.w), v: Float64Array.from(h.v) } : { w: Float64Array.from(h.w) },
    ),
    readout: Float64Array.from(weights.readout),
  };
}

export interface FiniteDifferenceOptions {
  /** step h of the central difference (L(θ+h) − L(θ−h))/(2h); default 1e-6 */
  h?: number;
  /** forward model whose loss is differenced; default 'smooth' */
  spike?: SpikeMode;
  /** at most this many random entries per tensor (all when absent or larger) */
  maxPerTensor?: number;
  /** seed for choosing the subset; default 1 */
  seed?: number;
}

/**
 * Central finite differences of the forward loss (by default of the smooth
 * model) with respect to every weight, or to a seeded random subset of at
 * most `maxPerTensor` entries per tensor. Weights are perturbed in a float64
 * copy.
 */
export function finiteDifferenceGradient(
  spec: NetworkSpec,
  weights: WeightsLike,
  input: ArrayLike<number>,
  steps: number,
  batch: number,
  labels: ArrayLike<number>,
  options: FiniteDifferenceOptions = {},
): GradientEntry[] {
  const h = options.h ?? 1e-6;
  if (!(Number.isFinite(h) && h > 0)) throw new RangeError(`finite-difference h must be positive, got ${h}`);
  const spike = options.spike ?? 'smooth';
  const w64 = toFloat64Weights(weights);
  // a seeded xorshift for the subset (kept local: the reference has no shared state)
  let state = (options.seed ?? 1) >>> 0 || 1;
  const nextInt = (k: number): number => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state % k;
  };
  const loss = () => referenceLoss(spec, w64, input, steps, batch, labels, { spike });
  const entries: GradientEntry[] = [];
  for (const param of parameterRefs(spec)) {
    const tensor = paramTensor(w64, param);
    let indices = Array.from({ length: tensor.length }, (_, k) => k);
    const max = options.maxPerTensor;
    if (max !== undefined && max < indices.length) {
      for (let k = 0; k < max; k++) {
        const r = k + nextInt(indices.length - k);
        [indices[k], indices[r]] = [indices[r], indices[k]];
      }
      indices = indices.slice(0, max).sort((a, b) => a - b);
    }
    for (const index of indices) {
      const saved = tensor[index];
      const up = saved + h;
      const down = saved - h;
      tensor[index] = up;
      const plus = loss();
      tensor[index] = down;
      const minus = loss();
      tensor[index] = saved;
      // divide by the step actually taken in float64, (up − down) ≈ 2h
      entries.push({ param, index, value: (plus - minus) / (up - down) });
    }
  }
  return entries;
}

export { createRng, randomNetwork, randomSpikes } from './random.js';
export type { Rng, RandomNetworkOptions } from './random.js';
