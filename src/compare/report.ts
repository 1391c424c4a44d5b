/**
 * The comparison report: `report.json` (every number) and `report.html`, a
 * self-contained page (inline SVG charts, inline CSS, the JSON embedded in a
 * <script type="application/json" id="report-data"> tag; no network access) with
 * the tables and plots. Browser-safe; writing files and PNGs: ./files.ts (Node).
 */
import type { CompareReport, MethodResult } from './runner.js';
import { MEANING } from './runner.js';
import { DEFAULT_METHOD } from '../methods/registry.js';

export interface Series {
  name: string;
  points: [number, number][];
}

export interface Chart {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** log-scale x axis */
  logX?: boolean;
  /** log-scale y axis (points with y ≤ 0 are left out) */
  logY?: boolean;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

/** Number as shown in the HTML tables (the same function the tests use). */
export function fmt(x: number, digits = 4): string {
  if (x === undefined || x === null || Number.isNaN(x)) return '–';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x !== 0 && (Math.abs(x) >= 1e6 || Math.abs(x) < 1e-3)) return x.toExponential(digits - 1);
  return Number(x.toPrecision(digits)).toString();
}

export function fmtBytes(b: number): string {
  if (b >= 2 ** 20) return `${fmt(b / 2 ** 20, 3)} MiB`;
  if (b >= 2 ** 10) return `${fmt(b / 2 ** 10, 3)} KiB`;
  return `${b} B`;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function niceTicks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const step0 = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? step0;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9 && out.length <= 4 * n; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** A line chart as a standalone SVG element (width 560, height 320). */
export function lineChartSvg(c: Chart): string {
  const W = 560;
  const H = 320;
  const m = { l: 62, r: 150, t: 30, b: 44 };
  const usable = ([x, y]: [number, number]) => Number.isFinite(x) && Number.isFinite(y) && (!c.logX || x > 0) && (!c.logY || y > 0);
  const pts = c.series.flatMap((s) => s.points).filter(usable);
  const tx = (x: number) => (c.logX ? Math.log10(x) : x);
  const ty = (y: number) => (c.logY ? Math.log10(y) : y);
  let [x0, x1] = pts.length ? [Math.min(...pts.map((p) => tx(p[0]))), Math.max(...pts.map((p) => tx(p[0])))] : [0, 1];
  let [y0, y1] = pts.length ? [Math.min(...pts.map((p) => ty(p[1]))), Math.max(...pts.map((p) => ty(p[1])))] : [0, 1];
  // ranges below float resolution (1 and 1 − 2⁻⁵²) count as one value: ticks cannot step through them
  const flat = (a: number, b: number) => b - a <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));
  if (flat(x0, x1)) [x0, x1] = [x0 - 1, x1 + 1];
  if (flat(y0, y1)) [y0, y1] = [y0 - Math.max(1e-3, Math.abs(y0) * 0.05), y1 + Math.max(1e-3, Math.abs(y1) * 0.05)];
  const pad = (y1 - y0) * 0.05;
  y0 -= pad;
  y1 += pad;
  const px = (x: number) => m.l + ((tx(x) - x0) / (x1 - x0)) * (W - m.l - m.r);
  const py = (y: number) => H - m.b - ((ty(y) - y0) / (y1 - y0)) * (H - m.t - m.b);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" id="${esc(c.id)}" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`);
  parts.push(`<rect width="${W}" height="${H}" fill="#fff"/>`);
  parts.push(`<text x="${m.l}" y="18" font-size="13" font-weight="bold">${esc(c.title)}</text>`);
  const xs = [...new Set(pts.map((p) => p[0]))].sort((a, b) => a - b);
  // log axes: a tick at every x of the data; integer data (epochs): integer ticks
  const xt = c.logX ? xs : xs.every((x) => Number.isInteger(x)) && xs.length <= 12 ? niceTicks(x0, x1).filter((v) => Number.isInteger(v)) : niceTicks(x0, x1);
  for (const v of xt) {
    const x = px(v);
    parts.push(`<line x1="${x}" x2="${x}" y1="${m.t}" y2="${H - m.b}" stroke="#eee"/><text x="${x}" y="${H - m.b + 14}" text-anchor="middle">${esc(fmt(v, 3))}</text>`);
  }
  // log y: a tick at every power of ten in range (or at the data's extremes when none is)
  const decades = Array.from({ length: Math.max(0, Math.floor(y1) - Math.ceil(y0) + 1) }, (_, i) => 10 ** (Math.ceil(y0) + i));
  const yt = c.logY ? (decades.length ? decades : [10 ** y0, 10 ** y1]) : niceTicks(y0, y1);
  for (const v of yt) {
    const y = py(v);
    parts.push(`<line x1="${m.l}" x2="${W - m.r}" y1="${y}" y2="${y}" stroke="#eee"/><text x="${m.l - 5}" y="${y + 4}" text-anchor="end">${esc(fmt(v, 3))}</text>`);
  }
  parts.push(`<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#888"/>`);
  parts.push(`<text x="${(m.l + W - m.r) / 2}" y="${H - 8}" text-anchor="middle">${esc(c.xLabel)}</text>`);
  parts.push(`<text transform="translate(14 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">${esc(c.yLabel)}</text>`);
  c.series.forEach((s, i) => {
    const col = COLORS[i % COLORS.length];
    const ok = s.points.filter(usable);
    if (ok.length > 1) parts.push(`<polyline fill="none" stroke="${col}" stroke-width="2" points="${ok.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ')}"/>`);
    for (const [x, y] of ok) parts.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y).toFixed(1)}" r="3" fill="${col}"><title>${esc(`${s.name}: (${fmt(x)}, ${fmt(y)})`)}</title></circle>`);
    const ly = m.t + 8 + i * 16;
    parts.push(`<line x1="${W - m.r + 10}" x2="${W - m.r + 28}" y1="${ly}" y2="${ly}" stroke="${col}" stroke-width="2"/><text x="${W - m.r + 32}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('');
}

/** What vsExact compares against ('exact BPTT', or 'EventProp' in an event comparison). */
export function referenceName(r: CompareReport): string {
  return r.reference ?? 'exact BPTT';
}

/** The charts of a report, in page order. */
export function reportCharts(r: CompareReport): Chart[] {
  const per = (f: (m: MethodResult) => [number, number][]) => r.methods.map((m) => ({ name: m.label, points: f(m) }));
  const ref = referenceName(r);
  const event = r.kind === 'event';
  const charts: Chart[] = [
    { id: 'accuracy-epoch', title: 'Test accuracy vs epoch', xLabel: 'epoch', yLabel: 'test accuracy', series: per((m) => m.epochs.map((e) => [e.epoch, e.testAccuracy])) },
    { id: 'loss-epoch', title: 'Training loss vs epoch', xLabel: 'epoch', yLabel: 'mean training loss', series: per((m) => m.epochs.map((e) => [e.epoch, e.loss])) },
    { id: 'accuracy-time', title: 'Test accuracy vs training wall time', xLabel: 'training time (s)', yLabel: 'test accuracy', series: per((m) => m.epochs.map((e) => [e.wallSeconds, e.testAccuracy])) },
    { id: 'cosine-exact', title: event ? `Gradient cosine vs ${ref} (same continuous weights)` : 'Gradient cosine vs exact surrogate BPTT', xLabel: 'epoch (0 = initial weights)', yLabel: event ? 'cosine' : 'cosine (all parameters)', series: [
      ...per((m) => m.probes.map((p) => [p.epoch, p.vsExact.overall.cosine])).map((x) => (event ? { ...x, name: `${x.name} (all)` } : x)),
      // event comparison: each tensor of the methods other than the reference (the overall cosine is dominated by the largest tensor)
      ...(event ? r.methods.filter((m) => !m.exact).flatMap((m) => (m.probes[0]?.vsExact.layers ?? []).map((l, i) => ({ name: `${m.label} ${l.param}`, points: m.probes.map((p) => [p.epoch, p.vsExact.layers[i].cosine] as [number, number]) }))) : []),
    ] },
  ];
  if (r.methods.some((m) => m.probes.some((p) => p.vsFiniteDiff))) {
    charts.push({ id: 'cosine-fd', title: event ? 'Gradient cosine vs finite differences (continuous loss)' : 'Gradient cosine vs finite differences (smooth model)', xLabel: 'epoch (0 = initial weights)', yLabel: 'cosine (FD entries)', series: per((m) => m.probes.filter((p) => p.vsFiniteDiff).map((p) => [p.epoch, p.vsFiniteDiff!.overall.cosine])) });
  }
  if (r.sweep?.surrogates.length) {
    const kinds = [...new Set(r.sweep.surrogates.map((p) => p.surrogate))];
    charts.push({ id: 'sweep-surrogate', title: event ? `Surrogate kind and slope: BPTT cosine vs ${ref}` : 'Surrogate kind and slope: cosine vs configured surrogate', xLabel: 'slope k', yLabel: 'cosine', logX: true, series: kinds.map((k) => ({ name: k, points: r.sweep!.surrogates.filter((p) => p.surrogate === k).map((p) => [p.slope, p.vsDefault.overall.cosine] as [number, number]) })) });
  }
  if (r.sweep?.dts.length) {
    const dts = r.sweep.dts;
    const series: Series[] = [{ name: event ? 'all' : DEFAULT_METHOD, points: dts.map((p) => [p.dtMs, p.vsDefault.overall.cosine] as [number, number]) }];
    // event comparison: each tensor too (the readout's gradient approaches EventProp's as Δt → 0)
    if (event) for (const [i, l] of dts[0].vsDefault.layers.entries()) series.push({ name: l.param, points: dts.map((p) => [p.dtMs, p.vsDefault.layers[i].cosine] as [number, number]) });
    charts.push({ id: 'sweep-dt', title: event ? `Grid step Δt: BPTT cosine vs ${ref}` : 'Grid step Δt: cosine vs configured Δt', xLabel: 'Δt (ms)', yLabel: 'cosine', logX: true, series });
  }
  if (r.convergence?.points.length) {
    const p = r.convergence.points;
    charts.push({ id: 'convergence-error', title: 'Δt convergence: spike-time error vs continuous model', xLabel: 'Δt (ms)', yLabel: 'error of matched spikes (ms)', logX: true, logY: true, series: [
      { name: 'mean |error|', points: p.map((q) => [q.dtMs, q.meanError] as [number, number]) },
      { name: 'max |error|', points: p.map((q) => [q.dtMs, q.maxError] as [number, number]) },
      { name: 'Δt (first order)', points: p.map((q) => [q.dtMs, q.dtMs] as [number, number]) },
    ] });
    charts.push({ id: 'convergence-mismatch', title: 'Δt convergence: spikes that appear or vanish', xLabel: 'Δt (ms)', yLabel: 'spikes', logX: true, series: [
      { name: 'missing', points: p.map((q) => [q.dtMs, q.missing] as [number, number]) },
      { name: 'extra', points: p.map((q) => [q.dtMs, q.extra] as [number, number]) },
    ] });
  }
  return charts;
}

function table(head: string[], rows: string[][]): string {
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

/** The headline row of a method: final test accuracy, seconds per epoch, memory, gradient cosine at the last probe. */
export function headline(m: MethodResult) {
  const last = m.epochs[m.epochs.length - 1];
  const probe = m.probes[m.probes.length - 1];
  return {
    testAccuracy: last?.testAccuracy ?? NaN,
    secondsPerEpoch: m.epochs.length ? m.epochs.reduce((s, e) => s + e.seconds, 0) / m.epochs.length : NaN,
    storedBytes: m.memory.storedBytes,
    peakAllocatedBytes: m.memory.peakAllocatedBytes,
    cosineVsExact: probe?.vsExact.overall.cosine ?? NaN,
    relErrorVsExact: probe?.vsExact.overall.relError ?? NaN,
    cosineVsFiniteDiff: probe?.vsFiniteDiff?.overall.cosine ?? NaN,
    /** total of the last timing entry (queue timing) */
    msPerStep: m.timing.length ? m.timing[m.timing.length - 1].totalMs : NaN,
  };
}

export function reportHtml(r: CompareReport): string {
  const charts = reportCharts(r);
  const ref = referenceName(r);
  const meaning = (k: string) => r.meaning?.[k] ?? MEANING[k];
  const ev = r.kind === 'event' ? r.event : undefined;
  const s: string[] = [];
  const h = (tag: string, text: string) => s.push(`<${tag}>${esc(text)}</${tag}>`);
  s.push('<!doctype html><html><head><meta charset="utf-8"><title>webspike compare</title><style>body{font-family:sans-serif;max-width:1200px;margin:1em auto;padding:0 1em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.2em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}.charts{display:flex;flex-wrap:wrap;gap:12px}p.note{color:#555;font-size:90%;max-width:900px}</style></head><body>');
  h('h1', 'webspike compare');
  if (ev) {
    s.push(`<p>${esc(`${r.data.name}: ${r.data.train} train / ${r.data.test} test samples; continuous-time network ${r.network.sizes.join('-')}, τ_mem = ${fmt(ev.tauMemMs)} ms, τ_syn = ${fmt(ev.tauSynMs)} ms, ϑ = ${fmt(ev.threshold)}, D = ${fmt(ev.durationMs)} ms, readout max-over-time voltage loss (eq. 4); BPTT on its discretisation with Δt0 = ${fmt(ev.dtMs)} ms (T = ${ev.steps} steps, c = ${fmt(ev.drive, 6)}), surrogate ${r.network.surrogate} (k = ${r.network.slope}); batch ${r.config.batchSize}, ${r.config.epochs} epochs, ${r.config.optimizer.kind} lr ${r.config.optimizer.lr}, seed ${r.config.seed}. Device: ${r.device}. Created ${r.created}.`)}</p>`);
  } else {
    s.push(`<p>${esc(`${r.data.name}: ${r.data.train} train / ${r.data.test} test samples; network ${r.network.sizes.join('-')}${r.network.recurrent ? ' (recurrent)' : ''}, T = ${r.network.steps}, Δt = ${r.network.dtMs} ms, surrogate ${r.network.surrogate} (k = ${r.network.slope}); batch ${r.config.batchSize}, ${r.config.epochs} epochs, ${r.config.optimizer.kind} lr ${r.config.optimizer.lr}, seed ${r.config.seed}. Device: ${r.device}. Created ${r.created}.`)}</p>`);
  }
  h('h2', 'Summary');
  s.push(table(
    ['method', 'test accuracy', 's / epoch', 'ms / step', 'stored for backward', 'peak GPU buffers', `cosine vs ${ref}`, `rel. error vs ${ref}`, 'cosine vs FD', ...(ev ? [`cosine per tensor vs ${ref}`] : [])],
    r.methods.map((m) => {
      const x = headline(m);
      const layers = m.probes[m.probes.length - 1]?.vsExact.layers ?? [];
      return [esc(m.label), fmt(x.testAccuracy), fmt(x.secondsPerEpoch), fmt(x.msPerStep), esc(fmtBytes(x.storedBytes)), esc(fmtBytes(x.peakAllocatedBytes)), fmt(x.cosineVsExact), fmt(x.relErrorVsExact), fmt(x.cosineVsFiniteDiff),
        ...(ev ? [esc(layers.map((l) => `${l.param} ${fmt(l.cosine)}`).join(', '))] : [])];
    }),
  ));
  s.push(`<p class="note">Gradient columns: last probe (after the last epoch). ${esc(meaning('vsExact'))}</p>`);
  if (ev) {
    h('h2', 'Continuous network and its discretisation');
    s.push(`<p class="note">${esc(ev.mapping)}</p>`);
    const dopt = ev.discreteOptimizer.spec as { kind: string; lr: number; eps?: number; weightDecay: number };
    s.push(table(['quantity', 'value'], [
      ['Δt0 (ms)', fmt(ev.dtMs)], ['steps T = ⌊D/Δt0⌋ + 1', String(ev.steps)], ['drive factor c', fmt(ev.drive, 6)],
      ['EventProp scan grid (ms)', fmt(ev.scanGridMs)],
      ['BPTT optimizer on W̃', esc(`${dopt.kind} lr ${fmt(dopt.lr, 6)}${dopt.eps !== undefined ? `, ε ${fmt(dopt.eps, 4)}` : ''}, weight decay ${fmt(dopt.weightDecay)}, clip ${fmt(ev.discreteOptimizer.maxGradNorm)} (learning rates × ${fmt(ev.discreteOptimizer.lrScale, 6)})`)],
      ['input encoding', esc(Object.entries(ev.encoding).map(([k, v]) => `${k} ${v}`).join(', '))],
      ['initial weights (continuous)', esc(JSON.stringify(ev.init))],
    ]));
  }
  s.push(`<div class="charts">${charts.filter((c) => !c.id.startsWith('convergence-')).map((c) => lineChartSvg(c)).join('')}</div>`);
  h('h2', 'Epochs');
  const testSpikes = r.methods.some((m) => m.epochs.some((e) => e.testSpikesPerSample));
  s.push(table(['method', 'epoch', 'train loss', 'train acc.', 'test loss', 'test acc.', 'train s', 'cumulative s', 'samples / s', 'skipped steps', ...(testSpikes ? ['spikes / test sample'] : [])],
    r.methods.flatMap((m) => m.epochs.map((e) => [esc(m.label), String(e.epoch), fmt(e.loss), fmt(e.trainAccuracy), fmt(e.testLoss), fmt(e.testAccuracy), fmt(e.seconds), fmt(e.wallSeconds), fmt(e.samplesPerSecond), String(e.skippedSteps),
      ...(testSpikes ? [esc((e.testSpikesPerSample ?? []).map((x) => fmt(x)).join(', '))] : [])]))));
  h('h2', 'Gradient fidelity per layer');
  s.push(`<p class="note">${esc(meaning('vsExact'))}</p><p class="note">${esc(meaning('vsFiniteDiff'))}</p>`);
  const rows: string[][] = [];
  for (const m of r.methods) {
    for (const p of m.probes) {
      const add = (against: string, f: CompareReport['methods'][number]['probes'][number]['vsExact'] | undefined) => {
        if (!f) return;
        for (const l of [...f.layers, f.overall]) rows.push([esc(m.label), String(p.epoch), against, esc(l.param), String(l.entries), fmt(l.cosine), fmt(l.relError), fmt(l.norm), fmt(l.refNorm)]);
      };
      add(esc(ref), p.vsExact);
      add(p.fdSkipped ? `finite diff. (${p.fdSkipped} entries skipped)` : 'finite diff.', p.vsFiniteDiff);
      add('finite diff. (smooth BPTT)', p.smoothReferenceVsFiniteDiff);
      add('finite diff. (float64 EventProp)', p.referenceVsFiniteDiff);
    }
  }
  s.push(table(['method', 'epoch', 'against', 'parameter', 'entries', 'cosine', 'rel. error', '‖g‖', '‖g_ref‖'], rows));
  h('h2', 'Time per training step (ms)');
  s.push(`<p class="note">${esc(meaning('timing'))}</p>`);
  s.push(table(['method', 'source', ev ? 'input' : 'encode', 'forward', 'backward', 'optimizer', 'total', 'samples'],
    r.methods.flatMap((m) => m.timing.map((t) => [esc(m.label), t.source, fmt(t.encodeMs ?? NaN), fmt(t.forwardMs), fmt(t.backwardMs), fmt(t.optimizerMs), fmt(t.totalMs), String(t.samples)]))));
  h('h2', 'Memory');
  s.push(`<p class="note">${esc(meaning('memory'))}</p>`);
  s.push(table(['method', 'stored for backward (B)', 'peak GPU buffers (B)', 'parameters (B)', 'stored buffers'],
    r.methods.map((m) => [esc(m.label), String(m.memory.storedBytes), String(m.memory.peakAllocatedBytes), String(m.memory.parameterBytes), esc(m.memory.storedBuffers.map((b) => `${b.name}: ${b.bytes}`).join(', '))])));
  h('h2', 'Spikes per sample per hidden layer (probe batch)');
  s.push(`<p class="note">${esc(meaning('spikes'))}</p>`);
  s.push(table(['method', 'epoch', ...r.config.hidden.map((_, l) => `hidden ${l}`)],
    r.methods.flatMap((m) => m.probes.map((p) => [esc(m.label), String(p.epoch), ...p.spikesPerSample.map((x) => fmt(x))]))));
  if (r.sweep) {
    h('h2', 'Sensitivity sweeps');
    s.push(`<p class="note">${esc(meaning('sweep'))} Weights: ${esc(r.sweep.weightsFrom)}.</p>`);
    const sref = r.sweep.reference;
    if (sref) s.push(`<p class="note">${esc(`${ref} at these weights on the probe batch: loss ${fmt(sref.loss)}, accuracy ${fmt(sref.accuracy)}, spikes / sample ${sref.spikesPerSample.map((x) => fmt(x)).join(', ')}.`)}</p>`);
    s.push(table(['surrogate', 'slope', 'Δt (ms)', 'steps', 'probe loss', 'probe acc.', 'spikes / sample', 'cosine', 'rel. error', 'cosine per tensor', '‖g‖ / ‖g_ref‖ per tensor'],
      [...r.sweep.surrogates, ...r.sweep.dts].map((p) => [esc(p.surrogate), fmt(p.slope), fmt(p.dtMs), String(p.steps), fmt(p.loss), fmt(p.accuracy), esc(p.spikesPerSample.map((x) => fmt(x)).join(', ')), fmt(p.vsDefault.overall.cosine), fmt(p.vsDefault.overall.relError),
        esc(p.vsDefault.layers.map((l) => `${l.param} ${fmt(l.cosine)}`).join(', ')), esc(p.vsDefault.layers.map((l) => `${l.param} ${fmt(l.norm / l.refNorm)}`).join(', '))])));
  }
  if (r.convergence) {
    const c = r.convergence;
    h('h2', 'Δt convergence');
    s.push(`<p class="note">${esc(meaning('convergence'))}</p>`);
    s.push(`<p class="note">${esc(`Weights: ${c.weightsFrom}; ${c.samples} probe samples; τ_mem = ${fmt(c.tauMemMs)} ms, τ_syn = ${fmt(c.tauSynMs)} ms, ϑ = ${fmt(c.threshold)}, duration ${fmt(c.durationMs)} ms, Δt0 = ${fmt(c.dt0Ms)} ms, compared network's reset: ${c.reset}.`)}</p>`);
    if (c.skipped) s.push(`<p class="note">${esc(`Not computed: ${c.skipped}.`)}</p>`);
    else {
      s.push(table(['Δt (ms)', 'steps', 'continuous spikes', 'discrete spikes', 'matched', 'missing', 'extra', 'mean |error| (ms)', 'max |error| (ms)', 'mean shift (ms)', 'mean |error| / Δt', 'readout max error'],
        c.points.map((p) => [fmt(p.dtMs), String(p.steps), String(p.continuousSpikes), String(p.discreteSpikes), String(p.matched), String(p.missing), String(p.extra), fmt(p.meanError), fmt(p.maxError), fmt(p.meanShift), fmt(p.meanError / p.dtMs), fmt(p.readoutMaxError)])));
      s.push(`<div class="charts">${charts.filter((x) => x.id.startsWith('convergence-')).map((x) => lineChartSvg(x)).join('')}</div>`);
    }
  }
  s.push(`<script type="application/json" id="report-data">${JSON.stringify(r).replace(/</g, '\\u003c')}</script>`);
  s.push('</body></html>');
  return s.join('\n');
}

/** The report embedded in an HTML page by `reportHtml`. */
export function parseEmbeddedReport(html: string): CompareReport {
  const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html);
  if (!m) throw new Error('no embedded report data in the HTML');
  return JSON.parse(m[1]) as CompareReport;
}
