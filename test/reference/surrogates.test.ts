import { describe, expect, it } from 'vitest';
import {
  SURROGATE_NAMES,
  arctan,
  customSurrogate,
  erf,
  erfc,
  exponential,
  fastSigmoid,
  gaussian,
  sigmoidDerivative,
  surrogateByName,
  triangle,
  type Surrogate,
} from '../../src/surrogates.js';
import { shader } from '../../kernels/shaders.js';

const FACTORIES = { fastSigmoid, triangle, exponential, arctan, sigmoidDerivative, gaussian } as const;

/** Default slopes and the upper asymptote F(+∞) = ∫σ′ of each built-in. */
const EXPECTED: Record<string, { slope: number; height: (k: number) => number }> = {
  'fast-sigmoid': { slope: 10, height: (k) => 2 / k },
  triangle: { slope: 1, height: (k) => 1 / k },
  exponential: { slope: 5, height: (k) => 2 / k },
  arctan: { slope: 2, height: (k) => 2 / k },
  'sigmoid-derivative': { slope: 5, height: () => 1 },
  gaussian: { slope: 3, height: (k) => Math.sqrt(2 * Math.PI) / k },
};

/** Independent restatement of each σ′ from the spec, to check `derivative`. */
const FORMULA: Record<string, (x: number, k: number) => number> = {
  'fast-sigmoid': (x, k) => 1 / (1 + k * Math.abs(x)) ** 2,
  triangle: (x, k) => Math.max(0, 1 - k * Math.abs(x)),
  exponential: (x, k) => Math.exp(-k * Math.abs(x)),
  arctan: (x, k) => 1 / (1 + ((Math.PI * k * x) / 2) ** 2),
  'sigmoid-derivative': (x, k) => {
    const s = 1 / (1 + Math.exp(-k * x));
    return k * s * (1 - s);
  },
  gaussian: (x, k) => Math.exp(-((k * x) ** 2) / 2),
};

/** Grid over [−3, 3] that avoids the kinks of σ′ (x = 0, ±1/k) by ≥ 0.003. */
const GRID = Array.from({ length: 600 }, (_, i) => -3 + (6 * (i + 0.37)) / 600);

function allSurrogates(): Surrogate[] {
  const out: Surrogate[] = [];
  for (const name of SURROGATE_NAMES) {
    out.push(surrogateByName(name));
    out.push(surrogateByName(name, 0.7)); // a non-default slope too
  }
  return out;
}

describe('built-in surrogates', () => {
  it('are the six documented ones with their default slopes', () => {
    expect([...SURROGATE_NAMES].sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const [name, make] of Object.entries(FACTORIES)) {
      const s = make();
      expect(s.slope, name).toBe(EXPECTED[s.name].slope);
      expect(surrogateByName(s.name).slope).toBe(s.slope);
    }
  });

  for (const s of allSurrogates()) {
    describe(`${s.name} (k = ${s.slope})`, () => {
      it('derivative matches the formula', () => {
        for (const x of [...GRID, 0, 1 / s.slope, -1 / s.slope]) {
          expect(s.derivative(x)).toBeCloseTo(FORMULA[s.name](x, s.slope), 14);
        }
      });

      it('derivative equals the central finite difference of fn', () => {
        const h = 1e-6;
        for (const x of GRID) {
          const fd = (s.fn(x + h) - s.fn(x - h)) / (x + h - (x - h));
          const d = s.derivative(x);
          // relative 1e-6, plus a floor for the round-off of fn (≈ ε·F/h) where σ′ is tiny
          expect(Math.abs(fd - d), `x = ${x}: fd ${fd} vs σ′ ${d}`).toBeLessThanOrEqual(1e-6 * Math.abs(d) + 1e-9);
        }
      });

      it('fn is 0 at −∞, reaches ∫σ′ at +∞, and is monotone', () => {
        const height = EXPECTED[s.name].height(s.slope);
        for (const x of [-1e6, -1e12, -Infinity]) {
          expect(s.fn(x)).toBeGreaterThanOrEqual(0);
          expect(s.fn(x)).toBeLessThan(1e-5 * height); // fast sigmoid's tail is 1/(k²|x|)
        }
        expect(s.fn(-Infinity)).toBe(0);
        expect(s.fn(1e9)).toBeCloseTo(height, 6);
        let prev = s.fn(-10);
        for (let x = -10; x <= 10; x += 1e-3) {
          const f = s.fn(x);
          expect(f).toBeGreaterThanOrEqual(prev);
          prev = f;
        }
      });

      it('derivative is even, non-negative and peaks at 0', () => {
        for (const x of GRID) {
          expect(s.derivative(x)).toBeGreaterThanOrEqual(0);
          expect(s.derivative(-x)).toBe(s.derivative(x));
          expect(s.derivative(x)).toBeLessThanOrEqual(s.derivative(0));
        }
        expect(Number.isFinite(s.derivative(1e300))).toBe(true);
        expect(Number.isFinite(s.derivative(-1e300))).toBe(true);
      });

      it('carries the WGSL of shaders/common/surrogates/<name>.wgsl', () => {
        expect(s.wgsl).toBe(shader(`common/surrogates/${s.name}`));
        expect(s.wgsl.match(/fn surrogate_grad\(x: f32, slope: f32\) -> f32/g)).toHaveLength(1);
      });

      it('its WGSL body, transliterated to JS, computes the CPU derivative', () => {
        const jsGrad = transliterateSurrogateGrad(s.wgsl);
        for (const x of GRID) {
          expect(jsGrad(x, s.slope), `x = ${x}`).toBeCloseTo(s.derivative(x), 12);
        }
      });
    });
  }

  it('arctan and gaussian fn have the closed forms', () => {
    const a = arctan({ slope: 2 });
    for (const x of [-2, -0.3, 0, 0.4, 3]) expect(a.fn(x)).toBeCloseTo(0.5 + Math.atan(Math.PI * x) / Math.PI, 14);
    const g = gaussian({ slope: 1 });
    expect(g.fn(0)).toBeCloseTo(Math.sqrt(2 * Math.PI) / 2, 15);
  });
});

describe('slope validation', () => {
  for (const [fname, make] of Object.entries(FACTORIES)) {
    it(`${fname} rejects non-positive or non-finite slopes with a RangeError naming it`, () => {
      const name = make().name;
      for (const slope of [0, -1, NaN, Infinity, -Infinity]) {
        expect(() => make({ slope })).toThrow(RangeError);
        expect(() => make({ slope })).toThrow(new RegExp(`'${name}'.*slope`));
      }
      expect(make({ slope: 0.25 }).slope).toBe(0.25);
    });
  }

  it('surrogateByName validates the slope too', () => {
    expect(() => surrogateByName('triangle', -2)).toThrow(RangeError);
  });
});

describe('surrogateByName', () => {
  it('accepts kebab, camel and snake case', () => {
    expect(surrogateByName('fast-sigmoid').name).toBe('fast-sigmoid');
    expect(surrogateByName('fastSigmoid').name).toBe('fast-sigmoid');
    expect(surrogateByName('sigmoid_derivative', 2).slope).toBe(2);
  });

  it('lists the valid names for an unknown one', () => {
    expect(() => surrogateByName('relu')).toThrow(/unknown surrogate 'relu'.*fast-sigmoid, triangle, exponential, arctan, sigmoid-derivative, gaussian/);
  });
});

describe('customSurrogate', () => {
  const base = {
    name: 'box',
    slope: 2,
    fn: (x: number) => Math.min(Math.max(x + 0.5, 0), 1),
    derivative: (x: number) => (Math.abs(x) < 0.5 ? 1 : 0),
    wgsl: 'fn surrogate_grad(x: f32, slope: f32) -> f32 { return select(0.0, 1.0, abs(x) < 0.5); }',
  };

  it('builds a frozen surrogate', () => {
    const s = customSurrogate(base);
    expect(s.name).toBe('box');
    expect(s.derivative(0.1)).toBe(1);
    expect(Object.isFrozen(s)).toBe(true);
  });

  it('validates name, slope, functions and wgsl', () => {
    expect(() => customSurrogate({ ...base, name: '' })).toThrow(/name/);
    expect(() => customSurrogate({ ...base, name: 'has space' })).toThrow(/name/);
    expect(() => customSurrogate({ ...base, name: 'triangle' })).toThrow(/built-in/);
    expect(() => customSurrogate({ ...base, slope: 0 })).toThrow(RangeError);
    expect(() => customSurrogate({ ...base, slope: NaN })).toThrow(RangeError);
    expect(() => customSurrogate({ ...base, fn: undefined as unknown as (x: number) => number })).toThrow(/fn/);
    expect(() => customSurrogate({ ...base, derivative: 3 as unknown as (x: number) => number })).toThrow(/derivative/);
    expect(() => customSurrogate({ ...base, wgsl: 'fn other(x: f32) -> f32 { return x; }' })).toThrow(/surrogate_grad/);
  });
});

describe('erf / erfc (Cody 1969)', () => {
  // reference values from mpmath at 30 digits
  const table: [number, number, number][] = [
    [0, 0, 1],
    [1e-10, 1.128379167095512615e-10, 0.99999999988716208329],
    [0.1, 0.1124629160182848984, 0.8875370839817151016],
    [0.3, 0.32862675945912741619, 0.67137324054087258381],
    [0.46875, 0.49261347321793799159, 0.50738652678206200841],
    [0.5, 0.52049987781304653768, 0.47950012218695346232],
    [1, 0.84270079294971486934, 0.15729920705028513066],
    [2, 0.99532226501895273416, 0.0046777349810472658379],
    [3, 0.99997790950300141456, 0.000022090496998585441373],
    [4, 0.99999998458274209972, 1.5417257900280018852e-8],
    [4.5, 0.99999999980338395585, 1.9661604415428874763e-10],
    [5, 0.99999999999846254021, 1.5374597944280348502e-12],
    [6, 0.99999999999999997848, 2.1519736712498913117e-17],
    [10, 1, 2.088487583762544757e-45],
    [20, 1, 5.3958656116079009289e-176],
    [26, 1, 5.6631924088561428465e-296],
  ];

  const rel = (a: number, b: number) => (b === 0 ? Math.abs(a) : Math.abs(a - b) / Math.abs(b));

  it('matches known values to ~1e-15 relative', () => {
    for (const [x, e, ec] of table) {
      expect(rel(erf(x), e), `erf(${x})`).toBeLessThan(2e-15);
      expect(rel(erfc(x), ec), `erfc(${x})`).toBeLessThan(2e-15 * Math.max(1, x));
      expect(rel(erf(-x), -e), `erf(−${x})`).toBeLessThan(2e-15);
      expect(rel(erfc(-x), 1 + e), `erfc(−${x})`).toBeLessThan(2e-15);
    }
  });

  it('handles the extremes', () => {
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(erfc(Infinity)).toBe(0);
    expect(erfc(-Infinity)).toBe(2);
    expect(erfc(30)).toBe(0);
    expect(erf(NaN)).toBeNaN();
  });
});

/**
 * CPU check of the WGSL formula: a literal transliteration of the body of
 * `surrogate_grad` into JS (the built-in shaders use only let, return,
 * arithmetic, abs, exp, max). Evaluated in float64; the GPU tests check f32.
 */
function transliterateSurrogateGrad(wgsl: string): (x: number, slope: number) => number {
  const src = wgsl.replace(/\/\/.*$/gm, '');
  const m = /fn surrogate_grad\(x: f32, slope: f32\) -> f32 \{([\s\S]*)\}/.exec(src);
  if (!m) throw new Error('no surrogate_grad body');
  const body = m[1]
    .replace(/\blet\b/g, 'const')
    .replace(/\b(abs|exp|max|min)\(/g, 'Math.$1(')
    .replace(/(\d)u\b/g, '$1');
  if (/[^\w\s.+\-*/(),;=<>]/.test(body)) throw new Error(`unexpected WGSL in surrogate_grad: ${body}`);
  return new Function('x', 'slope', body) as (x: number, slope: number) => number;
}
