/**
 * Surrogate-gradient BPTT for the canonical discrete LIF (Neftci et al. 2019,
 * Box 2 eq. 7 with σ′ in place of Θ′; DESIGN.md).
 *
 * Forward, per hidden layer l (time-major [T][B][N] buffers):
 *   drive_l = S_{l−1} · W_lᵀ                      linear/matmul over all T·B rows
 *   (U_l, S_l) = neuron scan of drive_l           scan/forward, or one
 *                                                 scan/recurrent-step per n
 * readout: drive_o = S_L·W_oᵀ, y = neurons/readout-forward; loss/cross-entropy.
 * Backward (reverse order):
 *   dL/d drive_o = readout-backward(dL/dy);  dW_o = dL/d drive_oᵀ · S_L;  gS_L = dL/d drive_o · W_o
 *   dL/d drive_l = LIF reverse scan(gS_l);    dW_l = dL/d drive_lᵀ · S_{l−1}
 *   dV_l = dL/d drive_lᵀ · S_l;               gS_{l−1} = dL/d drive_l · W_l
 * drive[n] enters I[n+1], so dL/d drive[n] = dL/dI[n+1]; weight gradients sum
 * over all (n, b) at equal n, which is what the T·B-row matmuls compute.
 * Stored for backward: U and S of every hidden layer (2·T·B·N floats), readout y.
 * The drive buffers are reused for dL/d drive.
 *
 * 'fused' propagation (feed-forward hidden layers; the default on software
 * adapters) records the same equations as fewer, time-fused dispatches whose cost
 * follows the number of spikes:
 *   forward:  input → row event lists (linear/row-lists from f32 values; from spike bits,
 *             BatchShape.inputFormat 'bits', linear/mask-lists: 32 times less to read;
 *             784-512-10, T = 100, B = 256, p = 0.02: 58–61 → 14–21 ms on SwiftShader);
 *             per layer W as texels (linear/weight-texels; Wᵀ, linear/transpose, where the
 *             texture does not fit) and one scan over all T steps that sums the
 *             weights of each row's active inputs and updates the LIF state in registers,
 *             storing U, S and S's bit mask (neurons/lif-fused-forward); row lists from
 *             that mask feed the next layer, or the readout, which sums Wo over each
 *             row's spikes and integrates in the same dispatch (neurons/readout-fused-forward).
 *   backward: the readout's reverse scan with dWo from the same row lists
 *             (neurons/readout-fused-backward), then per layer one reverse scan
 *             (neurons/lif-fused-backward) that carries gS = Wo·dL/d drive_o through the
 *             readout's linear recurrence (top layer; the sum over outputs only where
 *             dL/dy ≠ 0), recomputes S = Θ(U − ϑ) and accumulates, per input event, dWᵀ
 *             into per-sample-chunk slices, summed and transposed by linear/transpose
 *             ('scan'), or writes dL/d drive for linear/event-weight-grad-tiled over
 *             per-input lists ('lists').
 */
import { readU32, storageBuffer } from '../gpu/buffers.js';
import { stepIndex, type ClearingDispatch } from '../../kernels/kernel.js';
import { matmul } from '../../kernels/linear/matmul.js';
import { compact, type SpikeLists } from '../../kernels/linear/compact.js';
import { colLists } from '../../kernels/linear/col-lists.js';
import { eventForward } from '../../kernels/linear/event-forward.js';
import { eventWeightGrad } from '../../kernels/linear/event-weight-grad.js';
import { eventWeightGradTiled } from '../../kernels/linear/event-weight-grad-tiled.js';
import { maskLists, maskWords, rowListLength } from '../../kernels/linear/mask-lists.js';
import { sumSlices, transpose } from '../../kernels/linear/transpose.js';
import { rowLists } from '../../kernels/linear/row-lists.js';
import { selectGraded } from '../../kernels/linear/select-graded.js';
import { weightTexels, weightTextureSize } from '../../kernels/linear/weight-texels.js';
import { lifFusedForward, membraneWords, paddedInputWeights } from '../../kernels/neurons/lif-fused-forward.js';
import { selectPath, type PathSelector } from '../../kernels/linear/select-path.js';
import { lifFusedBackward, paddedNeurons } from '../../kernels/neurons/lif-fused-backward.js';
import { readoutFusedForward } from '../../kernels/neurons/readout-fused-forward.js';
import { readoutFusedBackward, readoutGradSliceLayout } from '../../kernels/neurons/readout-fused-backward.js';

import { neuronKernel, neuronOfLayer } from '../neurons/registry.js';
import { scanForward } from '../../kernels/scan/forward.js';
import { scanBackward } from '../../kernels/scan/backward.js';
import { recurrentAdjointBytes, recurrentBackward, recurrentForward, recurrentStateBytes } from '../../kernels/scan/recurrent.js';
import { readoutBackward, readoutForward } from '../../kernels/neurons/readout.js';
import { crossEntropy } from '../../kernels/loss/cross-entropy.js';
import type { GpuNetwork } from '../layers/network.js';
import type { NetworkSpec } from '../model/network.js';
import type { Profiler } from '../gpu/profiler.js';
import { checkBatchShape, requireSupport, spikeBitWords, type BatchShape, type GradientMethod, type InputFormat, type MethodRun, type StoredState } from './method.js';
import { bpttSupport, defaultActivityThreshold, defaultSampleChunks, resolvePropagation, type PropagationChoice } from './bptt-propagation.js';
import { unpackBits } from '../../kernels/linear/unpack-bits.js';

/** Sample chunks of the readout's reverse scan when one thread carries all outputs (neurons/readout-fused-backward-quads). */
const READOUT_QUAD_CHUNKS = 64;


function runAll(encoder: GPUCommandEncoder, label: string, list: ClearingDispatch[], profiler?: Profiler): void {
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
   * 'fused' (feed-forward hidden layers only): per layer one dispatch runs the
   * whole forward time scan with the event-driven input propagation inside it
   * (neurons/lif-fused-forward), the readout is driven by the hidden spikes' row
   * lists (neurons/readout-fused-forward), its reverse scan accumulates dWo over the
   * same lists (neurons/readout-fused-backward), and one dispatch per layer runs the
   * reverse scan with the readout gradient and dW accumulated inside it
   * (neurons/lif-fused-backward); input lists come straight from the input
   * (linear/row-lists), hidden lists from the forward's spike bits (linear/mask-lists).
   * Default 'auto': on a software adapter 'fused' for feed-forward networks and
   * 'adaptive' for recurrent ones ('fused' has no recurrent kernels), in Node, Deno
   * and the browser alike (Deno's wgpu on SwiftShader, 784-512-10, T = 100, B = 128:
   * fused 1.4 s, event 3.2 s per step); dense for both on a hardware adapter.
   * Measured on SwiftShader (2 cores, robustness on),
   * 784-512-10, T = 100, B = 256, p = 0.02, one step of each alternately in one
   * process (bench/step-ab.ts → bench/results/speed-step-ab-p002*.json): 'fused'
   * 0.87 s with spike bits as input (0.94 s from f32), 'event' 2.96 s (3.4× the bits run per
   * repetition; earlier runs, before dawn.node's polling was throttled, 1.80 / 5.03 s and 1.44 / 4.56 s); a per-kernel
   * profile is in bench/results/speed-profile-t100*.json. Both are event-driven, so both slow
   * down with the input rate (fused 5.0 s at p = 0.2 without robustness checks:
   * bench/results/speed-vs-pytorch-all-robustness-off.json).
   * On an H200 (bench/results/train-step-h200*.json) dense was
   * as fast or faster in every configuration: the event paths spend most of their
   * time compacting spike lists (784-512-10, T = 100, B = 256: dense 26 ms per
   * step at p = 0.02 and 0.2; event 27 / 47 ms; dense forward + event weight
   * gradients 29 / 39 ms).
   */
  propagation?: PropagationChoice;
  /**
   * 'adaptive': every call measures the activity of each spike matrix on the GPU
   * (active entries / entries, from the event path's row lists) and runs the event
   * kernels below this fraction and the dense ones at or above it; the choice is
   * made on the GPU (linear/select-path, indirect dispatches), so nothing is read
   * back. Default: `defaultActivityThreshold(device)` (set by
   * bench/propagation-threshold.ts on the adapter kind; see there).
   */
  activityThreshold?: number;
  /**
   * 'fused' backward: the samples are split into this many chunks scanned in
   * parallel, each accumulating its own weight-gradient slice (zeroed, then summed
   * afterwards): more chunks run more threads, but each costs a slice. Default
   * `defaultSampleChunks` (on a software adapter enough for two workgroups per CPU core).
   */
  sampleChunks?: number;
  /**
   * 'fused' weight gradients: 'scan' accumulates dW inside the reverse scan
   * (read-modify-write of dWᵀ per input event and neuron); 'lists' writes dL/d drive
   * and gathers it over per-input event lists (linear/col-lists +
   * linear/event-weight-grad-tiled: loads only, but one more pass). Default 'scan'.
   */
  fusedWeightGrad?: 'scan' | 'lists';
  /**
   * 'fused' only: read each hidden layer's input weights from an rgba32float texture
   * (linear/weight-texels; one fetch per four weights) rather than from a storage buffer.
   * Default true where the texture (128·⌈N/512⌉ × K texels) fits the adapter's
   * maxTextureDimension2D; false keeps the storage buffer (linear/transpose). Same results.
   */
  weightTexture?: boolean;
  /**
   * 'fused' only: how the membrane U [T][B][N] is kept for the reverse scan.
   * 'f32' (default) exactly; 'f16' rounded to half precision, two neurons per
   * 32-bit word (pack2x16float: needs no shader-f16 feature), rounded so that
   * U > ϑ keeps the forward's outcome (spikes and resets are exactly those of
   * f32). Halves the largest stored tensor; the surrogate derivative then sees U
   * to half precision: on the test networks the gradients differ from the float64
   * reference by 1.6e-4 … 2.6e-3 relative, against ≤ 2.4e-6 with f32 storage
   * (test/gpu/bptt.test.ts).
   * With 'f16' the `hidden.<l>.membrane` observables are not available.
   * Opt-in; |U| must stay below 65504.
   */
  membraneStorage?: 'f32' | 'f16';
}

export { defaultActivityThreshold, defaultSampleChunks, HARDWARE_ACTIVITY_THRESHOLD, resolvePropagation, SOFTWARE_ACTIVITY_THRESHOLD, type Propagation, type PropagationChoice, type ResolvedPropagation } from './bptt-propagation.js';

/**
 * Input formats of bptt: f32 values, or spike bits ('bits'), which fused propagation turns into
 * its input event lists directly (linear/mask-lists, PLAIN) and the other paths unpack to f32
 * first (linear/unpack-bits).
 */
const BPTT_INPUT_FORMATS: readonly InputFormat[] = ['f32', 'bits'];

export function bptt(options: BpttOptions = {}): GradientMethod {
  const method: GradientMethod = {
    name: 'bptt',
    description: 'surrogate-gradient backpropagation through time',
    exact: false,
    inputKind: 'dense-steps',
    inputFormats: BPTT_INPUT_FORMATS,
    supports: (spec) => bpttSupport(options, spec),
    bind(net: GpuNetwork, shape: BatchShape): MethodRun {
      requireSupport(method, net.spec);
      return bindBptt(method, net, shape, options);
    },
  };
  return method;
}

/** What 'adaptive' propagation chose per spike matrix ('input', 'hidden.<l>'), counted since bind. */
export interface PathChoices {
  /** calls that ran the event kernels */
  readonly event: number;
  /** calls that ran the dense kernels */
  readonly dense: number;
  /** active entries of the spike matrix in the last call */
  readonly lastActive: number;
}

export type BpttRun = MethodRun & {
  inputGrad?: GPUBuffer;
  /** 'adaptive' propagation: the choices made so far, per spike matrix (empty for other modes) */
  pathChoices(): Promise<Record<string, PathChoices>>;
};

function bindBptt(method: GradientMethod, net: GpuNetwork, shape: BatchShape, options: BpttOptions): BpttRun {
  checkBatchShape(shape, 'bptt', BPTT_INPUT_FORMATS);
  const { device, spec } = net;
  const { batch: B, steps: T } = shape;
  const p = spec.neuron;
  const rows = T * B;
  const owned: GPUBuffer[] = [];
  const ownedTextures: GPUTexture[] = [];
  const stored: { name: string; bytes: number }[] = [];
  const buf = (label: string, floats: number, keep = false) => {
    const b = storageBuffer(device, label, floats * 4);
    owned.push(b);
    if (keep) stored.push({ name: label, bytes: floats * 4 });
    return b;
  };
  /** a 16-byte stand-in for a buffer this configuration never touches */
  const placeholderBuffer = (label: string) => buf(label, 4);
  const bitsInput = shape.inputFormat === 'bits';
  const input = bitsInput ? buf('bptt/input-spike-bits', rows * spikeBitWords(spec.inputs), true) : buf('bptt/input-spikes', rows * spec.inputs, true);
  const labels = buf('bptt/labels', B);
  const metrics = buf('bptt/metrics', 4);
  const sampleStats = buf('bptt/sample-stats', 2 * B);
  const observables = new Map<string, { buffer: GPUBuffer; shape: readonly number[] }>();

  // ---- spike operands: dense matrices, or event lists built right after the spikes are
  const mode = resolvePropagation(device, options.propagation, spec);
  const pathTallies = new Map<string, PathSelector>();
  const storage = options.membraneStorage ?? 'f32';
  if (storage !== 'f32' && storage !== 'f16') throw new RangeError(`membraneStorage must be 'f32' or 'f16', got '${String(storage)}'`);
  if (storage === 'f16' && mode.forward !== 'fused') throw new RangeError(`membraneStorage 'f16' is implemented for propagation 'fused' only (this network and device resolve to '${mode.forward}')`);
  const fusedMode = mode.forward === 'fused';
  const gatherGrad = fusedMode && (options.fusedWeightGrad ?? 'scan') === 'lists';
  const L = spec.hidden.length;
  const needsSteps = spec.hidden.some((h) => h.recurrent);
  const steps = needsSteps ? stepIndex(device, T, 'bptt') : undefined;
  if (steps) owned.push(steps.buffer);

  const layers = spec.hidden.map((h, l) => {
    const N = h.size;
    const neuron = neuronKernel(neuronOfLayer(spec, l));
    // the fused path needs dL/d drive only to pass the gradient down or for 'lists' weight
    // gradients, and dL/dS only under another hidden layer
    const needDrive = !fusedMode || l > 0 || !!options.inputGradient || gatherGrad;
    const needGradSpikes = !fusedMode || l < L - 1;
    // the fused path reads f32 spikes only as the next layer's 'lists' weight-gradient input; otherwise only observers do
    const storeSpikes = !fusedMode || shape.observe !== false || (gatherGrad && l < L - 1);
    const layer = {
      size: N,
      neuron,
      // what the scans keep per step: the membrane U[n] for LIF (fused: in f32 or f16), the model's NeuronSaved otherwise
      membrane: buf(`bptt/hidden.${l}/membrane`, fusedMode ? membraneWords(rows, N, storage) : rows * N * neuron.savedFloats, true),
      spikes: storeSpikes ? buf(`bptt/hidden.${l}/spikes`, rows * N, true) : placeholderBuffer(`bptt/hidden.${l}/spikes (not stored)`),
      storeSpikes,
      drive: needDrive ? buf(`bptt/hidden.${l}/drive`, rows * N) : placeholderBuffer(`bptt/hidden.${l}/drive (unused)`),
      gradSpikes: needGradSpikes ? buf(`bptt/hidden.${l}/grad-spikes`, rows * N) : placeholderBuffer(`bptt/hidden.${l}/grad-spikes (unused)`),
      // the recurrent scan's state (forward), then its carried adjoint (backward)
      scratch: h.recurrent ? buf(`bptt/hidden.${l}/scratch`, Math.max(recurrentStateBytes(neuron, B, N), recurrentAdjointBytes(neuron, B, N)) / 4) : undefined,
    };
    if (neuron.savedFloats !== 1) observables.set(`hidden.${l}.saved`, { buffer: layer.membrane, shape: [T, B, N, neuron.savedFloats] });
    else if (storage === 'f32') observables.set(`hidden.${l}.membrane`, { buffer: layer.membrane, shape: [T, B, N] });
    if (storeSpikes) observables.set(`hidden.${l}.spikes`, { buffer: layer.spikes, shape: [T, B, N] });
    return layer;
  });
  const O = spec.outputs;
  const last = layers[layers.length - 1];
  const readoutDrive = fusedMode ? placeholderBuffer('bptt/readout/drive (unused)') : buf('bptt/readout/drive', rows * O);
  const voltage = buf('bptt/readout/voltage', rows * O, true);
  const gradVoltage = buf('bptt/readout/grad-voltage', rows * O);
  observables.set('readout.voltage', { buffer: voltage, shape: [T, B, O] });
  const inputGrad = options.inputGradient ? buf('bptt/input-grad', rows * spec.inputs) : undefined;

  const forward: ClearingDispatch[] = [];
  const backward: ClearingDispatch[] = [];
  // spike bits: fused propagation with in-scan weight gradients lists the set bits; every other
  // path reads f32 spikes, unpacked from the bits at the start of the forward pass
  const listsFromBits = bitsInput && fusedMode && !gatherGrad;
  let inputSpikes = input;
  if (bitsInput && !listsFromBits) {
    inputSpikes = buf('bptt/input-spikes (unpacked bits)', rows * spec.inputs);
    forward.push(unpackBits(device, { bits: input, spikes: inputSpikes, rows, cols: spec.inputs }));
  }
  const ro = { steps: T, batch: B, outputs: O, alpha: p.alpha, beta: p.beta };
  const loss = crossEntropy(device, { voltage, labels, gradVoltage, sampleStats, metrics, steps: T, batch: B, outputs: O, reduce: spec.readoutReduce });

  if (mode.forward === 'fused') {
    // ---- fused path: input row lists; per layer one forward and one backward scan
    const chunks = Math.min(B, options.sampleChunks ?? defaultSampleChunks(device, B, spec.hidden.map((h) => h.size)));
    let inLists = buf('bptt/input/row-lists', rowListLength(rows, spec.inputs), true);
    // the data may hold values other than 0 and 1: both variants of the first layer's scans
    // are recorded and the flag of its row lists picks one on the GPU (hidden spikes are 0/1,
    // and so are spike bits: their lists leave the flag at 0 and only the binary variant runs)
    let inputVariant: ReturnType<typeof selectGraded> | undefined;
    if (listsFromBits) {
      forward.push(maskLists(device, { mask: input, lists: inLists, rows, cols: spec.inputs, plain: true }));
    } else {
      forward.push(rowLists(device, { spikes: inputSpikes, lists: inLists, rows, cols: spec.inputs }));
      inputVariant = selectGraded(device, { lists: inLists, flagIndex: rows + rows * spec.inputs, label: 'bptt/input' });
      forward.push(inputVariant);
    }
    /** the first layer's scan in both variants (binary and graded), deeper layers' binary only */
    const variants = <D extends ClearingDispatch>(l: number, make: (graded: boolean) => D): ClearingDispatch[] =>
      l === 0 && inputVariant ? [inputVariant.binary(make(false)), inputVariant.graded(make(true))] : [make(false)];
    let inSpikes = inputSpikes;
    let inSize = spec.inputs;
    const fused = layers.map((layer, l) => {
      // W as texels (one fetch per four weights) where the adapter's texture size allows it
      const [tw, th] = weightTextureSize(layer.size, inSize);
      const useTexture = options.weightTexture !== false && tw <= device.limits.maxTextureDimension2D && th <= device.limits.maxTextureDimension2D;
      const texture = useTexture
        ? device.createTexture({ label: `bptt/hidden.${l}/weight-texels`, size: [tw, th], format: 'rgba32float', usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.STORAGE_BINDING })
        : undefined;
      if (texture) ownedTextures.push(texture);
      const weightsT = texture ? { texture } : buf(`bptt/hidden.${l}/weights-t`, inSize * paddedInputWeights(layer.size));
      const gradWeightsT = gatherGrad ? undefined : buf(`bptt/hidden.${l}/grad-weights-t`, chunks * inSize * paddedNeurons(layer.size));
      const cols = gatherGrad
        ? { counts: buf(`bptt/hidden.${l}/input-col-counts`, inSize), index: buf(`bptt/hidden.${l}/input-col-index`, rows * inSize) }
        : undefined;
      if (cols) forward.push(...colLists(device, { rowLists: inLists, rows, cols: inSize, lists: cols }));
      const mask = buf(`bptt/hidden.${l}/spike-mask`, rows * maskWords(layer.size));
      forward.push('texture' in weightsT
        ? weightTexels(device, { weights: net.hidden[l].w.weights, texture: weightsT.texture, neurons: layer.size, inputs: inSize })
        : transpose(device, { input: net.hidden[l].w.weights, output: weightsT, rows: layer.size, cols: inSize, outStride: paddedInputWeights(layer.size) }));
      const scanArgs = {
        inSpikes, inLists, weightsT, membrane: layer.membrane, spikes: layer.storeSpikes ? layer.spikes : undefined, spikeMask: mask, storage,
        steps: T, batch: B, neurons: layer.size, inputs: inSize, params: p,
      };
      forward.push(...variants(l, (graded) => lifFusedForward(device, { ...scanArgs, graded })));
      const record = { inSpikes, inLists, inSize, gradWeightsT, colLists: cols };
      // row lists of the spikes: the next layer's input lists, or the readout's
      inLists = buf(`bptt/hidden.${l}/row-lists`, rowListLength(rows, layer.size), true);
      forward.push(maskLists(device, { mask, lists: inLists, rows, cols: layer.size }));
      inSpikes = layer.spikes;
      inSize = layer.size;
      return record;
    });
    const lastLists = inLists;
    forward.push(readoutFusedForward(device, {
      spikeLists: lastLists, weights: net.readout.weights, voltage,
      steps: T, batch: B, outputs: O, neurons: last.size, alpha: p.alpha, beta: p.beta,
    }));
    forward.push(loss.loss, loss.accumulate);

    // the readout's own sample chunks: with one thread per chunk for all outputs (O ≤ 16) more
    // chunks keep both cores busy
    const roLayout = readoutGradSliceLayout(O, last.size);
    const roChunks = roLayout.quads ? Math.min(B, READOUT_QUAD_CHUNKS) : chunks;
    const readoutGradSlices = buf('bptt/readout/grad-slices', roChunks * roLayout.floats);
    const rowLive = buf('bptt/readout/row-live', rows);
    // Wo as texels in the hidden threads' layout for the top layer's sum over outputs
    const [rw, rh] = weightTextureSize(last.size, O);
    const readoutTexture = options.weightTexture !== false && rw <= device.limits.maxTextureDimension2D && rh <= device.limits.maxTextureDimension2D
      ? device.createTexture({ label: 'bptt/readout/weight-texels', size: [rw, rh], format: 'rgba32float', usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.STORAGE_BINDING })
      : undefined;
    if (readoutTexture) {
      ownedTextures.push(readoutTexture);
      backward.push(weightTexels(device, { weights: net.readout.weights, texture: readoutTexture, neurons: last.size, inputs: O, transposed: true }));
    }
    backward.push(readoutFusedBackward(device, { ...ro, gradVoltage, spikeLists: lastLists, gradSlices: readoutGradSlices, rowLive, chunks: roChunks, neurons: last.size }));
    backward.push(roLayout.quads
      ? transpose(device, { input: readoutGradSlices, output: net.readout.grad, rows: last.size, cols: O, slices: roChunks, stride: roLayout.stride })
      : sumSlices(device, { input: readoutGradSlices, output: net.readout.grad, length: O * last.size, slices: roChunks }));
    for (let l = layers.length - 1; l >= 0; l--) {
      const layer = layers[l];
      const f = fused[l];
      const target = l > 0 ? layers[l - 1].gradSpikes : inputGrad;
      const top = l === layers.length - 1;
      backward.push(...variants(l, (graded) => lifFusedBackward(device, {
        membrane: layer.membrane, storage,
        top: top ? { gradVoltage, readoutWeights: net.readout.weights, readoutTexture, rowLive, outputs: O, alpha: p.alpha, beta: p.beta } : undefined,
        gradSpikes: top ? undefined : layer.gradSpikes,
        inSpikes: f.inSpikes, inLists: f.inLists, gradWeightsT: f.gradWeightsT, gradDrive: target || f.colLists ? layer.drive : undefined,
        chunks, steps: T, batch: B, neurons: layer.size, inputs: f.inSize, params: p, surrogate: spec.surrogate, graded,
      })));
      if (f.gradWeightsT) {
        backward.push(transpose(device, { input: f.gradWeightsT, output: net.hidden[l].w.grad, rows: f.inSize, cols: layer.size, slices: chunks, stride: paddedNeurons(layer.size), threadOrder: true }));
      } else {
        backward.push(eventWeightGradTiled(device, {
          spikes: f.inSpikes, colLists: f.colLists!, gradDrive: layer.drive, gradWeights: net.hidden[l].w.grad, rows, outputs: layer.size, inputs: f.inSize,
        }));
      }
      if (target) backward.push(matmul(device, { a: layer.drive, b: net.hidden[l].w.weights, c: target, m: rows, n: f.inSize, k: layer.size }));
    }
  } else {
    const eventForwardPath = mode.forward === 'event';
    const eventGradPath = mode.weightGrad === 'event';
    const adaptive = mode.forward === 'adaptive';
    const threshold = options.activityThreshold ?? defaultActivityThreshold(device);
    if (!(threshold >= 0 && threshold <= 1)) throw new RangeError(`activityThreshold must lie in [0, 1], got ${threshold}`);
    const lists = new Map<GPUBuffer, { rows?: SpikeLists; cols?: SpikeLists }>();
    const selectors = new Map<GPUBuffer, PathSelector>();
    /** 'adaptive': the per-call event/dense choice of `spikes`, made right after its row lists */
    const selectorOf = (spikes: GPUBuffer, cols: number, label: string): PathSelector => {
      let sel = selectors.get(spikes);
      if (!sel) {
        const rowLists = listsOf(spikes, cols, label, 'rows');
        sel = selectPath(device, { counts: rowLists.counts, rows, cols, threshold, label: `bptt/${label}` });
        forward.push(sel);
        selectors.set(spikes, sel);
        pathTallies.set(label, sel);
      }
      return sel;
    };
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
        l[axis] = lst;
        if (axis === 'rows') {
          forward.push(compact(device, { spikes, rows, cols, lists: lst }));
        } else {
          // from the row lists (three passes over the events, not one over every entry); column
          // lists feed only event weight gradients: under 'adaptive' they are built only when event runs
          const c = colLists(device, { rowLists: listsOf(spikes, cols, label, 'rows'), rows, cols, lists: lst });
          forward.push(...(adaptive ? c.map((d) => selectorOf(spikes, cols, label).event(d)) : c));
        }
      }
      return lst;
    };
    /** drive[rows][n] = spikes[rows][k] · weightsᵀ */
    const propagate = (spikes: GPUBuffer, k: number, label: string, weights: GPUBuffer, drive: GPUBuffer, n: number): ClearingDispatch[] => {
      const event = () => eventForward(device, { spikes, rowLists: listsOf(spikes, k, label, 'rows'), weights, drive, rows, outputs: n, inputs: k });
      // a selector runs its dispatch indirectly: one dispatch, so no split-K product
      const dense = (splits?: number) => matmul(device, { a: spikes, b: weights, c: drive, m: rows, n, k, transB: true, splits });
      if (!adaptive) return [eventForwardPath ? event() : dense()];
      const sel = selectorOf(spikes, k, label);
      return [sel.event(event()), sel.dense(dense(1))];
    };
    /** gradWeights[n][k] = gradDriveᵀ · spikes (lists already built in the forward pass) */
    const weightGrad = (spikes: GPUBuffer, k: number, label: string, gradDrive: GPUBuffer, gradWeights: GPUBuffer, n: number): ClearingDispatch[] => {
      const event = () => eventWeightGrad(device, { spikes, colLists: listsOf(spikes, k, label, 'cols'), gradDrive, gradWeights, rows, outputs: n, inputs: k });
      const dense = (splits?: number) => matmul(device, { a: gradDrive, b: spikes, c: gradWeights, m: n, n: k, k: rows, transA: true, splits });
      if (!adaptive) return [eventGradPath ? event() : dense()];
      const sel = selectorOf(spikes, k, label);
      return [sel.event(event()), sel.dense(dense(1))];
    };

    let prevSpikes = inputSpikes;
    let prevSize = spec.inputs;
    let prevLabel = 'input';
    layers.forEach((layer, l) => {
      const param = net.hidden[l];
      forward.push(...propagate(prevSpikes, prevSize, prevLabel, param.w.weights, layer.drive, layer.size));
      if (param.v) {
        forward.push(recurrentForward(device, {
          drive: layer.drive, recurrent: param.v.weights, saved: layer.membrane, spikes: layer.spikes,
          state: layer.scratch!, steps: T, batch: B, neurons: layer.size, neuron: layer.neuron, stepIndex: steps!,
        }));
      } else {
        forward.push(scanForward(device, { drive: layer.drive, saved: layer.membrane, spikes: layer.spikes, steps: T, batch: B, neurons: layer.size, neuron: layer.neuron }));
      }
      prevSpikes = layer.spikes;
      prevSize = layer.size;
      prevLabel = `hidden.${l}`;
      if (param.v && (eventGradPath || adaptive)) listsOf(layer.spikes, layer.size, prevLabel, 'cols'); // for dV
    });
    forward.push(...propagate(last.spikes, last.size, prevLabel, net.readout.weights, readoutDrive, O));
    forward.push(readoutForward(device, { ...ro, drive: readoutDrive, voltage }));
    forward.push(loss.loss, loss.accumulate);

    // ---- backward dispatches
    backward.push(readoutBackward(device, { ...ro, gradVoltage, gradDrive: readoutDrive }));
    backward.push(...weightGrad(last.spikes, last.size, prevLabel, readoutDrive, net.readout.grad, O));
    backward.push(matmul(device, { a: readoutDrive, b: net.readout.weights, c: last.gradSpikes, m: rows, n: last.size, k: O }));
    for (let l = layers.length - 1; l >= 0; l--) {
      const layer = layers[l];
      const param = net.hidden[l];
      const below = l > 0 ? layers[l - 1] : undefined;
      const belowSpikes = below ? below.spikes : inputSpikes;
      const belowSize = below ? below.size : spec.inputs;
      if (param.v) {
        backward.push(recurrentBackward(device, {
          saved: layer.membrane, spikes: layer.spikes, gradSpikes: layer.gradSpikes, recurrent: param.v.weights,
          gradDrive: layer.drive, adjoint: layer.scratch!, steps: T, batch: B, neurons: layer.size, neuron: layer.neuron,
          surrogate: spec.surrogate, stepIndex: steps!,
        }));
        backward.push(...weightGrad(layer.spikes, layer.size, `hidden.${l}`, layer.drive, param.v.grad, layer.size));
      } else {
        backward.push(scanBackward(device, {
          saved: layer.membrane, spikes: layer.spikes, gradSpikes: layer.gradSpikes, gradDrive: layer.drive,
          steps: T, batch: B, neurons: layer.size, neuron: layer.neuron, surrogate: spec.surrogate,
        }));
      }
      backward.push(...weightGrad(belowSpikes, belowSize, below ? `hidden.${l - 1}` : 'input', layer.drive, param.w.grad, layer.size));
      const target = below ? below.gradSpikes : inputGrad;
      if (target) backward.push(matmul(device, { a: layer.drive, b: param.w.weights, c: target, m: rows, n: belowSize, k: layer.size }));
    }
  }

  const totalBytes = stored.reduce((s, x) => s + x.bytes, 0);
  return {
    method, shape, inputKind: 'dense-steps', input, labels, metrics, sampleStats, observables, inputGrad,
    async pathChoices() {
      const out: Record<string, PathChoices> = {};
      for (const [label, sel] of pathTallies) {
        const [event, dense, lastActive] = await readU32(device, sel.buffer, 3, sel.tallyOffset / 4);
        out[label] = { event, dense, lastActive };
      }
      return out;
    },
    setValid: (v) => loss.setValid(v),
    encodeForward: (enc, profiler) => runAll(enc, 'forward', forward, profiler),
    encodeBackward: (enc, profiler) => runAll(enc, 'backward', backward, profiler),
    stored: (): StoredState => ({ buffers: stored, totalBytes }),
    destroy() {
      for (const d of [...forward, ...backward]) d.destroy();
      loss.destroy();
      for (const b of owned) b.destroy();
      for (const t of ownedTextures) t.destroy();
    },
  };
}
