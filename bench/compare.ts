/**
 * Side-by-side table of webspike (bench/train-step.ts) and plain PyTorch
 * (bench/peers.sh) training-step times per configuration.
 *
 *   npx tsx bench/compare.ts [--webspike FILE[,FILE…]] [--pytorch FILE] [--markdown]
 *
 * Several webspike files are merged (the first one that has a config wins).
 * ratio = PyTorch ms / webspike ms (> 1: webspike is faster).
 */
import { existsSync, readFileSync } from 'node:fs';

interface Row { p: number; B: number; H: number; T: number; train_ms_median: number; train_ms_min?: number; forward_ms?: number; backward_ms?: number; optimizer_ms?: number; reps?: number }
interface Doc { results: Row[]; skipped?: (Row & { predicted_s?: number })[]; robustness?: string; adapter?: { summary?: string } }

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const webFiles = opt('--webspike', 'bench/results/train-step.json').split(',').filter(Boolean);
const ptFile = opt('--pytorch', 'bench/results/pytorch.json');
const markdown = args.includes('--markdown');

const load = (f: string): Doc | undefined => {
  if (!existsSync(f)) {
    console.error(`(missing ${f})`);
    return undefined;
  }
  return JSON.parse(readFileSync(f, 'utf8')) as Doc;
};
const key = (r: { p: number; B: number; H: number; T: number }) => `${r.p}:${r.B}:${r.H}:${r.T}`;

const web = new Map<string, Row>();
const skipped = new Map<string, number | undefined>();
for (const f of webFiles) {
  const d = load(f);
  if (!d) continue;
  console.error(`webspike: ${f} (robustness ${d.robustness ?? '?'}, ${d.adapter?.summary ?? ''})`);
  for (const r of d.results) if (!web.has(key(r))) web.set(key(r), r);
  for (const s of d.skipped ?? []) skipped.set(key(s), s.predicted_s);
}
const pt = new Map<string, Row>();
const ptDoc = load(ptFile);
for (const r of ptDoc?.results ?? []) pt.set(key(r), r);

const order: Row[] = [];
const seen = new Set<string>();
for (const r of [...web.values(), ...pt.values()]) {
  if (!seen.has(key(r))) {
    seen.add(key(r));
    order.push(r);
  }
}
order.sort((a, b) => a.T - b.T || a.B - b.B || a.H - b.H || a.p - b.p);

const fmt = (x: number | undefined, d = 1) => (x === undefined || !Number.isFinite(x) ? '—' : x >= 100 ? x.toFixed(0) : x.toFixed(d));
const header = ['p', 'B', 'H', 'T', 'webspike ms', 'fwd', 'bwd', 'opt', 'PyTorch ms', 'ratio PT/ws'];
const rows = order.map((r) => {
  const w = web.get(key(r));
  const p = pt.get(key(r));
  const ratio = w && p ? p.train_ms_median / w.train_ms_median : undefined;
  const note = !w && skipped.has(key(r)) ? ` (skipped, ~${fmt(skipped.get(key(r)), 0)} s)` : '';
  return [
    String(r.p), String(r.B), String(r.H), String(r.T),
    (w ? fmt(w.train_ms_median) : '—') + note,
    fmt(w?.forward_ms), fmt(w?.backward_ms), fmt(w?.optimizer_ms),
    fmt(p?.train_ms_median),
    ratio === undefined ? '—' : ratio >= 0.1 ? ratio.toFixed(2) : ratio.toFixed(4),
  ];
});

if (markdown) {
  console.log(`| ${header.join(' | ')} |`);
  console.log(`|${header.map(() => '---').join('|')}|`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
} else {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 4 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}
console.log('\nratio = PyTorch ms / webspike ms (median training step; > 1 means webspike is faster).');
