/**
 * `webspike compare`: train one network with several gradient methods under
 * matched settings and write report.json + report.html (+ PNG charts with --png).
 */
import { parseArgs } from 'node:util';
import { requestDevice, describeDevice } from '../gpu/device.js';
import { encoderByName } from '../encode/encoders.js';
import { adamOptimizer, sgdOptimizer } from '../optim/optimizer.js';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from '../train/trainer.js';
import { runComparison, resolveMethod, type MethodChoice } from '../compare/runner.js';
import { headline, fmt, fmtBytes } from '../compare/report.js';
import { renderPngs, writeReport } from '../compare/files.js';
import { cmdCompareEvent, COMPARE_EVENT_HELP } from './compare-event.js';
import { hiddenSizes, list, num } from './args.js';
import { isEventMethod } from '../methods/registry.js';
import { checkNeuronFlags, neuronFlags, neuronFlagValues, neuronKindOption } from './neuron-flags.js';

export const COMPARE_HELP = `compare options (default in brackets):
  --methods <list>                      comma separated: bptt, rtrl, eligibility, eligibility:<signal>
                                        [bptt,eligibility] (rtrl: small networks only)
  --out <dir>                           report.json, report.html (and PNGs) [compare-report]
  --png                                 also a PNG of each chart (headless Chromium)
  --data, --train-limit, --test-limit, --hidden, --recurrent, --steps, --dt, --tau-syn, --tau-mem,
  --neuron and its model's flags,
  --encoder, --rate, --surrogate, --slope, --readout, --batch, --epochs, --optimizer, --lr,
  --clip, --schedule, --seed            as for train
  --probe-batch <n>                     probe batch for gradient fidelity [16]
  --fd-batch <n> --fd-entries <n>       finite differences: samples, entries per tensor [2, 8]; --fd-entries 0 = off
  --sweep-surrogates <list> --sweep-slopes <list> --sweep-dts <list>
                                        sensitivity sweeps [fast-sigmoid,triangle,arctan,gaussian; 2,5,10,25; Δt/2,Δt,2Δt]
  --no-sweep                            skip the sweeps
  --convergence                         Δt convergence of the network's discretisations against its
                                        continuous-time twin (float64, CPU) [off]
  --convergence-dts <list> --convergence-samples <n>
                                        its Δt values (ms) and probe samples [Δt,Δt/2,Δt/4,Δt/8,Δt/16; 2]
${COMPARE_EVENT_HELP}`;

export function parseMethods(v: string): MethodChoice[] {
  return v.split(',').map((s) => {
    const [name, signal] = s.trim().split(':');
    const c: MethodChoice = signal ? { name, signal } : { name };
    resolveMethod(c);
    return c;
  });
}

/** Whether the arguments select the event comparison (--preset, or eventprop among --methods). */
function wantsEvent(argv: readonly string[]): boolean {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--preset' || argv[i].startsWith('--preset=')) return true;
    const m = argv[i] === '--methods' ? argv[i + 1] : argv[i].startsWith('--methods=') ? argv[i].slice(10) : undefined;
    if (m?.split(',').some((x) => isEventMethod(x.trim()))) return true;
  }
  return false;
}

export async function cmdCompare(argv: string[]): Promise<void> {
  if (wantsEvent(argv)) return cmdCompareEvent(argv);
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: {
      methods: { type: 'string' }, out: { type: 'string' }, png: { type: 'boolean' },
      data: { type: 'string' }, 'train-limit': { type: 'string' }, 'test-limit': { type: 'string' },
      hidden: { type: 'string' }, recurrent: { type: 'boolean' }, steps: { type: 'string' },
      dt: { type: 'string' }, 'tau-syn': { type: 'string' }, 'tau-mem': { type: 'string' },
      neuron: { type: 'string' }, ...neuronFlags(),
      encoder: { type: 'string' }, rate: { type: 'string' }, surrogate: { type: 'string' }, slope: { type: 'string' },
      readout: { type: 'string' }, batch: { type: 'string' }, epochs: { type: 'string' }, optimizer: { type: 'string' },
      lr: { type: 'string' }, clip: { type: 'string' }, schedule: { type: 'string' }, seed: { type: 'string' },
      'probe-batch': { type: 'string' }, 'fd-batch': { type: 'string' }, 'fd-entries': { type: 'string' },
      'sweep-surrogates': { type: 'string' }, 'sweep-slopes': { type: 'string' }, 'sweep-dts': { type: 'string' }, 'no-sweep': { type: 'boolean' },
      convergence: { type: 'boolean' }, 'convergence-dts': { type: 'string' }, 'convergence-samples': { type: 'string' },
      'disable-robustness': { type: 'boolean' },
    },
  });
  const methods = parseMethods(v.methods ?? 'bptt,eligibility');
  const d = DEFAULT_TRAIN_CONFIG;
  const lr = num(v.lr, 'lr');
  const optName = v.optimizer ?? d.optimizer.kind;
  if (optName !== 'adam' && optName !== 'sgd') throw new Error(`--optimizer must be adam or sgd, got '${optName}'`);
  const config: TrainConfig = {
    ...d,
    hidden: hiddenSizes(v.hidden) ?? d.hidden,
    recurrent: v.recurrent ?? d.recurrent,
    steps: num(v.steps, 'steps') ?? d.steps,
    neuron: {
      ...d.neuron,
      ...(v.dt !== undefined && { dtMs: num(v.dt, 'dt') }),
      ...(v['tau-syn'] !== undefined && { tauSynMs: num(v['tau-syn'], 'tau-syn') }),
      ...(v['tau-mem'] !== undefined && { tauMemMs: num(v['tau-mem'], 'tau-mem') }),
      ...neuronFlagValues(v),
    },
    neuronKind: v.neuron !== undefined ? neuronKindOption(v.neuron) : d.neuronKind,
    surrogate: { name: v.surrogate ?? d.surrogate.name, slope: num(v.slope, 'slope') ?? (v.surrogate ? undefined : d.surrogate.slope) } as TrainConfig['surrogate'],
    encoder: v.encoder ? encoderByName(v.encoder, v.encoder === 'poisson' ? num(v.rate, 'rate') : undefined) : v.rate ? encoderByName('poisson', num(v.rate, 'rate')) : d.encoder,
    readoutReduce: (v.readout as TrainConfig['readoutReduce']) ?? d.readoutReduce,
    batchSize: num(v.batch, 'batch') ?? d.batchSize,
    epochs: num(v.epochs, 'epochs') ?? 2,
    optimizer: optName === 'adam' ? adamOptimizer({ ...(d.optimizer.kind === 'adam' ? d.optimizer : {}), ...(lr !== undefined && { lr }) }) : sgdOptimizer({ lr: lr ?? 0.1 }),
    maxGradNorm: num(v.clip, 'clip') ?? d.maxGradNorm,
    seed: num(v.seed, 'seed') ?? d.seed,
    schedule: (v.schedule as TrainConfig['schedule']) ?? d.schedule,
  };
  checkNeuronFlags(v, config.neuronKind ?? 'lif');
  const fdEntries = num(v['fd-entries'], 'fd-entries');
  const dataName = v.data ?? 'mnist';
  const { loadDataset, takeFirst } = await import('../data/node.js');
  const splits = await loadDataset(dataName);
  const trainLimit = num(v['train-limit'], 'train-limit');
  const testLimit = num(v['test-limit'], 'test-limit');
  const data = {
    train: trainLimit ? takeFirst(splits.train, trainLimit) : splits.train,
    test: testLimit ? takeFirst(splits.test, testLimit) : splits.test,
  };
  const out = v.out ?? 'compare-report';
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const gpu = await requestDevice({ disableRobustness: !!v['disable-robustness'] });
  try {
    log(`webspike: ${describeDevice(gpu)}`);
    log(`compare ${methods.map((m) => m.name + (m.signal ? `:${m.signal}` : '')).join(', ')} on ${dataName} (${data.train.count} train / ${data.test.count} test), ${data.train.rows * data.train.cols}-${config.hidden.join('-')}-${data.train.classes}, T=${config.steps}, batch ${config.batchSize}, ${config.epochs} epochs`);
    const report = await runComparison(gpu, {
      methods, config, data, dataName, log,
      probe: { batch: num(v['probe-batch'], 'probe-batch') ?? 16 },
      fd: fdEntries === 0 ? false : { batch: num(v['fd-batch'], 'fd-batch') ?? 2, perTensor: fdEntries ?? 8 },
      sweep: v['no-sweep'] ? false : {
        surrogates: v['sweep-surrogates']?.split(','),
        slopes: list(v['sweep-slopes'], 'sweep-slopes'),
        dts: list(v['sweep-dts'], 'sweep-dts'),
      },
      convergence: v.convergence || v['convergence-dts'] !== undefined || v['convergence-samples'] !== undefined
        ? { dts: list(v['convergence-dts'], 'convergence-dts'), samples: num(v['convergence-samples'], 'convergence-samples') }
        : false,
    });
    const files = await writeReport(report, out);
    for (const m of report.methods) {
      const x = headline(m);
      log(`${m.label}: test acc ${fmt(x.testAccuracy)}, ${fmt(x.secondsPerEpoch)} s/epoch, stored ${fmtBytes(x.storedBytes)}, peak ${fmtBytes(x.peakAllocatedBytes)}, cosine vs BPTT ${fmt(x.cosineVsExact)}, vs FD ${fmt(x.cosineVsFiniteDiff)}`);
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
