/**
 * Helpers shared by the GPU tests of the event-driven LIF kernels and of
 * EventProp (event-forward, eventprop, eventprop-first-spike and
 * eventprop-recurrent tests): random networks and inputs drawn from a seeded
 * Rng with float32 weights and times (so GPU and float64 reference see the same
 * network), batches accepted only where the gradient is well conditioned, and
 * the comparisons against the reference.
 */
import { expect } from 'vitest';
import { compilationMessages, type KernelSpec } from '../../kernels/kernel.js';
import type { EventPropGpuResult } from '../../src/methods/eventprop-gpu.js';
import { freeVoltage, type EventLifSpec, type EventSpike, type InputSpike } from '../../src/reference/event-lif.js';
import { eventProp, type EventLoss, type EventPropResult } from '../../src/reference/eventprop.js';
import type { Rng } from '../../src/reference/random.js';
import type { Float64Weights } from '../../src/reference/lif-network.js';

/** smallest I − ϑ at a reference spike in an accepted sample */
export const SLOPE_MARGIN = 0.1;
/** the bound: relative error per tensor */
export const REL_TOL = 1e-3;

export const f32 = (x: number) => Math.fround(x);

/** Peak of V after a unit weight from rest, to scale weights across τ ratios. */
export function pspPeak(tauMem: number, tauSyn: number): number {
  const s = Math.log(tauMem / tauSyn) / (1 / tauSyn - 1 / tauMem);
  return freeVoltage(0, 1, s, tauMem, tauSyn);
}

/** `spec` compiles without errors or warnings; `variant` is appended to the kernel name in the messages. */
export async function expectCompiles(device: GPUDevice, spec: KernelSpec, variant = ''): Promise<void> {
  const messages = await compilationMessages(device, spec);
  expect(messages.map((m) => `${spec.name}${variant}: ${m.type}: ${m.message}`)).toEqual([]);
}

export interface Net {
  label: string;
  spec: EventLifSpec;
  weights: Float64Weights;
}

/**
 * A random network with float32 weights. hidden: sizes, a trailing 'r' marks a
 * recurrent layer ('9r', '7'). The output weights are uniform in
 * `outputRange(fanIn, gain)`; by default [−1, 1] for a readout and
 * [−0.5, 1.5]·6·gain/fanIn for a spiking output layer.
 */
export function randomNet(
  rng: Rng,
  inputs: number,
  hidden: readonly (number | string)[],
  outputs: number,
  tauMemMs: number,
  tauSynMs: number,
  output: 'readout' | 'spiking',
  outputRange?: (fanIn: number, gain: number) => [number, number],
): Net {
  const layers = hidden.map((h) => ({ size: parseInt(String(h), 10), recurrent: String(h).endsWith('r') }));
  const spec: EventLifSpec = { inputs, hidden: layers, outputs, output, tauMemMs, tauSynMs, threshold: 1, durationMs: 30 };
  const gain = pspPeak(20, 5) / pspPeak(tauMemMs, tauSynMs);
  const u = (n: number, lo: number, hi: number) => Float64Array.from({ length: n }, () => f32(rng.uniform(lo, hi)));
  let fanIn = inputs;
  const hiddenW = layers.map((l) => {
    const scale = (gain * 6) / Math.max(6, fanIn);
    const w = u(l.size * fanIn, -1 * scale, (fanIn === inputs ? 4 : 3.5) * scale);
    // recurrent weights of zero mean, scaled down with the layer size
    const rs = (gain * 4) / Math.max(4, l.size);
    const layer = l.recurrent ? { w, v: u(l.size * l.size, -1.2 * rs, 1 * rs) } : { w };
    fanIn = l.size;
    return layer;
  });
  const [lo, hi] = outputRange ? outputRange(fanIn, gain) : output === 'readout' ? [-1, 1] : [(-0.5 * gain * 6) / fanIn, (1.5 * gain * 6) / fanIn];
  const readout = u(outputs * fanIn, lo, hi);
  return { label: `${inputs}-${hidden.join('-')}-${outputs} τ_mem ${tauMemMs} τ_syn ${tauSynMs}`, spec, weights: { hidden: hiddenW, readout } };
}

/** One sample: 1 to 3 spikes per input channel at float32 times in [0, 20) ms. */
export function drawInput(rng: Rng, inputs: number): InputSpike[] {
  const spikes: InputSpike[] = [];
  for (let i = 0; i < inputs; i++) {
    const n = 1 + rng.int(3);
    for (let k = 0; k < n; k++) spikes.push({ time: f32(rng.uniform(0, 20)), neuron: i });
  }
  return spikes;
}

export interface AcceptedBatch {
  input: InputSpike[][];
  labels: number[];
  /** the float64 reference EventProp of each sample */
  refs: EventPropResult[];
  /** samples drawn and rejected */
  redrawn: number;
}

/**
 * A batch of random samples and labels of `net` whose reference spikes all
 * cross with τ_mem·V̇⁻ = I − ϑ ≥ SLOPE_MARGIN (the gradient diverges like
 * 1/(I − ϑ)) and that pass `accept`; null after more than maxRedraws rejected samples.
 */
export function acceptedBatch(
  rng: Rng,
  net: Net,
  batch: number,
  lossOf: (label: number) => EventLoss,
  maxRedraws: number,
  accept: (ref: EventPropResult) => boolean = () => true,
): AcceptedBatch | null {
  const input: InputSpike[][] = [];
  const labels: number[] = [];
  const refs: EventPropResult[] = [];
  let redrawn = 0;
  while (input.length < batch) {
    if (redrawn > maxRedraws) return null;
    const sample = drawInput(rng, net.spec.inputs);
    const label = rng.int(net.spec.outputs);
    const ref = eventProp(net.spec, net.weights, sample, lossOf(label));
    const ok = ref.forward.spikes.length > 0 && ref.forward.spikes.every((sp) => sp.current - net.spec.threshold >= SLOPE_MARGIN) && accept(ref);
    if (!ok) {
      redrawn++;
      continue;
    }
    input.push(sample);
    labels.push(label);
    refs.push(ref);
  }
  return { input, labels, refs, redrawn };
}

/** What a randomized gradient test compared, for its summary. */
export interface Seen {
  /** batches compared */
  ran: number;
  /** batches not compared (no accepted batch, or the GPU forward pass differs from the reference) */
  skipped: number;
  /** samples redrawn for I − ϑ < SLOPE_MARGIN */
  redrawn: number;
  /** reference spikes of the compared batches */
  spikes: number;
}

export const newSeen = (): Seen => ({ ran: 0, skipped: 0, redrawn: 0, spikes: 0 });

/**
 * Whether the batch is compared: only where the GPU forward pass has the
 * reference's spikes (same neurons and layers, times within tol ms; else the
 * gradients are of another network state). Counts it in `seen` either way.
 */
export function countIfSameSpikes(seen: Seen, c: AcceptedBatch, gpu: EventPropGpuResult, tol: number): boolean {
  const same = c.refs.every((r, b) => {
    const g = gpu.spikes[b];
    return g.length === r.forward.spikes.length && r.forward.spikes.every((sp, i) => g[i].neuron === sp.neuron && g[i].layer === sp.layer && Math.abs(g[i].time - sp.time) <= tol);
  });
  if (!same) {
    seen.skipped++;
    return false;
  }
  seen.ran++;
  seen.redrawn += c.redrawn;
  seen.spikes += c.refs.reduce((n, r) => n + r.forward.spikes.length, 0);
  return true;
}

/** max |a − b| / max |b| (same lengths) */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    n = Math.max(n, Math.abs(b[i]));
  }
  return n === 0 ? d : d / n;
}

/** batch mean of a reference gradient tensor */
export function meanOf(refs: readonly EventPropResult[], pick: (r: EventPropResult) => Float64Array): Float64Array {
  const out = new Float64Array(pick(refs[0]).length);
  for (const r of refs) pick(r).forEach((v, i) => (out[i] += v / refs.length));
  return out;
}

/** Relative errors of the batch-mean loss and of the output weights' gradient (named `output`). */
export function lossAndOutputErrors(gpu: EventPropGpuResult, refs: readonly EventPropResult[], output: string): [string, number][] {
  const refLoss = refs.reduce((sum, r) => sum + r.loss.loss, 0) / refs.length;
  return [
    ['loss', Math.abs(gpu.loss - refLoss) / Math.abs(refLoss)],
    [output, relErr(gpu.gradients.readout, meanOf(refs, (r) => r.grads.readout))],
  ];
}

/** Every relative error is within REL_TOL; `worst` keeps the largest per name. With EVENTPROP_VERBOSE they are logged after `heading`. */
export function expectWithinTolerance(errs: readonly [string, number][], where: string, worst: Map<string, number>, heading = where): void {
  if (process.env.EVENTPROP_VERBOSE) console.log(heading, errs.map(([n, e]) => `${n} ${e.toExponential(2)}`).join(', '));
  for (const [name, e] of errs) {
    worst.set(name, Math.max(worst.get(name) ?? 0, e));
    expect(e, `${where}: relative error of ${name}`).toBeLessThanOrEqual(REL_TOL);
  }
}

/**
 * Runs the GPU (`run`) and the reference (loss `lossOf(label)`) on the batch of
 * `c` with a minSlope in the widest gap among the lower half of the reference
 * slopes I − ϑ, so that f32 and f64 clip the same spikes; the reference clips
 * some slopes and the GPU counts as many. Returns both results.
 */
export async function clipInWidestGap(
  c: Net & AcceptedBatch,
  lossOf: (label: number) => EventLoss,
  run: (minSlope: number) => Promise<EventPropGpuResult>,
): Promise<{ gpu: EventPropGpuResult; refs: EventPropResult[] }> {
  const slopes = c.refs.flatMap((r) => r.forward.spikes.map((sp) => sp.current - c.spec.threshold)).sort((x, y) => x - y);
  let minSlope = 0;
  let gap = 0;
  for (let i = 0; i + 1 < slopes.length / 2; i++) {
    if (slopes[i + 1] - slopes[i] > gap) {
      gap = slopes[i + 1] - slopes[i];
      minSlope = 0.5 * (slopes[i] + slopes[i + 1]);
    }
  }
  expect(gap).toBeGreaterThan(1e-3);
  const gpu = await run(minSlope);
  const refs = c.input.map((inp, b) => eventProp(c.spec, c.weights, inp, lossOf(c.labels[b]), { minSlope }));
  const refClipped = refs.reduce((sum, r) => sum + r.clipped, 0);
  expect(refClipped).toBeGreaterThan(0);
  expect(gpu.clipped).toBe(refClipped);
  return { gpu, refs };
}

/**
 * Same spikes of the same neurons, times within tol (a GPU spike whose neuron
 * differs from the reference spike in its place is matched to a free one of
 * that neuron within tol; with `nearTiedReorder`, the spike in its place must
 * then lie within 2·tol of the reference); currents at the spikes within 1e-3
 * (relative above 1) except where `currentAmbiguous(time)` (an event that
 * reaches the layer near the spike makes the current ambiguous by one weight).
 * Returns the largest time difference.
 */
export function compareLayer(
  gpu: readonly EventSpike[],
  ref: readonly EventSpike[],
  tol: number,
  currentAmbiguous: (time: number) => boolean,
  where: string,
  nearTiedReorder = false,
): number {
  const count = (list: readonly EventSpike[]) => {
    const m = new Map<number, number>();
    for (const s of list) m.set(s.neuron, (m.get(s.neuron) ?? 0) + 1);
    return [...m.entries()].sort((x, y) => x[0] - y[0]).map(([k, v]) => `n${k}×${v}`).join(' ');
  };
  expect(count(gpu), `${where}: spike counts per neuron`).toBe(count(ref));
  let maxErr = 0;
  const used = new Array<boolean>(gpu.length).fill(false);
  for (let i = 0; i < ref.length; i++) {
    // the GPU spike in order, or a near-tied one of the same neuron
    let j = i;
    if (used[j] || gpu[j].neuron !== ref[i].neuron) {
      j = gpu.findIndex((g, q) => !used[q] && g.neuron === ref[i].neuron && Math.abs(g.time - ref[i].time) <= tol);
      expect(j, `${where}: spike ${i} (neuron ${ref[i].neuron} at ${ref[i].time} ms) out of order`).toBeGreaterThanOrEqual(0);
      if (nearTiedReorder) expect(Math.abs(gpu[i].time - ref[i].time), `${where}: reordered spikes must be near-tied`).toBeLessThanOrEqual(2 * tol);
    }
    used[j] = true;
    const err = Math.abs(gpu[j].time - ref[i].time);
    maxErr = Math.max(maxErr, err);
    expect(err, `${where}: spike ${i} of neuron ${ref[i].neuron}: GPU ${gpu[j].time} ms, reference ${ref[i].time} ms`).toBeLessThanOrEqual(tol);
    if (currentAmbiguous(ref[i].time)) continue;
    expect(Math.abs(gpu[j].current - ref[i].current), `${where}: current at spike ${i}`).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(ref[i].current)));
  }
  return maxErr;
}

/** Spike time errors of the forward cases of a test file, for its summary. */
export interface GridStats {
  /** max |t_gpu − t_ref| / τ_syn per τ ratio and grid step */
  maxErr: Map<string, number>;
  /** max |t(grid) − t(first grid)| / τ_syn */
  maxGridDiff: number;
  /** reference spikes compared */
  spikesCompared: number;
}

export const newGridStats = (): GridStats => ({ maxErr: new Map(), maxGridDiff: 0, spikesCompared: 0 });

export function gridSummary(stats: GridStats, grids: string): string {
  return (
    `${stats.spikesCompared} spike times compared; max |t_gpu − t_ref| / τ_syn:\n` +
    [...stats.maxErr].map(([k, e]) => `  ${k}: ${e.toExponential(2)}`).join('\n') +
    `\nmax |t(${grids}) − t(grid 1 ms)| / τ_syn: ${stats.maxGridDiff.toExponential(2)}`
  );
}

export interface GridComparison {
  /** the forward pass on one grid step: spikes per layer, per sample (as EventLifForwardResult.layers) */
  run: (gridStepMs: number) => Promise<EventSpike[][][]>;
  /** per sample, the reference spikes of all layers */
  refs: readonly EventSpike[][];
  grids: readonly number[];
  layerCount: number;
  /** spike time tolerance, ms */
  tol: number;
  /** the current test of compareLayer for sample b, layer l */
  ambiguous: (b: number, l: number) => (time: number) => boolean;
  nearTiedReorder?: boolean;
}

/**
 * Runs the forward pass of `spec` on every grid step and compares each layer of
 * each sample with the reference (compareLayer), then every grid with the
 * first; records the errors in `stats`. Returns the reference spikes compared.
 */
export async function compareGrids(spec: EventLifSpec, cmp: GridComparison, stats: GridStats): Promise<number> {
  const { refs, grids, layerCount, tol, ambiguous, nearTiedReorder = false } = cmp;
  const perGrid: EventSpike[][][][] = [];
  let total = 0;
  for (const gridStepMs of grids) {
    const layers = await cmp.run(gridStepMs);
    perGrid.push(layers);
    let err = 0;
    for (let b = 0; b < refs.length; b++) {
      for (let l = 0; l < layerCount; l++) {
        const ref = refs[b].filter((s) => s.layer === l);
        total += ref.length;
        err = Math.max(err, compareLayer(layers[l][b], ref, tol, ambiguous(b, l), `grid ${gridStepMs} ms, sample ${b}, layer ${l}`, nearTiedReorder));
      }
    }
    const key = `τ_mem/τ_syn ${spec.tauMemMs / spec.tauSynMs}, grid ${gridStepMs} ms`;
    stats.maxErr.set(key, Math.max(stats.maxErr.get(key) ?? 0, err / spec.tauSynMs));
  }
  for (let g = 1; g < perGrid.length; g++) {
    for (let l = 0; l < layerCount; l++) for (let b = 0; b < refs.length; b++) {
      const where = `grid ${grids[g]} vs ${grids[0]} ms, sample ${b}, layer ${l}`;
      const d = compareLayer(perGrid[g][l][b], perGrid[0][l][b], tol, ambiguous(b, l), where, nearTiedReorder);
      stats.maxGridDiff = Math.max(stats.maxGridDiff, d / spec.tauSynMs);
    }
  }
  stats.spikesCompared += total;
  return total;
}
