/**
 * A line chart as an SVG document: one grey line per series (per seed) and
 * their mean in blue, as in the per-seed figures of papers/003 (Fig. 3B–C).
 */

export interface LineChart {
  title: string;
  xLabel: string;
  yLabel: string;
  /** logarithmic y axis (values must be > 0) */
  log?: boolean;
  /** series[s][i]: the value at x = i + 1 */
  series: number[][];
}

const W = 480;
const H = 320;
const M = { left: 60, right: 16, top: 28, bottom: 44 };

export function lineChartSvg(c: LineChart): string {
  const n = Math.max(...c.series.map((s) => s.length));
  const values = c.series.flat().filter((y) => Number.isFinite(y) && (!c.log || y > 0));
  if (!n || !values.length) throw new Error(`${c.title}: nothing to plot`);
  const f = (y: number) => (c.log ? Math.log10(y) : y);
  let lo = Math.min(...values.map(f));
  let hi = Math.max(...values.map(f));
  if (c.log) [lo, hi] = [Math.floor(lo), Math.ceil(hi)];
  if (hi === lo) hi = lo + 1;
  const x = (i: number) => M.left + (n === 1 ? 0 : (i / (n - 1)) * (W - M.left - M.right));
  const y = (v: number) => M.top + (1 - (f(v) - lo) / (hi - lo)) * (H - M.top - M.bottom);
  const path = (s: number[]) => s.map((v, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join('');
  const mean = Array.from({ length: n }, (_, i) => {
    const col = c.series.map((s) => s[i]).filter((v) => v !== undefined);
    return col.reduce((a, v) => a + v, 0) / col.length;
  });
  const yTicks = c.log
    ? Array.from({ length: hi - lo + 1 }, (_, k) => 10 ** (lo + k))
    : Array.from({ length: 5 }, (_, k) => lo + ((hi - lo) * k) / 4);
  const xTicks = Array.from(new Set([0, Math.floor((n - 1) / 2), n - 1]));
  const text = (tx: number, ty: number, s: string, anchor = 'middle', extra = '') => `<text x="${tx}" y="${ty}" text-anchor="${anchor}" font-size="12"${extra}>${s}</text>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    text(W / 2, 18, c.title),
    `<path d="M${M.left},${M.top}V${H - M.bottom}H${W - M.right}" fill="none" stroke="black"/>`,
    ...yTicks.map((t) => `${text(M.left - 6, y(t) + 4, c.log ? t.toExponential(0) : t.toPrecision(3), 'end')}<path d="M${M.left},${y(t)}h${W - M.left - M.right}" stroke="#ddd"/>`),
    ...xTicks.map((i) => text(x(i), H - M.bottom + 16, String(i + 1))),
    text(W / 2, H - 8, c.xLabel),
    text(14, H / 2, c.yLabel, 'middle', ` transform="rotate(-90 14 ${H / 2})"`),
    ...c.series.map((s) => `<path d="${path(s)}" fill="none" stroke="#999" stroke-opacity="0.6"/>`),
    `<path d="${path(mean)}" fill="none" stroke="#1f5fbf" stroke-width="2"/>`,
    '</svg>',
  ].join('\n');
}
