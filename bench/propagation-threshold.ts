/**
 * Where dense propagation starts to beat the event-driven kernels on this
 * adapter: runs bench/step-ab.ts (event vs dense, alternating training steps in
 * one process) at increasing input activity p and reports, per p, the median
 * per-repetition ratio dense/event; the crossover is the first p with ratio < 1.
 * Sets `SOFTWARE_ACTIVITY_THRESHOLD` / `HARDWARE_ACTIVITY_THRESHOLD` in
 * src/methods/bptt.ts (the defaults of bptt({ propagation: 'adaptive' })).
 *
 *   npx tsx bench/propagation-threshold.ts [--config B:H:T] [--activities 0.02,0.05,...] [--reps N]
 *                                          [--disable-robustness] [--out FILE]
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const args = process.argv.slice(2);
const opt = (name: string, def: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const [B, H, T] = opt('--config', '32:128:25').split(':').map(Number);
const activities = opt('--activities', '0.02,0.05,0.1,0.2,0.4,0.6').split(',').map(Number);
const reps = opt('--reps', '3');
const out = opt('--out', 'bench/results/propagation-threshold.json');
const stepAb = new URL('./step-ab.ts', import.meta.url).pathname;

const rows: { p: number; event_ms: number; dense_ms: number; dense_over_event: number }[] = [];
let adapter = '';
for (const p of activities) {
  const file = join(tmpdir(), `webspike-threshold-${process.pid}-${p}.json`);
  execFileSync('npx', ['tsx', stepAb, '--config', `${p}:${B}:${H}:${T}`, '--propagation', 'event,dense', '--reps', reps, '--out', file,
    ...(args.includes('--disable-robustness') ? ['--disable-robustness'] : [])], { stdio: ['ignore', 'ignore', 'inherit'] });
  const doc = JSON.parse(readFileSync(file, 'utf8'));
  adapter = doc.adapter;
  const [event, dense] = doc.results;
  rows.push({ p, event_ms: event.step_ms_median, dense_ms: dense.step_ms_median, dense_over_event: dense.ratio_to_first_median });
  console.error(`p = ${p}: event ${event.step_ms_median} ms, dense ${dense.step_ms_median} ms, dense/event ${dense.ratio_to_first_median}`);
}
const crossover = rows.find((r) => r.dense_over_event < 1)?.p ?? null;
const doc = { adapter, date: new Date().toISOString(), config: { B, H, T, reps: Number(reps) }, rows, crossover_activity: crossover };
console.log(JSON.stringify(doc));
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(doc, null, 2) + '\n');
