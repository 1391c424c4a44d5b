/**
 * `webspike compare --preset yin-yang|latency-mnist|fashion-mnist`: surrogate
 * BPTT on the discretised network against EventProp on the continuous-time
 * network, trained on spike-time data under matched settings
 * (`runEventComparison`, src/compare/event-runner.ts); writes report.json +
 * report.html (+ PNG charts with --png) like the discrete comparison.
 */
import { parseArgs } from 'node:util';
import { requestDevice, describeDevice } from '../gpu/device.js';
import { adamOptimizer, sgdOptimizer } from '../optim/optimizer.js';
import { EVENTPROP_MNIST_CONFIG, type EventTrainConfig } from '../train/event-trainer.js';
import { latencyImages, yinYangEvents, type EventDataset } from '../train/event-data.js';
import { EVENT_METHODS, runEventComparison, type EventMethodName } from '../compare/event-runner.js';
import { headline, fmt, fmtBytes } from '../compare/report.js';
import { renderPngs, writeReport } from '../compare/files.js';
import { hiddenSizes, int, list, num, pair } from './args.js';

export interface EventPreset {
  /** 'yin-yang', or a data set name `loadDataset` knows (latency-coded) */
  data: string;
  config: EventTrainConfig;
  /** grid step Δt0 of the discretised network (ms) */
  dtMs: number;
  trainLimit: number;
  testLimit: number;
  tMaxMs: number;
  tBiasMs: number;
  pDrop: number;
}

/** Continuous network with a readout and the max-over-time voltage loss (eq. 4), small enough for a software adapter. */
const READOUT_BASE: EventTrainConfig = { ...EVENTPROP_MNIST_CONFIG, output: 'readout', firstSpike: undefined, capacity: 64 };

/** Presets of the event comparison (sizes overridable on the command line). */
export const EVENT_PRESETS: Record<string, EventPreset> = {
  // Table 3 of papers/003, Yin-Yang column (τ, ϑ, init, t_max 30 ms, t_bias 0), with a readout and eq. 4 instead of spiking outputs; T = 60 ms
  'yin-yang': {
    data: 'yin-yang', dtMs: 0.5, trainLimit: 1000, testLimit: 500, tMaxMs: 30, tBiasMs: 0, pDrop: 0,
    config: { ...READOUT_BASE, hidden: [64], durationMs: 60, init: { hidden: [1.5, 0.78], readout: [0.93, 0.1] }, batchSize: 32, epochs: 8 },
  },
  // Table 3, MNIST column (latency code t_max 20 ms, p_drop 0.2, T = 30 ms), fewer neurons and samples
  'latency-mnist': {
    data: 'mnist', dtMs: 0.5, trainLimit: 1000, testLimit: 500, tMaxMs: 20, tBiasMs: 0, pDrop: 0.2,
    config: { ...READOUT_BASE, hidden: [64], batchSize: 32, epochs: 3 },
  },
  // the MNIST settings on Fashion-MNIST (Debian's dataset-fashion-mnist)
  'fashion-mnist': {
    data: 'fashion-mnist', dtMs: 0.5, trainLimit: 1000, testLimit: 500, tMaxMs: 20, tBiasMs: 0, pDrop: 0.2,
    config: { ...READOUT_BASE, hidden: [64], batchSize: 32, epochs: 3 },
  },
};

export const COMPARE_EVENT_HELP = `compare on spike-time data: surrogate BPTT (discretised network) vs EventProp (continuous network)
  --preset <name>                       yin-yang | latency-mnist | fashion-mnist (default sizes finish in minutes
                                        on a software adapter; override below)
  --methods <list>                      bptt,eventprop [both]
  --out <dir> --png                     as above
  --train-limit, --test-limit, --hidden, --batch, --epochs, --optimizer, --lr, --clip, --schedule, --lr-decay, --seed
  --dt <ms>                             BPTT grid step Δt0 [preset: 0.5]
  --surrogate <name> --slope <k>        BPTT surrogate [fast-sigmoid, 10]
  --tau-mem, --tau-syn, --threshold, --duration <ms>, --grid <ms> (EventProp scan grid), --t-max, --t-bias, --p-drop,
  --w-hidden mean,std --w-out mean,std  continuous network, encoding and initial weights [preset]
  --probe-batch <n> --fd-batch <n> --fd-entries <n>   [16; 2, 6]; --fd-entries 0 = off
  --sweep-surrogates <list> --sweep-slopes <list> --sweep-dts <list> --no-sweep
  --convergence-dts <list> --convergence-samples <n>  [2Δt0 … Δt0/16; 4]
`;

/** Spike-time train / test sets of a preset's data (the first `trainLimit` / `testLimit` samples). */
export async function loadEventSplits(p: EventPreset, seed: number): Promise<{ train: EventDataset; test: EventDataset; encoding: Record<string, number | string> }> {
  if (p.data === 'yin-yang') {
    const { yinYang } = await import('../data/yin-yang.js');
    const enc = { tMaxMs: p.tMaxMs, tBiasMs: p.tBiasMs };
    return {
      train: yinYangEvents(yinYang({ count: p.trainLimit, seed }), 'yin-yang/train', enc),
      test: yinYangEvents(yinYang({ count: p.testLimit, seed: seed + 1000 }), 'yin-yang/test', enc),
      encoding: { code: 'Yin-Yang: (x, 1 − x, y, 1 − y)·t_max and a bias spike', 't_max (ms)': p.tMaxMs, 't_bias (ms)': p.tBiasMs },
    };
  }
  const { loadDataset, takeFirst } = await import('../data/node.js');
  const splits = await loadDataset(p.data);
  const enc = { tMaxMs: p.tMaxMs, pDrop: p.pDrop, seed };
  return {
    train: latencyImages(takeFirst(splits.train, Math.min(p.trainLimit, splits.train.count)), `${p.data}/train`, enc),
    test: latencyImages(takeFirst(splits.test, Math.min(p.testLimit, splits.test.count)), `${p.data}/test`, { ...enc, pDrop: 0 }),
    encoding: { code: 'latency: pixel p spikes at (1 − p/255)·t_max, p ≤ 1 silent', 't_max (ms)': p.tMaxMs, 'training input dropout': p.pDrop },
  };
}

export async function cmdCompareEvent(argv: string[]): Promise<void> {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: {
      preset: { type: 'string' }, methods: { type: 'string' }, out: { type: 'string' }, png: { type: 'boolean' },
      'train-limit': { type: 'string' }, 'test-limit': { type: 'string' }, hidden: { type: 'string' }, batch: { type: 'string' },
      epochs: { type: 'string' }, optimizer: { type: 'string' }, lr: { type: 'string' }, clip: { type: 'string' },
      schedule: { type: 'string' }, 'lr-decay': { type: 'string' }, seed: { type: 'string' }, dt: { type: 'string' },
      surrogate: { type: 'string' }, slope: { type: 'string' }, 'tau-mem': { type: 'string' }, 'tau-syn': { type: 'string' },
      threshold: { type: 'string' }, duration: { type: 'string' }, grid: { type: 'string' }, 't-max': { type: 'string' },
      't-bias': { type: 'string' }, 'p-drop': { type: 'string' }, 'w-hidden': { type: 'string' }, 'w-out': { type: 'string' },
      'probe-batch': { type: 'string' }, 'fd-batch': { type: 'string' }, 'fd-entries': { type: 'string' },
      'sweep-surrogates': { type: 'string' }, 'sweep-slopes': { type: 'string' }, 'sweep-dts': { type: 'string' }, 'no-sweep': { type: 'boolean' },
      'convergence-dts': { type: 'string' }, 'convergence-samples': { type: 'string' }, 'disable-robustness': { type: 'boolean' },
    },
  });
  const presetName = v.preset ?? 'yin-yang';
  const preset = EVENT_PRESETS[presetName];
  if (!preset) throw new Error(`--preset must be one of ${Object.keys(EVENT_PRESETS).join(', ')}, got '${presetName}'`);
  const methods = (v.methods ?? EVENT_METHODS.join(',')).split(',').map((s) => s.trim()) as EventMethodName[];
  for (const m of methods) if (!(EVENT_METHODS as readonly string[]).includes(m)) throw new Error(`--methods: on spike-time data the methods are ${EVENT_METHODS.join(', ')}, got '${m}'`);
  const base = preset.config;
  const lr = num(v.lr, 'lr');
  const optName = v.optimizer ?? base.optimizer.kind;
  if (optName !== 'adam' && optName !== 'sgd') throw new Error(`--optimizer must be adam or sgd, got '${optName}'`);
  const config: EventTrainConfig = {
    ...base,
    hidden: hiddenSizes(v.hidden) ?? base.hidden,
    tauMemMs: num(v['tau-mem'], 'tau-mem') ?? base.tauMemMs,
    tauSynMs: num(v['tau-syn'], 'tau-syn') ?? base.tauSynMs,
    threshold: num(v.threshold, 'threshold') ?? base.threshold,
    durationMs: num(v.duration, 'duration') ?? base.durationMs,
    gridStepMs: num(v.grid, 'grid') ?? base.gridStepMs,
    init: { ...base.init, ...(v['w-hidden'] && { hidden: pair(v['w-hidden'], 'w-hidden') }), ...(v['w-out'] && { readout: pair(v['w-out'], 'w-out') }) },
    batchSize: int(num(v.batch, 'batch'), 'batch') ?? base.batchSize,
    epochs: int(num(v.epochs, 'epochs'), 'epochs', 0) ?? base.epochs,
    optimizer: optName === 'adam'
      ? adamOptimizer({ ...(base.optimizer.kind === 'adam' ? base.optimizer : {}), ...(lr !== undefined && { lr }) })
      : sgdOptimizer({ lr: lr ?? 0.1 }),
    maxGradNorm: num(v.clip, 'clip') ?? base.maxGradNorm,
    seed: int(num(v.seed, 'seed'), 'seed', 0) ?? base.seed,
    schedule: (v.schedule as EventTrainConfig['schedule']) ?? base.schedule,
    lrDecay: num(v['lr-decay'], 'lr-decay') ?? base.lrDecay,
  };
  const p: EventPreset = {
    ...preset, config,
    dtMs: num(v.dt, 'dt') ?? preset.dtMs,
    trainLimit: int(num(v['train-limit'], 'train-limit'), 'train-limit') ?? preset.trainLimit,
    testLimit: int(num(v['test-limit'], 'test-limit'), 'test-limit') ?? preset.testLimit,
    tMaxMs: num(v['t-max'], 't-max') ?? preset.tMaxMs,
    tBiasMs: num(v['t-bias'], 't-bias') ?? preset.tBiasMs,
    pDrop: num(v['p-drop'], 'p-drop') ?? preset.pDrop,
  };
  if (!(p.pDrop >= 0 && p.pDrop < 1)) throw new Error(`--p-drop must lie in [0, 1), got ${p.pDrop}`);
  const { train, test, encoding } = await loadEventSplits(p, config.seed);
  const fdEntries = int(num(v['fd-entries'], 'fd-entries'), 'fd-entries', 0);
  const out = v.out ?? 'compare-report';
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const gpu = await requestDevice({ disableRobustness: !!v['disable-robustness'] });
  try {
    log(`webspike: ${describeDevice(gpu)}`);
    log(`compare ${methods.join(', ')} (preset ${presetName}) on ${p.data} (${train.count} train / ${test.count} test), ${train.inputs}-${config.hidden.join('-')}-${Math.max(train.classes, test.classes)}, D = ${config.durationMs} ms, Δt0 = ${p.dtMs} ms, batch ${config.batchSize}, ${config.epochs} epochs`);
    const report = await runEventComparison(gpu, {
      methods, config, data: { train, test }, dataName: `${presetName} (${p.data})`, encoding, dtMs: p.dtMs, log,
      surrogate: { name: v.surrogate ?? 'fast-sigmoid', slope: num(v.slope, 'slope') ?? 10 },
      probe: { batch: int(num(v['probe-batch'], 'probe-batch'), 'probe-batch') ?? 16 },
      fd: fdEntries === 0 ? false : { batch: int(num(v['fd-batch'], 'fd-batch'), 'fd-batch') ?? 2, perTensor: fdEntries ?? 6 },
      sweep: v['no-sweep'] ? false : { surrogates: v['sweep-surrogates']?.split(','), slopes: list(v['sweep-slopes'], 'sweep-slopes'), dts: list(v['sweep-dts'], 'sweep-dts') },
      convergence: { dts: list(v['convergence-dts'], 'convergence-dts'), samples: int(num(v['convergence-samples'], 'convergence-samples'), 'convergence-samples') },
    });
    const files = await writeReport(report, out);
    for (const m of report.methods) {
      const x = headline(m);
      log(`${m.label}: test acc ${fmt(x.testAccuracy)}, ${fmt(x.secondsPerEpoch)} s/epoch, ${fmt(x.msPerStep)} ms/step, stored ${fmtBytes(x.storedBytes)}, peak ${fmtBytes(x.peakAllocatedBytes)}, cosine vs EventProp ${fmt(x.cosineVsExact)}, vs FD ${fmt(x.cosineVsFiniteDiff)}`);
    }
    log(`wrote ${files.json} and ${files.html}`);
    if (v.png) {
      const png = await renderPngs(report, out);
      log(png.skipped ? `--png: ${png.skipped}` : `wrote ${png.files.length} PNGs to ${out}`);
    }
  } finally {
    gpu.destroy();
  }
}
