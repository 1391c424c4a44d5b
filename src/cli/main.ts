/**
 * webspike command line.
 *   webspike train [options]        train a spiking network (default: MNIST digits)
 *   webspike grad --model C --batch F [--out G]   loss and gradients for one batch
 *   webspike compare [options]      train with several gradient methods, write a report
 *   webspike info [--json]          the WebGPU adapter, driver and limits in use
 */
import { checkOutputPaths, dataFile } from './output-paths.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import { parseArgs } from 'node:util';
import { requestDevice, describeDevice, type WebspikeDevice } from '../gpu/device.js';
import { encoderByName } from '../encode/encoders.js';
import { adamOptimizer, sgdOptimizer } from '../optim/optimizer.js';
import { DEFAULT_TRAIN_CONFIG, train, type TrainConfig } from '../train/trainer.js';
import { loadCheckpoint, type Checkpoint } from '../train/checkpoint.js';
import { progressBar } from './progress.js';
import { checkMethodOptions, DEFAULT_METHOD, isEventMethod, methodByName, methodHelp, METHOD_NAMES } from '../methods/registry.js';
import { checkBatchAgainstModel, computeGradients, parseBatch } from './grad.js';
import { cmdCompare, COMPARE_HELP } from './compare.js';
import { cmdGradEvent, cmdTrainEvent, EVENT_HELP, isEventCheckpoint, peekOption } from './train-event.js';
import { hiddenSizes, num } from './args.js';
import { cmdInfo } from './info.js';
import { NEURON_KINDS, neuronOptionSpecs } from '../neurons/registry.js';
import { checkNeuronFlags, neuronFlags, neuronFlagValues, neuronKindOption } from './neuron-flags.js';

const HELP = `webspike — spiking neural networks on WebGPU

Usage:
  webspike train [options]     train (defaults: MNIST digits, 784-512-10 LIF, 25 steps, Poisson)
  webspike grad --model <checkpoint> --batch <file.json> [--out <file.json>] [--method ${METHOD_NAMES.join('|')}] [--signal s] [--update-every k] [--propagation p]
  webspike compare [options]   train with several gradient methods under matched settings; report.json + report.html
  webspike info [--json]       the runtime, adapter, driver, Vulkan loader, features and limits
  webspike help

train options (default in brackets):
  --data <mnist|fashion-mnist|folder>   data set; a folder holds standard IDX files [mnist]
  --train-limit <n> --test-limit <n>    use the first n samples of each split
  --hidden <sizes>                      hidden layer sizes, comma separated [512]
  --recurrent                           recurrent hidden layers
  --steps <T>                           time steps per sample [25]
  --dt <ms> --tau-syn <ms> --tau-mem <ms>   Δt and time constants [1, 5, 10]
  --alpha <a> --beta <b>                decay factors directly (override the time constants)
  --threshold <v>                       firing threshold [1]
  --reset <subtract|zero>               reset mode [subtract]
  --detach-reset                        do not differentiate the reset
  --neuron ${NEURON_KINDS.join('|')}                 the hidden layers' neuron model [lif]
${neuronOptionSpecs().map((o) => `  --${o.flag} X`.padEnd(40) + o.help).join('\n')}
  --encoder <poisson|latency|latency-log>   input encoding [poisson]
  --rate <p>                            Poisson spike probability per step of a white pixel [0.3]
  --latency-threshold <x>               pixels at or below x (0…1) do not spike [0.2]
  --surrogate <name> --slope <k>        fast-sigmoid, triangle, exponential, arctan,
                                        sigmoid-derivative, gaussian [fast-sigmoid, 10]
  --readout <max|mean|sum>              reduce the readout voltage over time [mean]
  --batch <B> --epochs <n>              [64, 8]
  --optimizer <adam|sgd> --lr <η>       [adam, 2e-3]
  --momentum <μ> --weight-decay <λ>     [0, 0]
  --clip <norm>                         gradient norm clipping, 0 = off [5]
  --max-loss-ratio <r> --max-weight <w> stop as diverged when the training loss exceeds r× its
                                        first reading, or a weight exceeds |w|; 0 = off [100, 1e4]
  --schedule <cosine|constant>          learning-rate schedule [cosine]
  --init-gain <g>                       hidden weight std × sqrt(fan_in) [1]
  --readout-gain <g>                    readout weight std × sqrt(fan_in) [1]
  --seed <n>                            data order, Poisson draws, initial weights [1]
  --metrics <file>                      append one JSON object per epoch
  --checkpoint <file>                   save after every epoch
  --resume <file>                       continue from a checkpoint (with --lr: the base learning
                                        rate from there on; otherwise the checkpoint's)
${methodHelp(40)}
  --disable-robustness                  Node: skip Dawn's bounds checks (trusted runs only; faster)
  --quiet                               no progress bar

${EVENT_HELP}
${COMPARE_HELP}`;

async function withDevice<T>(disableRobustness: boolean, fn: (gpu: WebspikeDevice) => Promise<T>): Promise<T> {
  const gpu = await requestDevice({ disableRobustness });
  try {
    return await fn(gpu);
  } finally {
    gpu.destroy();
  }
}

/** The train options that reproduce a checkpoint's model: hidden sizes, neuron, surrogate, readout. */
function modelOptions(c: Checkpoint): Partial<TrainConfig> {
  const n = c.spec.neuron;
  return {
    hidden: c.spec.hidden.map((h) => h.size),
    recurrent: c.spec.hidden.some((h) => h.recurrent),
    neuronKind: c.spec.hidden[0]?.neuron?.kind ?? 'lif',
    neuron: { alpha: n.alpha, beta: n.beta, threshold: n.threshold, reset: n.reset, detachReset: n.detachReset },
    surrogate: { name: c.spec.surrogate.name, slope: c.spec.surrogate.slope },
    readoutReduce: c.spec.readoutReduce,
  };
}

async function cmdTrain(argv: string[]): Promise<void> {
  // EventProp trains the continuous-time model with its own options (src/cli/train-event.ts)
  const methodArg = peekOption(argv, 'method');
  const resumeArg = peekOption(argv, 'resume');
  if (isEventMethod(methodArg) || (methodArg === undefined && resumeArg && isEventCheckpoint(await loadCheckpoint(resumeArg)))) {
    return cmdTrainEvent(argv, withDevice);
  }
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: {
      data: { type: 'string' }, 'train-limit': { type: 'string' }, 'test-limit': { type: 'string' },
      hidden: { type: 'string' }, recurrent: { type: 'boolean' }, steps: { type: 'string' },
      dt: { type: 'string' }, 'tau-syn': { type: 'string' }, 'tau-mem': { type: 'string' },
      alpha: { type: 'string' }, beta: { type: 'string' }, threshold: { type: 'string' },
      reset: { type: 'string' }, 'detach-reset': { type: 'boolean' },
      neuron: { type: 'string' }, ...neuronFlags(),
      encoder: { type: 'string' }, rate: { type: 'string' }, 'latency-threshold': { type: 'string' },
      surrogate: { type: 'string' }, slope: { type: 'string' }, readout: { type: 'string' },
      batch: { type: 'string' }, epochs: { type: 'string' }, optimizer: { type: 'string' }, lr: { type: 'string' },
      momentum: { type: 'string' }, 'weight-decay': { type: 'string' }, clip: { type: 'string' },
      schedule: { type: 'string' }, 'init-gain': { type: 'string' }, 'readout-gain': { type: 'string' }, seed: { type: 'string' },
      metrics: { type: 'string' }, checkpoint: { type: 'string' }, resume: { type: 'string' },
      method: { type: 'string' }, signal: { type: 'string' }, 'update-every': { type: 'string' }, propagation: { type: 'string' },
      'max-loss-ratio': { type: 'string' }, 'max-weight': { type: 'string' },
      'disable-robustness': { type: 'boolean' }, quiet: { type: 'boolean' },
    },
  });
  const d = DEFAULT_TRAIN_CONFIG;
  // --checkpoint may name the --resume file: it is read whole first and replaced atomically
  checkOutputPaths({ '--resume': v.resume, '--data': dataFile(v.data) }, { '--checkpoint': v.checkpoint, '--metrics': v.metrics }, [['--checkpoint', '--resume']]);
  const resume: Checkpoint | undefined = v.resume ? await loadCheckpoint(v.resume) : undefined;
  // a resumed run starts from the checkpoint: its training options, and where they are absent its model
  const base: TrainConfig = resume ? { ...d, ...modelOptions(resume), ...((resume.training ?? {}) as Partial<TrainConfig>) } : d;
  const encoderName = v.encoder;
  const lr = num(v.lr, 'lr');
  const optName = v.optimizer ?? base.optimizer.kind;
  if (optName !== 'adam' && optName !== 'sgd') throw new Error(`--optimizer must be adam or sgd, got '${optName}'`);
  const wd = num(v['weight-decay'], 'weight-decay');
  const config: TrainConfig = {
    ...base,
    hidden: hiddenSizes(v.hidden) ?? base.hidden,
    recurrent: v.recurrent ?? base.recurrent,
    steps: num(v.steps, 'steps') ?? base.steps,
    neuron: {
      ...base.neuron,
      ...(v.dt !== undefined && { dtMs: num(v.dt, 'dt') }),
      ...(v['tau-syn'] !== undefined && { tauSynMs: num(v['tau-syn'], 'tau-syn') }),
      ...(v['tau-mem'] !== undefined && { tauMemMs: num(v['tau-mem'], 'tau-mem') }),
      ...(v.alpha !== undefined && { alpha: num(v.alpha, 'alpha') }),
      ...(v.beta !== undefined && { beta: num(v.beta, 'beta') }),
      ...(v.threshold !== undefined && { threshold: num(v.threshold, 'threshold') }),
      ...(v.reset !== undefined && { reset: v.reset as 'subtract' | 'zero' }),
      ...(v['detach-reset'] && { detachReset: true }),
      ...neuronFlagValues(v),
    },
    neuronKind: v.neuron !== undefined ? neuronKindOption(v.neuron) : base.neuronKind,
    surrogate: { name: v.surrogate ?? base.surrogate.name, slope: num(v.slope, 'slope') ?? (v.surrogate ? undefined : base.surrogate.slope) },
    encoder: encoderName
      ? encoderByName(encoderName, encoderName === 'poisson' ? num(v.rate, 'rate') : num(v['latency-threshold'], 'latency-threshold'))
      : v.rate ? encoderByName('poisson', num(v.rate, 'rate')) : base.encoder,
    readoutReduce: (v.readout as TrainConfig['readoutReduce']) ?? base.readoutReduce,
    batchSize: num(v.batch, 'batch') ?? base.batchSize,
    epochs: num(v.epochs, 'epochs') ?? base.epochs,
    optimizer: optName === 'adam'
      ? adamOptimizer({ ...(base.optimizer.kind === 'adam' ? base.optimizer : {}), ...(lr !== undefined && { lr }), ...(wd !== undefined && { weightDecay: wd }) })
      : sgdOptimizer({ lr: lr ?? (base.optimizer.kind === 'sgd' ? base.optimizer.lr : 0.1), momentum: num(v.momentum, 'momentum') ?? 0, weightDecay: wd ?? 0 }),
    maxGradNorm: num(v.clip, 'clip') ?? base.maxGradNorm,
    seed: num(v.seed, 'seed') ?? base.seed,
    initGain: num(v['init-gain'], 'init-gain') ?? base.initGain,
    readoutGain: num(v['readout-gain'], 'readout-gain') ?? base.readoutGain,
    schedule: (v.schedule as TrainConfig['schedule']) ?? base.schedule,
  };
  if (!['cosine', 'constant'].includes(config.schedule)) throw new Error(`--schedule must be cosine or constant, got '${config.schedule}'`);
  checkNeuronFlags(v, config.neuronKind ?? 'lif');
  // the method is saved in the checkpoint's training section, so --resume continues with the same one
  const saved = v.method === undefined ? (resume?.training?.method as { name?: string; signal?: string; updateEvery?: number; propagation?: string } | undefined) : undefined;
  const methodChoice = {
    name: v.method ?? saved?.name ?? DEFAULT_METHOD,
    signal: v.signal ?? saved?.signal,
    updateEvery: num(v['update-every'], 'update-every') ?? saved?.updateEvery,
    propagation: v.propagation ?? saved?.propagation,
  };
  const method = methodByName(methodChoice.name, { signal: methodChoice.signal, updateEvery: methodChoice.updateEvery, propagation: methodChoice.propagation });
  const dataName = v.data ?? (resume?.training?.data as string | undefined) ?? 'mnist';
  const { loadDataset, takeFirst } = await import('../data/node.js');
  const splits = await loadDataset(dataName);
  // like the data set, the subset sizes are saved in the checkpoint and kept by --resume
  const trainLimit = num(v['train-limit'], 'train-limit') ?? (resume?.training?.trainLimit as number | undefined);
  const testLimit = num(v['test-limit'], 'test-limit') ?? (resume?.training?.testLimit as number | undefined);
  const data = {
    train: trainLimit ? takeFirst(splits.train, trainLimit) : splits.train,
    test: testLimit ? takeFirst(splits.test, testLimit) : splits.test,
  };
  const fs = await import('node:fs/promises');
  await withDevice(!!v['disable-robustness'], async (gpu) => {
    const log = (s: string) => process.stderr.write(`${s}\n`);
    log(`webspike: ${describeDevice(gpu)}`);
    log(`data: ${dataName} (${data.train.count} train / ${data.test.count} test), network ${data.train.rows * data.train.cols}-${config.hidden.join('-')}${config.recurrent ? ' (recurrent)' : ''}-${data.train.classes}, T=${config.steps}, batch ${config.batchSize}, ${config.epochs} epochs, ${config.optimizer.kind} lr ${config.optimizer.lr}`);
    const bar = progressBar();
    if (method.name !== DEFAULT_METHOD) log(`method: ${method.description}`);
    await train(gpu, data, { ...config, ...({ data: dataName, trainLimit, testLimit, method: methodChoice } as object) } as TrainConfig, {
      resume,
      resumeLearningRate: resume ? lr : undefined,
      method,
      checkpointPath: v.checkpoint,
      divergence: {
        ...(v['max-loss-ratio'] !== undefined && { maxLossRatio: num(v['max-loss-ratio'], 'max-loss-ratio') }),
        ...(v['max-weight'] !== undefined && { maxWeight: num(v['max-weight'], 'max-weight') }),
      },
      onProgress: (p) => {
        if (!v.quiet) bar.update(`epoch ${p.epoch} batch ${p.batch}/${p.batches}  ${p.samplesPerSecond.toFixed(0)} samples/s  loss ${p.loss.toFixed(4)}  acc ${(100 * p.accuracy).toFixed(2)}%`, p.batch / p.batches, false);
      },
      onEpoch: async (m) => {
        if (!v.quiet) bar.update('', 1, true);
        log(`epoch ${m.epoch}: loss ${m.loss.toFixed(4)}, train acc ${(100 * m.trainAccuracy).toFixed(2)}%, test acc ${(100 * m.testAccuracy).toFixed(2)}% (test loss ${m.testLoss.toFixed(4)}), ${m.seconds.toFixed(1)} s/epoch, ${m.samplesPerSecond.toFixed(0)} samples/s`);
        if (v.metrics) await fs.appendFile(v.metrics, `${JSON.stringify(m)}\n`);
      },
    });
  });
}

async function cmdGrad(argv: string[]): Promise<void> {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: {
      model: { type: 'string' }, batch: { type: 'string' }, out: { type: 'string' }, method: { type: 'string' },
      signal: { type: 'string' }, 'update-every': { type: 'string' }, propagation: { type: 'string' }, 'disable-robustness': { type: 'boolean' },
    },
  });
  if (!v.model || !v.batch) throw new Error('webspike grad needs --model <checkpoint> and --batch <file.json>');
  checkOutputPaths({ '--model': v.model, '--batch': v.batch }, { '--out': v.out });
  const methodName = v.method ?? DEFAULT_METHOD;
  const methodOptions = { signal: v.signal, updateEvery: num(v['update-every'], 'update-every'), propagation: v.propagation };
  checkMethodOptions(methodName, methodOptions); // bad method options fail before any file is read
  if (isEventMethod(methodName)) {
    return cmdGradEvent({ model: v.model, batch: v.batch, out: v.out }, withDevice, !!v['disable-robustness']);
  }
  const fs = await import('node:fs/promises');
  const model = await loadCheckpoint(v.model);
  let doc: unknown;
  try {
    doc = JSON.parse(await fs.readFile(v.batch, 'utf8'));
  } catch (e) {
    throw new Error(`${v.batch}: cannot read the batch file (${(e as Error).message})`);
  }
  const batch = parseBatch(doc, v.batch);
  checkBatchAgainstModel(batch, model.spec, v.batch);
  const report = await withDevice(!!v['disable-robustness'], (gpu) => computeGradients(gpu, model, batch, methodName, methodOptions));
  const text = JSON.stringify(report);
  if (v.out) {
    await writeFileAtomic(v.out, text);
    process.stderr.write(`loss ${report.loss.toFixed(6)}, ${report.correct}/${batch.batch} correct; gradients written to ${v.out}\n`);
  } else {
    process.stdout.write(`${text}\n`);
  }
}

export async function main(argv: string[]): Promise<number> {
  const [cmd = 'train', ...rest] = argv;
  try {
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(HELP);
      return 0;
    }
    if (cmd === 'train') await cmdTrain(rest);
    else if (cmd === 'grad') await cmdGrad(rest);
    else if (cmd === 'compare') await cmdCompare(rest);
    else if (cmd === 'info') await cmdInfo(rest);
    else if (cmd === 'help' || cmd === '--help' || cmd === '-h') process.stdout.write(HELP);
    else if (cmd.startsWith('--')) await cmdTrain(argv);
    else throw new Error(`unknown command '${cmd}' (train, grad, compare, info, help)`);
    return 0;
  } catch (e) {
    process.stderr.write(`webspike: ${(e as Error).message}\n`);
    return 1;
  }
}

const isMain = typeof process !== 'undefined' && process.argv[1] && /cli[\\/]main\.[jt]s$/.test(process.argv[1]);
if (isMain) main(process.argv.slice(2)).then((code) => process.exit(code));
