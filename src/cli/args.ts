/** Parsing of command-line option values; errors name the option and the value given. */

/** A finite number, or undefined when the option is absent. */
export function num(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isFinite(x)) throw new Error(`--${name} expects a number, got '${v}'`);
  return x;
}

/** Comma-separated finite numbers. */
export function list(v: string | undefined, name: string): number[] | undefined {
  return v?.split(',').map((s) => num(s, name)!);
}

/** `mean,std` with std ≥ 0. */
export function pair(v: string | undefined, name: string): [number, number] | undefined {
  if (v === undefined) return undefined;
  const p = v.split(',').map(Number);
  if (p.length !== 2 || !p.every(Number.isFinite) || p[1] < 0) throw new Error(`--${name} expects mean,std (std ≥ 0), got '${v}'`);
  return [p[0], p[1]];
}

/** An integer ≥ min (passes undefined through). */
export function int(x: number | undefined, name: string, min = 1): number | undefined {
  if (x !== undefined && !(Number.isInteger(x) && x >= min)) throw new Error(`--${name} expects an integer ≥ ${min}, got ${x}`);
  return x;
}

/** Hidden layer sizes: positive integers separated by commas. */
export function hiddenSizes(v: string | undefined): number[] | undefined {
  return v?.split(',').map((s) => {
    const n = Number(s);
    if (!(Number.isInteger(n) && n > 0)) throw new Error(`--hidden expects positive integers separated by commas, got '${v}'`);
    return n;
  });
}
