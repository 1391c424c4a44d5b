/**
 * The EventProp protocol of papers/003 over several seeds: Yin-Yang 5-200-3 with
 * the first-spike loss (Fig. 3, Table 3), or latency-coded MNIST 784-350-10 with
 * the max-voltage loss (Fig. 4), each seed with the CLI's defaults (Table 3).
 *
 *   npx tsx examples/node/eventprop-seeds.ts [--data yin-yang|mnist] [--seeds 1-3 | 1,4,7]
 *       [--epochs E] [--train-limit N] [--test-limit N] [--out DIR] [--disable-robustness]
 *   npx tsx examples/node/eventprop-seeds.ts --merge DIR1,DIR2,... --out DIR
 *
 * --merge joins the seeds.json of runs made apart (one process per seed, say, to
 * use every core) into one report.
 *
 * It writes to DIR (default bench/results/eventprop-<data>):
 *   seeds.json      every seed's per-epoch metrics (with the diagnostics) and the summary
 *   seeds.md        per seed: final and best test accuracy, the largest drop between
 *                   epochs in the second half, then mean ± std (population std, as the paper)
 *   test-error.svg  test error per epoch, one grey line per seed and the mean (Fig. 3B)
 *   test-loss.svg   test loss per epoch, likewise (Fig. 3C)
 * Runs on whatever adapter `requestDevice` finds: a GPU when there is one, else the software one.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  EVENTPROP_MNIST_CONFIG, EVENTPROP_YINYANG_CONFIG, describeDevice, latencyImages, requestDevice, takeFirst, trainEvents,
  yinYang, yinYangEvents, type EventDataset, type EventEpochMetrics,
} from 'webspike';
import { loadDataset } from 'webspike/node';
import { lineChartSvg } from './svg-chart.js';

const { values: v } = parseArgs({
  options: {
    data: { type: 'string', default: 'yin-yang' }, seeds: { type: 'string', default: '1-3' }, epochs: { type: 'string' },
    'train-limit': { type: 'string' }, 'test-limit': { type: 'string' }, out: { type: 'string' }, 'disable-robustness': { type: 'boolean' },
    merge: { type: 'string' },
  },
});

function seedList(s: string): number[] {
  const range = /^(\d+)-(\d+)$/.exec(s);
  const seeds = range ? Array.from({ length: +range[2] - +range[1] + 1 }, (_, i) => +range[1] + i) : s.split(',').map(Number);
  if (!seeds.length || !seeds.every((x) => Number.isInteger(x) && x >= 0)) throw new Error(`--seeds: give a range a-b or a list a,b,c of integers, got '${s}'`);
  return seeds;
}

async function dataFor(name: string, seed: number): Promise<{ train: EventDataset; test: EventDataset }> {
  const trainLimit = v['train-limit'] ? Number(v['train-limit']) : undefined;
  const testLimit = v['test-limit'] ? Number(v['test-limit']) : undefined;
  if (name === 'yin-yang') {
    const enc = { tMaxMs: 30, tBiasMs: 0 };
    return {
      train: yinYangEvents(yinYang({ count: trainLimit ?? 5000, seed }), 'yin-yang/train', enc),
      test: yinYangEvents(yinYang({ count: testLimit ?? 1000, seed: seed + 1000 }), 'yin-yang/test', enc),
    };
  }
  if (name !== 'mnist') throw new Error(`--data must be yin-yang or mnist, got '${name}'`);
  const { train, test } = await loadDataset('mnist');
  const enc = { tMaxMs: 20, pDrop: 0.2, seed };
  return {
    train: latencyImages(trainLimit ? takeFirst(train, trainLimit) : train, 'mnist/train', enc),
    test: latencyImages(testLimit ? takeFirst(test, testLimit) : test, 'mnist/test', { ...enc, pDrop: 0 }),
  };
}

const meanStd = (xs: number[]) => {
  const mean = xs.reduce((a, x) => a + x, 0) / xs.length;
  return { mean, std: Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length) };
};

/** Largest fall of test accuracy from one epoch to the next in the second half of training (points). */
const lateDrop = (m: EventEpochMetrics[]) => {
  let drop = 0;
  for (let e = Math.ceil(m.length / 2); e < m.length; e++) drop = Math.max(drop, 100 * (m[e - 1].testAccuracy - m[e].testAccuracy));
  return drop;
};

interface SeedRun { seed: number; metrics: EventEpochMetrics[]; endWarning?: string }
interface Report { data: string; epochs: number; device: string; runs: SeedRun[] }

async function train(data: string, seeds: number[]): Promise<Report> {
  const base = data === 'yin-yang' ? EVENTPROP_YINYANG_CONFIG : EVENTPROP_MNIST_CONFIG;
  const epochs = v.epochs ? Number(v.epochs) : base.epochs;
  const gpu = await requestDevice({ disableRobustness: !!v['disable-robustness'] });
  const runs: SeedRun[] = [];
  try {
    console.error(`${describeDevice(gpu)}; ${data}, seeds ${seeds.join(', ')}, ${epochs} epochs`);
    for (const seed of seeds) {
      const split = await dataFor(data, seed);
      const r = await trainEvents(gpu, split, { ...base, epochs, seed }, {
        onEpoch: (m) => console.error(`seed ${seed} epoch ${m.epoch}: test ${(100 * m.testAccuracy).toFixed(2)}%, loss ${m.loss.toFixed(4)}, ${m.seconds.toFixed(1)} s${m.warning ? `; ${m.warning}` : ''}`),
      });
      runs.push({ seed, metrics: r.metrics, ...(r.endWarning && { endWarning: r.endWarning }) });
    }
  } finally {
    gpu.destroy();
  }
  return { data, epochs, device: describeDevice(gpu), runs };
}

async function merged(dirs: string[]): Promise<Report> {
  const parts = await Promise.all(dirs.map(async (d) => JSON.parse(await readFile(`${d}/seeds.json`, 'utf8')) as { summary: Report; runs: SeedRun[] }));
  const { data, epochs, device } = parts[0].summary;
  for (const [i, p] of parts.entries()) {
    if (p.summary.data !== data || p.summary.epochs !== epochs) throw new Error(`--merge: ${dirs[i]} holds ${p.summary.data}, ${p.summary.epochs} epochs; ${dirs[0]} holds ${data}, ${epochs} epochs`);
  }
  const runs = parts.flatMap((p) => p.runs).sort((a, b) => a.seed - b.seed);
  return { data, epochs, device, runs };
}

async function write(out: string, { data, epochs, device, runs }: Report): Promise<void> {
  await mkdir(out, { recursive: true });
  const seeds = runs.map((r) => r.seed);
  const finals = runs.map((r) => 100 * r.metrics.at(-1)!.testAccuracy);
  const sorted = finals.slice().sort((a, b) => a - b);
  const summary = {
    data, epochs, seeds, device, final: meanStd(finals), median: sorted[Math.floor((sorted.length - 1) / 2)],
    min: sorted[0], maxLateDrop: Math.max(...runs.map((r) => lateDrop(r.metrics))),
    secondsPerEpoch: Math.min(...runs.flatMap((r) => r.metrics.map((m) => m.seconds))),
  };
  await writeFile(`${out}/seeds.json`, JSON.stringify({ summary, runs }, null, 1));
  const rows = runs.map((r) => {
    const best = r.metrics.reduce((a, m) => (m.testAccuracy > a.testAccuracy ? m : a));
    return `| ${r.seed} | ${(100 * r.metrics.at(-1)!.testAccuracy).toFixed(2)}% | ${(100 * best.testAccuracy).toFixed(2)}% (${best.epoch}) | ${lateDrop(r.metrics).toFixed(1)} |`;
  });
  const md = [
    `EventProp, ${data}, ${epochs} epochs, ${summary.device}`, '',
    '| seed | test accuracy after the last epoch | best (epoch) | largest drop in the second half (points) |', '|---|---|---|---|', ...rows, '',
    `mean ± std ${summary.final.mean.toFixed(2)} ± ${summary.final.std.toFixed(2)}%, median ${summary.median.toFixed(2)}%, min ${summary.min.toFixed(2)}% over ${seeds.length} seeds`, '',
  ].join('\n');
  await writeFile(`${out}/seeds.md`, md);
  const curves = (f: (m: EventEpochMetrics) => number) => runs.map((r) => r.metrics.map(f));
  await writeFile(`${out}/test-error.svg`, lineChartSvg({ title: `${data}: test error`, xLabel: 'epoch', yLabel: 'test error', log: true, series: curves((m) => Math.max(1 - m.testAccuracy, 1e-4)) }));
  await writeFile(`${out}/test-loss.svg`, lineChartSvg({ title: `${data}: test loss`, xLabel: 'epoch', yLabel: 'test loss', log: true, series: curves((m) => m.testLoss) }));
  process.stdout.write(md);
}

async function main(): Promise<void> {
  const data = v.data!;
  const out = v.out ?? `bench/results/eventprop-${data}`;
  await write(out, v.merge ? await merged(v.merge.split(',')) : await train(data, seedList(v.seeds!)));
}

main().catch((e) => {
  console.error(`eventprop-seeds: ${(e as Error).message}`);
  process.exit(1);
});
