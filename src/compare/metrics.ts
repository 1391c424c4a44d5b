/**
 * Gradient fidelity: how close one gradient is to a reference gradient, per
 * parameter tensor ("layer") and over all parameters together.
 *
 *   cosine(g, r)   = ⟨g, r⟩ / (‖g‖·‖r‖)      1: same direction; 0 when either is zero
 *   relError(g, r) = ‖g − r‖ / ‖r‖           0: equal; ‖g‖/‖r‖ when r = 0 only if g = 0 gives 0
 *
 * For g = r + ε·d with d ⟂ r and ‖d‖ = ‖r‖ (a perpendicular perturbation of
 * relative size ε): relError = ε and cosine = 1/√(1 + ε²).
 */

export interface FidelityEntry {
  /** parameter name ('hidden.0.w', 'readout.w'), or 'all' */
  param: string;
  cosine: number;
  relError: number;
  /** ‖g‖ and ‖r‖ */
  norm: number;
  refNorm: number;
  /** number of entries compared */
  entries: number;
}

export interface Fidelity {
  layers: FidelityEntry[];
  overall: FidelityEntry;
}

/** A gradient as named tensors in parameter order. */
export type NamedGradient = readonly { name: string; data: ArrayLike<number> }[];

function sums(g: ArrayLike<number>, r: ArrayLike<number>): { gr: number; gg: number; rr: number; dd: number } {
  if (g.length !== r.length) throw new RangeError(`gradient lengths differ: ${g.length} vs ${r.length}`);
  let gr = 0;
  let gg = 0;
  let rr = 0;
  let dd = 0;
  for (let i = 0; i < g.length; i++) {
    const a = g[i];
    const b = r[i];
    gr += a * b;
    gg += a * a;
    rr += b * b;
    dd += (a - b) * (a - b);
  }
  return { gr, gg, rr, dd };
}

function entry(param: string, s: { gr: number; gg: number; rr: number; dd: number }, entries: number): FidelityEntry {
  const norm = Math.sqrt(s.gg);
  const refNorm = Math.sqrt(s.rr);
  const cosine = norm > 0 && refNorm > 0 ? s.gr / (norm * refNorm) : 0;
  const relError = refNorm > 0 ? Math.sqrt(s.dd) / refNorm : norm > 0 ? Infinity : 0;
  return { param, cosine, relError, norm, refNorm, entries };
}

export function cosineSimilarity(g: ArrayLike<number>, r: ArrayLike<number>): number {
  return entry('', sums(g, r), g.length).cosine;
}

export function relativeError(g: ArrayLike<number>, r: ArrayLike<number>): number {
  return entry('', sums(g, r), g.length).relError;
}

/** Per-tensor and overall cosine / relative error of `g` against the reference `ref` (same names, same order). */
export function gradientFidelity(g: NamedGradient, ref: NamedGradient): Fidelity {
  if (g.length !== ref.length) throw new RangeError(`gradients have ${g.length} and ${ref.length} tensors`);
  const total = { gr: 0, gg: 0, rr: 0, dd: 0 };
  let n = 0;
  const layers = g.map((t, i) => {
    if (t.name !== ref[i].name) throw new RangeError(`tensor ${i} is '${t.name}' in one gradient and '${ref[i].name}' in the other`);
    const s = sums(t.data, ref[i].data);
    total.gr += s.gr;
    total.gg += s.gg;
    total.rr += s.rr;
    total.dd += s.dd;
    n += t.data.length;
    return entry(t.name, s, t.data.length);
  });
  return { layers, overall: entry('all', total, n) };
}

/** Keep only the listed entries of each tensor (e.g. those checked by finite differences). */
export function selectEntries(g: NamedGradient, indices: ReadonlyMap<string, readonly number[]>): { name: string; data: Float64Array }[] {
  return g.filter((t) => indices.has(t.name)).map((t) => ({ name: t.name, data: Float64Array.from(indices.get(t.name)!, (k) => t.data[k]) }));
}
