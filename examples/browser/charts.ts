/** Small inline-SVG charts: line charts with axes, and horizontal bars. No dependencies. */

const NS = 'http://www.w3.org/2000/svg';

export interface Series {
  name: string;
  color: string;
  points: readonly [number, number][];
  /** draw markers instead of a line (sparse series such as per-epoch test accuracy) */
  markers?: boolean;
}

export interface LineChartOptions {
  xLabel: string;
  yLabel: string;
  yMin?: number;
  yMax?: number;
  width?: number;
  height?: number;
}

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) out.push(Number(t.toPrecision(12)));
  return out;
}

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1000) return `${(v / 1000).toFixed(a >= 10000 ? 0 : 1)}k`;
  if (a >= 10) return v.toFixed(0);
  if (a >= 1) return v.toFixed(1);
  return v.toPrecision(2);
}

/** Render `series` into `svg` (replacing its content). */
export function lineChart(svg: SVGSVGElement, series: readonly Series[], o: LineChartOptions): void {
  const W = o.width ?? 420;
  const H = o.height ?? 220;
  const m = { l: 48, r: 10, t: 10, b: 36 };
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.replaceChildren();
  const pts = series.flatMap((s) => s.points);
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]).filter(Number.isFinite);
  const x0 = xs.length ? Math.min(...xs) : 0;
  let x1 = xs.length ? Math.max(...xs) : 1;
  if (x1 <= x0) x1 = x0 + 1;
  let y0 = o.yMin ?? (ys.length ? Math.min(...ys) : 0);
  let y1 = o.yMax ?? (ys.length ? Math.max(...ys) : 1);
  if (y1 <= y0) {
    y0 -= 0.5;
    y1 += 0.5;
  }
  const X = (x: number) => m.l + ((x - x0) / (x1 - x0)) * (W - m.l - m.r);
  const Y = (y: number) => H - m.b - ((y - y0) / (y1 - y0)) * (H - m.t - m.b);
  const axes = el('g', { class: 'axes', 'font-size': 10, fill: '#555' });
  for (const t of niceTicks(y0, y1)) {
    axes.append(el('line', { x1: m.l, x2: W - m.r, y1: Y(t), y2: Y(t), stroke: '#e4e4e4' }));
    axes.append(el('text', { x: m.l - 4, y: Y(t) + 3, 'text-anchor': 'end' }, fmt(t)));
  }
  for (const t of niceTicks(x0, x1)) {
    axes.append(el('line', { x1: X(t), x2: X(t), y1: H - m.b, y2: H - m.b + 4, stroke: '#888' }));
    axes.append(el('text', { x: X(t), y: H - m.b + 14, 'text-anchor': 'middle' }, fmt(t)));
  }
  axes.append(el('rect', { x: m.l, y: m.t, width: W - m.l - m.r, height: H - m.t - m.b, fill: 'none', stroke: '#888' }));
  axes.append(el('text', { x: (m.l + W - m.r) / 2, y: H - 4, 'text-anchor': 'middle' }, o.xLabel));
  axes.append(el('text', { x: 10, y: (m.t + H - m.b) / 2, 'text-anchor': 'middle', transform: `rotate(-90 10 ${(m.t + H - m.b) / 2})` }, o.yLabel));
  svg.append(axes);
  series.forEach((s, i) => {
    const g = el('g', { 'data-series': s.name });
    const visible = s.points.filter((p) => Number.isFinite(p[1]));
    if (s.markers) {
      for (const [x, y] of visible) g.append(el('circle', { cx: X(x), cy: Y(y), r: 3, fill: s.color }));
    } else if (visible.length) {
      g.append(el('polyline', { points: visible.map(([x, y]) => `${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join(' '), fill: 'none', stroke: s.color, 'stroke-width': 1.5 }));
    }
    g.append(el('rect', { x: m.l + 8, y: m.t + 6 + 14 * i, width: 10, height: 3, fill: s.color }));
    g.append(el('text', { x: m.l + 22, y: m.t + 10 + 14 * i, 'font-size': 10, fill: '#333' }, s.name));
    svg.append(g);
  });
}

/** Horizontal bars (label, value, unit) into a container element, largest first. */
export function barList(container: HTMLElement, entries: readonly [string, number][], unit: string): void {
  const sorted = [...entries].sort((a, b) => b[1] - a[1]);
  const max = Math.max(1e-12, ...sorted.map((e) => e[1]));
  container.replaceChildren(
    ...sorted.map(([label, v]) => {
      const row = document.createElement('div');
      row.className = 'bar-row';
      const name = document.createElement('span');
      name.className = 'bar-label';
      name.textContent = label;
      const bar = document.createElement('span');
      bar.className = 'bar';
      bar.style.width = `${(100 * v) / max}%`;
      const val = document.createElement('span');
      val.className = 'bar-value';
      val.textContent = `${v.toFixed(v < 10 ? 2 : 1)} ${unit}`;
      const track = document.createElement('span');
      track.className = 'bar-track';
      track.append(bar);
      row.append(name, track, val);
      return row;
    }),
  );
}
