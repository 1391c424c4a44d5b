/**
 * Surrogate derivatives σ′(x), x = U − ϑ (Neftci, Mostafa & Zenke 2019, Fig. 3).
 *
 * The backward pass of surrogate BPTT replaces Θ′(U − ϑ) of the spike
 * nonlinearity S = Θ(U − ϑ) with σ′(U − ϑ) (Box 2, eq. 7, with σ′ the surrogate).
 * Each surrogate is a typed object carrying
 *   - `derivative(x)`: the CPU surrogate derivative σ′(x) (float64),
 *   - `fn(x)`: its primitive F(x) = ∫_{−∞}^{x} σ′(t) dt, a smooth step with
 *     F(−∞) = 0 and F′ = σ′ exactly. Its upper asymptote F(+∞) = ∫σ′ is NOT
 *     normalised to 1 (the derivatives follow the snnTorch conventions, not
 *     unit area). The float64 reference uses F as a smooth spike to verify
 *     BPTT against finite differences.
 *   - `wgsl`: WGSL defining `fn surrogate_grad(x: f32, slope: f32) -> f32`,
 *     from `shaders/common/surrogates/<name>.wgsl`; the slope reaches the
 *     shader at run time through a uniform.
 */
import { shader } from '../kernels/shaders.js';
import type { SurrogateSnippet } from '../kernels/types.js';

/** A surrogate derivative: its kernel part (name, slope, WGSL) and its float64 functions. */
export interface Surrogate extends SurrogateSnippet {
  /** smooth step whose derivative is `derivative` (the primitive, 0 at −∞) */
  fn(x: number): number;
  /** the surrogate derivative σ′(x) */
  derivative(x: number): number;
}

export interface SlopeOptions {
  /** slope / sharpness k (> 0, finite) */
  slope?: number;
}

function checkSlope(name: string, slope: number): number {
  if (typeof slope !== 'number' || !Number.isFinite(slope) || !(slope > 0)) {
    throw new RangeError(`surrogate '${name}': slope must be a positive finite number, got ${String(slope)}`);
  }
  return slope;
}

function builtin(
  name: BuiltinSurrogateName,
  slope: number,
  fn: (x: number) => number,
  derivative: (x: number) => number,
): Surrogate {
  return Object.freeze({ name, slope, fn, derivative, wgsl: shader(`common/surrogates/${name}`) });
}

/**
 * Fast sigmoid (SuperSpike, Zenke & Ganguli 2018; snnTorch `fast_sigmoid`):
 *   σ′(x) = 1/(1 + k|x|)²
 *   F(x)  = 1/(k(1 − kx))            x ≤ 0
 *         = 2/k − 1/(k(1 + kx))      x > 0,        F(+∞) = 2/k
 */
export function fastSigmoid(options: SlopeOptions = {}): Surrogate {
  const k = checkSlope('fast-sigmoid', options.slope ?? 10);
  return builtin(
    'fast-sigmoid',
    k,
    (x) => (x <= 0 ? 1 / (k * (1 - k * x)) : 2 / k - 1 / (k * (1 + k * x))),
    (x) => {
      const d = 1 + k * Math.abs(x);
      return 1 / (d * d);
    },
  );
}

/**
 * Triangle / piecewise linear (Bellec et al. 2018):
 *   σ′(x) = max(0, 1 − k|x|)
 *   F(x)  = 0                        x ≤ −1/k
 *         = (1 + kx)²/(2k)           −1/k < x ≤ 0
 *         = 1/k − (1 − kx)²/(2k)     0 < x < 1/k
 *         = 1/k                      x ≥ 1/k,       F(+∞) = 1/k
 */
export function triangle(options: SlopeOptions = {}): Surrogate {
  const k = checkSlope('triangle', options.slope ?? 1);
  return builtin(
    'triangle',
    k,
    (x) => {
      const kx = k * x;
      if (kx <= -1) return 0;
      if (kx <= 0) return ((1 + kx) * (1 + kx)) / (2 * k);
      if (kx < 1) return 1 / k - ((1 - kx) * (1 - kx)) / (2 * k);
      return 1 / k;
    },
    (x) => Math.max(0, 1 - k * Math.abs(x)),
  );
}

/**
 * Exponential (SLAYER, Shrestha & Orchard 2018):
 *   σ′(x) = exp(−k|x|)
 *   F(x)  = exp(kx)/k                x ≤ 0
 *         = 2/k − exp(−kx)/k         x > 0,         F(+∞) = 2/k
 */
export function exponential(options: SlopeOptions = {}): Surrogate {
  const k = checkSlope('exponential', options.slope ?? 5);
  return builtin(
    'exponential',
    k,
    (x) => (x <= 0 ? Math.exp(k * x) / k : 2 / k - Math.exp(-k * x) / k),
    (x) => Math.exp(-k * Math.abs(x)),
  );
}

/**
 * Arctan:
 *   σ′(x) = 1/(1 + (πkx/2)²)
 *   F(x)  = 1/k + (2/(πk))·atan(πkx/2),            F(+∞) = 2/k
 * evaluated for x < 0 as (2/(πk))·atan(1/(πk|x|/2)) (no cancellation).
 */
export function arctan(options: SlopeOptions = {}): Surrogate {
  const k = checkSlope('arctan', options.slope ?? 2);
  const c = (Math.PI * k) / 2;
  return builtin(
    'arctan',
    k,
    (x) => (x < 0 ? (2 / (Math.PI * k)) * Math.atan(-1 / (c * x)) : 1 / k + (2 / (Math.PI * k)) * Math.atan(c * x)),
    (x) => {
      const z = c * x;
      return 1 / (1 + z * z);
    },
  );
}

/**
 * Derivative of the logistic sigmoid s(x) = 1/(1 + e^{−kx}):
 *   σ′(x) = k·s·(1 − s) = k·e/(1 + e)²,  e = exp(−k|x|)
 *   F(x)  = s(x),                                   F(+∞) = 1
 */
export function sigmoidDerivative(options: SlopeOptions = {}): Surrogate {
  const k = checkSlope('sigmoid-derivative', options.slope ?? 5);
  return builtin(
    'sigmoid-derivative',
    k,
    (x) => {
      const e = Math.exp(-k * Math.abs(x));
      return x >= 0 ? 1 / (1 + e) : e / (1 + e);
    },
    (x) => {
      const e = Math.exp(-k * Math.abs(x));
      return (k * e) / ((1 + e) * (1 + e));
    },
  );
}

/**
 * Gaussian bump:
 *   σ′(x) = exp(−(kx)²/2)
 *   F(x)  = (√(π/2)/k)·erfc(−kx/√2),               F(+∞) = √(2π)/k
 */
export function gaussian(options: SlopeOptions = {}): Surrogate {
  const k = checkSlope('gaussian', options.slope ?? 3);
  const scale = Math.sqrt(Math.PI / 2) / k;
  return builtin(
    'gaussian',
    k,
    (x) => scale * erfc((-k * x) / Math.SQRT2),
    (x) => {
      const z = k * x;
      return Math.exp(-0.5 * z * z);
    },
  );
}

const BUILTINS = {
  'fast-sigmoid': fastSigmoid,
  triangle,
  exponential,
  arctan,
  'sigmoid-derivative': sigmoidDerivative,
  gaussian,
} as const satisfies Record<string, (options?: SlopeOptions) => Surrogate>;

export type BuiltinSurrogateName = keyof typeof BUILTINS;

/** Names of the built-in surrogates, as accepted by `surrogateByName`. */
export const SURROGATE_NAMES: readonly BuiltinSurrogateName[] = Object.freeze(
  Object.keys(BUILTINS) as BuiltinSurrogateName[],
);

/**
 * A built-in surrogate by name (for the CLI), with the factory's default slope
 * unless one is given. Accepts the kebab-case name ('fast-sigmoid') as well as
 * the factory's camelCase / snake_case spelling ('fastSigmoid', 'fast_sigmoid').
 */
export function surrogateByName(name: string, slope?: number): Surrogate {
  const key = String(name)
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/_/g, '-')
    .toLowerCase();
  if (!Object.prototype.hasOwnProperty.call(BUILTINS, key)) {
    throw new Error(`unknown surrogate '${name}'; valid names: ${SURROGATE_NAMES.join(', ')}`);
  }
  return BUILTINS[key as BuiltinSurrogateName](slope === undefined ? {} : { slope });
}

export interface CustomSurrogateOptions {
  /** identifier: letters, digits, '-' or '_', starting with a letter; not a built-in name */
  name: string;
  /** slope k (> 0, finite); passed to the WGSL `surrogate_grad` at run time */
  slope: number;
  /** primitive of `derivative` with fn(−∞) = 0 */
  fn: (x: number) => number;
  /** surrogate derivative σ′(x) */
  derivative: (x: number) => number;
  /** WGSL defining `fn surrogate_grad(x: f32, slope: f32) -> f32` */
  wgsl: string;
}

/** A user-defined surrogate, validated at the boundary. */
export function customSurrogate(options: CustomSurrogateOptions): Surrogate {
  const { name, slope, fn, derivative, wgsl } = options;
  if (typeof name !== 'string' || !/^[A-Za-z][A-Za-z0-9_-]*$/.test(name)) {
    throw new TypeError(
      `custom surrogate name must start with a letter and contain only letters, digits, '-' or '_', got ${JSON.stringify(name)}`,
    );
  }
  if (Object.prototype.hasOwnProperty.call(BUILTINS, name)) {
    throw new Error(`custom surrogate name '${name}' is taken by a built-in surrogate; use its factory or another name`);
  }
  checkSlope(name, slope);
  if (typeof fn !== 'function') throw new TypeError(`custom surrogate '${name}': fn must be a function`);
  if (typeof derivative !== 'function') throw new TypeError(`custom surrogate '${name}': derivative must be a function`);
  if (typeof wgsl !== 'string' || !/\bfn\s+surrogate_grad\s*\(/.test(wgsl)) {
    throw new Error(`custom surrogate '${name}': wgsl must define fn surrogate_grad(x: f32, slope: f32) -> f32`);
  }
  return Object.freeze({ name, slope, fn, derivative, wgsl });
}

// ---------------------------------------------------------------------------
// erf / erfc in double precision: W. J. Cody, "Rational Chebyshev
// approximations for the error function", Math. Comp. 23 (1969) 631–638,
// as in SPECFUN CALERF. Relative error ~1e-16 (erfc keeps full relative
// accuracy in its tail, down to underflow near x ≈ 26.5).
// ---------------------------------------------------------------------------

const ERF_A = [3.1611237438705656, 113.864154151050156, 377.485237685302021, 3209.37758913846947, 0.185777706184603153];
const ERF_B = [23.6012909523441209, 244.024637934444173, 1282.61652607737228, 2844.23683343917062];
const ERF_C = [
  0.564188496988670089, 8.88314979438837594, 66.1191906371416295, 298.635138197400131, 881.95222124176909,
  1712.04761263407058, 2051.07837782607147, 1230.33935479799725, 2.15311535474403846e-8,
];
const ERF_D = [
  15.7449261107098347, 117.693950891312499, 537.181101862009858, 1621.38957456669019, 3290.79923573345963,
  4362.61909014324716, 3439.36767414372164, 1230.33935480374942,
];
const ERF_P = [
  0.305326634961232344, 0.360344899949804439, 0.125781726111229246, 0.0160837851487422766, 6.58749161529837803e-4,
  0.0163153871373020978,
];
const ERF_Q = [2.56852019228982242, 1.87295284992346047, 0.527905102951428412, 0.0605183413124413191, 0.00233520497626869185];
const ONE_OVER_SQRT_PI = 0.56418958354775628695;
const ERF_THRESH = 0.46875;
const ERFC_XBIG = 26.543; // erfc(x) underflows beyond this

/** erf(|x|) for |x| ≤ 0.46875, times sign(x): x·A(x²)/B(x²). */
function erfSmall(x: number): number {
  const y = Math.abs(x);
  const ysq = y > 1.11e-16 ? y * y : 0;
  let num = ERF_A[4] * ysq;
  let den = ysq;
  for (let i = 0; i < 3; i++) {
    num = (num + ERF_A[i]) * ysq;
    den = (den + ERF_B[i]) * ysq;
  }
  return (x * (num + ERF_A[3])) / (den + ERF_B[3]);
}

/** erfc(y) for y > 0.46875 (y ≥ 0). exp(−y²) is split as exp(−ŷ²)·exp(−(y−ŷ)(y+ŷ)), ŷ = ⌊16y⌋/16, to keep the tail accurate. */
function erfcPositive(y: number): number {
  let r: number;
  if (y <= 4) {
    let num = ERF_C[8] * y;
    let den = y;
    for (let i = 0; i < 7; i++) {
      num = (num + ERF_C[i]) * y;
      den = (den + ERF_D[i]) * y;
    }
    r = (num + ERF_C[7]) / (den + ERF_D[7]);
  } else {
    if (y >= ERFC_XBIG) return 0;
    const ysq = 1 / (y * y);
    let num = ERF_P[5] * ysq;
    let den = ysq;
    for (let i = 0; i < 4; i++) {
      num = (num + ERF_P[i]) * ysq;
      den = (den + ERF_Q[i]) * ysq;
    }
    r = (ysq * (num + ERF_P[4])) / (den + ERF_Q[4]);
    r = (ONE_OVER_SQRT_PI - r) / y;
  }
  const yh = Math.trunc(16 * y) / 16;
  const del = (y - yh) * (y + yh);
  return Math.exp(-yh * yh) * Math.exp(-del) * r;
}

/** The error function erf(x) = (2/√π)∫₀ˣ e^{−t²} dt, double precision (Cody 1969). */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  if (y <= ERF_THRESH) return erfSmall(x);
  const r = 1 - erfcPositive(y);
  return x < 0 ? -r : r;
}

/** The complementary error function erfc(x) = 1 − erf(x), accurate in its tail (Cody 1969). */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const y = Math.abs(x);
  if (y <= ERF_THRESH) return 1 - erfSmall(x);
  const r = erfcPositive(y);
  return x < 0 ? 2 - r : r;
}
