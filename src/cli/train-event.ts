/**
 * `webspike train --method eventprop` and `webspike grad --method eventprop`:
 * the continuous-time LIF network trained with exact EventProp gradients
 * (papers/003) on spike-time data: latency-coded images (MNIST digits,
 * Fashion-MNIST, IDX folders) or the Yin-Yang points.
 */
import { checkOutputPaths, dataFile } from './output-paths.js';
import { writeFileAtomic } from '../files/atomic-write.js';
import { parseArgs } from 'node:util';
import type { WebspikeDevice } from '../gpu/device.js';
import { describeDevice } from '../gpu/device.js';
import { adamOptimizer, sgdOptimizer } from '../optim/optimizer.js';
import { loadCheckpoint, type Checkpoint } from '../train/checkpoint.js';
import { latencyImages, yinYangEvents, type EventDataset } from '../train/event-data.js';
import {
  EVENTPROP_MNIST_CONFIG, EVENTPROP_YINYANG_CONFIG, trainEvents, type EventTrainConfig,
} from '../train/event-trainer.js';
import { eventPropGradients } from '../methods/eventprop-gpu.js';
import { parameterShapes, weightList } from '../model/network.js';
import type { EventLifSpec, InputSpike } from '../model/event-network.js';
import type { SilentLabelRule } from '../model/event-network.js';
import { BatchFileError, type GradientReport } from './grad.js';
import { progressBar } from './progress.js';
import { hiddenSizes, int, num, pair } from './args.js';
import { EVENT_METHOD, isEventMethod } from '../methods/registry.js';

export const EVENT_HELP = `train --method eventprop: exact gradients of the continuous-time LIF network (EventProp)
  --data <mnist|fashion-mnist|yin-yang|folder>   [mnist]; images are latency coded
  --train-limit <n> --test-limit <n>  (yin-yang: the number of points [5000, 1000])
  --hidden <sizes> --recurrent        [350 for images, 200 for yin-yang]
  --tau-mem <ms> --tau-syn <ms> --threshold <v>   [20, 5, 1]
  --duration <ms>                     simulation end T [30 images, 60 yin-yang]
  --grid <ms>                         time grid of the crossing scan [0.5]
  --t-max <ms>                        latest input spike [20 images, 30 yin-yang]
  --t-bias <ms>                       yin-yang bias spike [0]
  --p-drop <p>                        input spike dropout while training [0.2 images, 0 yin-yang]
  --loss <max-voltage|first-spike>    readout max-over-time voltage (eq. 4) or spiking
                                      outputs with the first-spike loss (eq. 3)
                                      [max-voltage images, first-spike yin-yang]
  --tau0 <ms> --tau1 <ms> --reg <α>   first-spike loss constants [0.5, 6.4, 3e-3]
  --silent-label <no-gradient|label-at-missing-time>   a sample whose label neuron
                                      does not fire [no-gradient; docs/eventprop.md]
  --w-hidden <mean,std> --w-out <mean,std>   initial weights (Table 3 per data set)
  --batch --epochs --optimizer --lr --clip --seed   as above [5 images / 32 yin-yang (Table 3), 10 images / 60 yin-yang, adam, 5e-3, 0, 1]
  --schedule <exponential|cosine|constant> --lr-decay <f>   [exponential, 0.95 per epoch]
  --capacity <n>                      spike records per sample and layer to start with [512]
  --min-slope <x>                     clip 1/(I − ϑ) in spike jumps at I − ϑ ≥ x [0: exact]
  --max-loss-ratio <r> --max-weight <w>   stop as diverged (as for the discrete methods) [100, 1e4]
  --keep-best <file>                  checkpoint of the epoch with the best test accuracy
                                      [with --checkpoint x.json: x.best.json]
  --metrics --checkpoint --resume --quiet --disable-robustness   as above
                                      (with --resume, --lr sets the next epoch's learning
                                      rate and --lr-decay goes on from there)
grad --method eventprop --model <eventprop checkpoint> --batch <file.json>
  batch file: { "inputs": N, "spikes": [[[time_ms, input], …] per sample], "labels": [...] }
`;

/** The value of `--name v` or `--name=v` in argv, without parsing the rest. */
export function peekOption(argv: readonly string[], name: string): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${name}`) return argv[i + 1];
    if (argv[i].startsWith(`--${name}=`)) return argv[i].slice(name.length + 3);
  }
  return undefined;
}

export function isEventCheckpoint(c: Checkpoint): boolean {
  return c.training?.model === 'continuous';
}

interface EventDataChoice {
  data: string;
  trainLimit?: number;
  testLimit?: number;
  tMaxMs: number;
  tBiasMs: number;
  pDrop: number;
}

async function loadEventData(d: EventDataChoice, seed: number): Promise<{ train: EventDataset; test: EventDataset }> {
  if (d.data === 'yin-yang') {
    const { yinYang } = await import('../data/yin-yang.js');
    const enc = { tMaxMs: d.tMaxMs, tBiasMs: d.tBiasMs };
    return {
      train: yinYangEvents(yinYang({ count: d.trainLimit ?? 5000, seed }), 'yin-yang/train', enc),
      test: yinYangEvents(yinYang({ count: d.testLimit ?? 1000, seed: seed + 1000 }), 'yin-yang/test', enc),
    };
  }
  const { loadDataset, takeFirst } = await import('../data/node.js');
  const splits = await loadDataset(d.data);
  const enc = { tMaxMs: d.tMaxMs, pDrop: d.pDrop, seed };
  return {
    train: latencyImages(d.trainLimit ? takeFirst(splits.train, d.trainLimit) : splits.train, `${d.data}/train`, enc),
    test: latencyImages(d.testLimit ? takeFirst(splits.test, d.testLimit) : splits.test, `${d.data}/test`, { ...enc, pDrop: 0 }),
  };
}

export async function cmdTrainEvent(argv: string[], withDevice: <T>(disableRobustness: boolean, fn: (gpu: WebspikeDevice) => Promise<T>) => Promise<T>): Promise<void> {
  const { values: v } = parseArgs({
    args: argv,
    strict: true,
    options: {
      method: { type: 'string' }, data: { type: 'string' }, 'train-limit': { type: 'string' }, 'test-limit': { type: 'string' },
      hidden: { type: 'string' }, recurrent: { type: 'boolean' }, 'tau-mem': { type: 'string' }, 'tau-syn': { type: 'string' },
      threshold: { type: 'string' }, duration: { type: 'string' }, grid: { type: 'string' }, 't-max': { type: 'string' },
      't-bias': { type: 'string' }, 'p-drop': { type: 'string' }, loss: { type: 'string' }, tau0: { type: 'string' },
      tau1: { type: 'string' }, reg: { type: 'string' }, 'silent-label': { type: 'string' }, 'w-hidden': { type: 'string' }, 'w-out': { type: 'string' },
      batch: { type: 'string' }, epochs: { type: 'string' }, optimizer: { type: 'string' }, lr: { type: 'string' },
      momentum: { type: 'string' }, clip: { type: 'string' }, seed: { type: 'string' }, schedule: { type: 'string' },
      'lr-decay': { type: 'string' }, capacity: { type: 'string' }, 'min-slope': { type: 'string' },
      'max-loss-ratio': { type: 'string' }, 'max-weight': { type: 'string' },
      metrics: { type: 'string' }, checkpoint: { type: 'string' }, 'keep-best': { type: 'string' }, resume: { type: 'string' }, quiet: { type: 'boolean' },
      'disable-robustness': { type: 'boolean' },
    },
  });
  if (v.method !== undefined && !isEventMethod(v.method)) throw new Error(`internal: cmdTrainEvent called for --method ${v.method}`);
  const bestOut = v['keep-best'] ?? (v.checkpoint ? bestCheckpointPath(v.checkpoint) : undefined);
  checkOutputPaths(
    { '--resume': v.resume, '--data': dataFile(v.data) },
    { '--checkpoint': v.checkpoint, '--metrics': v.metrics, '--keep-best': bestOut },
    [['--checkpoint', '--resume'], ['--keep-best', '--resume']],
  );
  const resume = v.resume ? await loadCheckpoint(v.resume) : undefined;
  if (resume && !isEventCheckpoint(resume)) throw new Error(`${v.resume}: holds a discrete-time (surrogate) model; --method eventprop resumes only EventProp checkpoints`);
  const saved = resume?.training as (Partial<EventTrainConfig> & Partial<EventDataChoice>) | undefined;
  const dataName = v.data ?? saved?.data ?? 'mnist';
  const yy = dataName === 'yin-yang';
  const base: EventTrainConfig = saved ? { ...(yy ? EVENTPROP_YINYANG_CONFIG : EVENTPROP_MNIST_CONFIG), ...saved } : yy ? EVENTPROP_YINYANG_CONFIG : EVENTPROP_MNIST_CONFIG;
  const lossName = v.loss ?? (base.output === 'spiking' ? 'first-spike' : 'max-voltage');
  if (lossName !== 'max-voltage' && lossName !== 'first-spike') throw new Error(`--loss must be max-voltage or first-spike, got '${lossName}'`);
  const fsBase = base.firstSpike ?? EVENTPROP_YINYANG_CONFIG.firstSpike!;
  const lr = num(v.lr, 'lr');
  const optName = v.optimizer ?? base.optimizer.kind;
  if (optName !== 'adam' && optName !== 'sgd') throw new Error(`--optimizer must be adam or sgd, got '${optName}'`);
  const config: EventTrainConfig = {
    ...base,
    hidden: hiddenSizes(v.hidden) ?? base.hidden,
    recurrent: v.recurrent ?? base.recurrent,
    output: lossName === 'first-spike' ? 'spiking' : 'readout',
    firstSpike: lossName === 'first-spike'
      ? {
        tau0Ms: num(v.tau0, 'tau0') ?? fsBase.tau0Ms, tau1Ms: num(v.tau1, 'tau1') ?? fsBase.tau1Ms, alpha: num(v.reg, 'reg') ?? fsBase.alpha,
        silentLabel: silentLabelRule(v['silent-label'] ?? fsBase.silentLabel ?? 'no-gradient'),
      }
      : undefined,
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
      : sgdOptimizer({ lr: lr ?? (base.optimizer.kind === 'sgd' ? base.optimizer.lr : 0.1), momentum: num(v.momentum, 'momentum') ?? 0 }),
    maxGradNorm: num(v.clip, 'clip') ?? base.maxGradNorm,
    seed: int(num(v.seed, 'seed'), 'seed', 0) ?? base.seed,
    schedule: (v.schedule as EventTrainConfig['schedule']) ?? base.schedule,
    lrDecay: num(v['lr-decay'], 'lr-decay') ?? base.lrDecay,
    capacity: int(num(v.capacity, 'capacity'), 'capacity') ?? base.capacity,
    minSlope: num(v['min-slope'], 'min-slope') ?? base.minSlope,
  };
  const dataChoice: EventDataChoice = {
    data: dataName,
    trainLimit: int(num(v['train-limit'], 'train-limit'), 'train-limit') ?? saved?.trainLimit,
    testLimit: int(num(v['test-limit'], 'test-limit'), 'test-limit') ?? saved?.testLimit,
    tMaxMs: num(v['t-max'], 't-max') ?? saved?.tMaxMs ?? (yy ? 30 : 20),
    tBiasMs: num(v['t-bias'], 't-bias') ?? saved?.tBiasMs ?? 0,
    pDrop: num(v['p-drop'], 'p-drop') ?? saved?.pDrop ?? (yy ? 0 : 0.2),
  };
  if (!(dataChoice.pDrop >= 0 && dataChoice.pDrop < 1)) throw new Error(`--p-drop must lie in [0, 1), got ${dataChoice.pDrop}`);
  const data = await loadEventData(dataChoice, config.seed);
  const fs = await import('node:fs/promises');
  await withDevice(!!v['disable-robustness'], async (gpu) => {
    const log = (s: string) => process.stderr.write(`${s}\n`);
    log(`webspike: ${describeDevice(gpu)}`);
    log(`method: EventProp (exact gradients of the continuous-time LIF network), ${lossName === 'first-spike' ? 'first-spike loss (eq. 3)' : 'max-over-time readout voltage loss (eq. 4)'}`);
    log(`data: ${dataName} (${data.train.count} train / ${data.test.count} test, latency t_max ${dataChoice.tMaxMs} ms${dataChoice.pDrop ? `, p_drop ${dataChoice.pDrop}` : ''}), network ${data.train.inputs}-${config.hidden.join('-')}${config.recurrent ? ' (recurrent)' : ''}-${data.train.classes}, T=${config.durationMs} ms, grid ${config.gridStepMs} ms, batch ${config.batchSize}, ${config.epochs} epochs, ${config.optimizer.kind} lr ${config.optimizer.lr}`);
    const bar = progressBar();
    const bestPath = v['keep-best'] ?? (v.checkpoint ? bestCheckpointPath(v.checkpoint) : undefined);
    const result = await trainEvents(gpu, data, { ...config, ...(dataChoice as object) } as EventTrainConfig, {
      resume,
      resumeLearningRate: resume ? lr : undefined,
      divergence: {
        ...(v['max-loss-ratio'] !== undefined && { maxLossRatio: num(v['max-loss-ratio'], 'max-loss-ratio') }),
        ...(v['max-weight'] !== undefined && { maxWeight: num(v['max-weight'], 'max-weight') }),
      },
      checkpointPath: v.checkpoint,
      bestCheckpointPath: bestPath,
      onProgress: (p) => {
        if (!v.quiet) bar.update(`epoch ${p.epoch} batch ${p.batch}/${p.batches}  ${p.samplesPerSecond.toFixed(0)} samples/s  loss ${p.loss.toFixed(4)}  acc ${(100 * p.accuracy).toFixed(2)}%`, p.batch / p.batches, false);
      },
      onEpoch: async (m) => {
        if (!v.quiet) bar.update('', 1, true);
        log(`epoch ${m.epoch}: loss ${m.loss.toFixed(4)}, train acc ${(100 * m.trainAccuracy).toFixed(2)}%, test acc ${(100 * m.testAccuracy).toFixed(2)}% (test loss ${m.testLoss.toFixed(4)}), ${m.seconds.toFixed(1)} s/epoch (+${m.evalSeconds.toFixed(1)} s test), hidden spikes/sample ${m.spikesPerSample.map((s) => s.toFixed(1)).join(', ')}${m.clipped ? `, ${m.clipped} clipped jumps` : ''}`);
        if (m.warning) log(`warning: ${m.warning}`);
        if (v.metrics) await fs.appendFile(v.metrics, `${JSON.stringify(m)}\n`);
      },
    });
    if (result.endWarning) log(`warning: ${result.endWarning}`);
    const d = result.metrics.at(-1)?.diagnostics;
    if (d?.silentLabel !== undefined && d.silentLabel > 0.02) log(`warning: in the last epoch ${(100 * d.silentLabel).toFixed(1)}% of training samples had a silent label neuron (no first spike, no gradient)`);
  });
}

function silentLabelRule(s: string): SilentLabelRule {
  if (s !== 'no-gradient' && s !== 'label-at-missing-time') throw new Error(`--silent-label must be no-gradient or label-at-missing-time, got '${s}'`);
  return s;
}

/** x.json → x.best.json (any other name: name.best.json). */
export function bestCheckpointPath(checkpoint: string): string {
  return checkpoint.endsWith('.json') ? `${checkpoint.slice(0, -5)}.best.json` : `${checkpoint}.best.json`;
}

export interface EventBatch {
  inputs: number;
  batch: number;
  spikes: InputSpike[][];
  labels: number[];
}

/** Batch file of spike times: { inputs, spikes: [[[t, j] | {time, neuron}, …] per sample], labels }. */
export function parseEventBatch(doc: unknown, where = 'batch'): EventBatch {
  const d = doc as Record<string, unknown>;
  const inputs = d?.inputs;
  if (!(typeof inputs === 'number' && Number.isInteger(inputs) && inputs > 0)) throw new BatchFileError(where, `"inputs" must be a positive integer, got ${JSON.stringify(inputs)}`);
  if (!Array.isArray(d.spikes) || d.spikes.length === 0) throw new BatchFileError(where, '"spikes" must be a non-empty array with one list of [time_ms, input] pairs per sample');
  const spikes = (d.spikes as unknown[]).map((list, b) => {
    if (!Array.isArray(list)) throw new BatchFileError(where, `spikes of sample ${b} must be an array of [time_ms, input] pairs`);
    return list.map((s, k): InputSpike => {
      const [time, neuron] = Array.isArray(s) ? s : [(s as InputSpike)?.time, (s as InputSpike)?.neuron];
      if (!(typeof time === 'number' && Number.isFinite(time) && time >= 0)) throw new BatchFileError(where, `spike ${k} of sample ${b}: time must be a finite number ≥ 0 (ms), got ${JSON.stringify(time)}`);
      if (!(typeof neuron === 'number' && Number.isInteger(neuron) && neuron >= 0 && neuron < inputs)) throw new BatchFileError(where, `spike ${k} of sample ${b}: input must be an integer in 0…${inputs - 1}, got ${JSON.stringify(neuron)}`);
      return { time, neuron };
    });
  });
  const labels = d.labels;
  if (!Array.isArray(labels) || labels.length !== spikes.length) throw new BatchFileError(where, `"labels" must be an array of ${spikes.length} class indices, got ${Array.isArray(labels) ? labels.length : typeof labels}`);
  labels.forEach((l, i) => {
    if (!(typeof l === 'number' && Number.isInteger(l) && l >= 0)) throw new BatchFileError(where, `label ${i} must be a class index, got ${JSON.stringify(l)}`);
  });
  return { inputs, batch: spikes.length, spikes, labels: labels as number[] };
}

/** The continuous network a checkpoint of `trainEvents` holds. */
export function eventSpecOfCheckpoint(model: Checkpoint, where = 'model'): { spec: EventLifSpec; config: EventTrainConfig } {
  if (!isEventCheckpoint(model)) throw new Error(`${where}: holds a discrete-time (surrogate) model; --method eventprop needs a checkpoint written by 'webspike train --method eventprop'`);
  const t = model.training as unknown as EventTrainConfig;
  const spec: EventLifSpec = {
    inputs: model.spec.inputs, outputs: model.spec.outputs, output: t.output,
    hidden: model.spec.hidden.map((h) => ({ size: h.size, recurrent: h.recurrent })),
    tauMemMs: t.tauMemMs, tauSynMs: t.tauSynMs, threshold: t.threshold, durationMs: t.durationMs,
  };
  return { spec, config: t };
}

export async function computeEventGradients(gpu: WebspikeDevice, model: Checkpoint, batch: EventBatch, where = 'batch'): Promise<GradientReport & { clipped: number; spikesPerSample: number[] }> {
  const { spec, config } = eventSpecOfCheckpoint(model);
  if (batch.inputs !== spec.inputs) throw new BatchFileError(where, `has ${batch.inputs} inputs but the model expects ${spec.inputs}`);
  batch.labels.forEach((l, i) => {
    if (l >= spec.outputs) throw new BatchFileError(where, `label ${l} of sample ${i} is outside 0…${spec.outputs - 1}`);
  });
  const res = await eventPropGradients(gpu.device, spec, model.weights, batch.spikes, batch.labels, {
    gridStepMs: config.gridStepMs, capacity: config.capacity ?? 512, onOverflow: 'grow', minSlope: config.minSlope ?? 0,
    ...(spec.output === 'spiking' && { firstSpike: config.firstSpike }),
  });
  const grads = weightList(model.spec, {
    hidden: res.gradients.hidden.map((h) => (h.v ? { w: Float32Array.from(h.w), v: Float32Array.from(h.v) } : { w: Float32Array.from(h.w) })),
    readout: Float32Array.from(res.gradients.readout),
  });
  const gradients: GradientReport['gradients'] = {};
  parameterShapes(model.spec).forEach((s, i) => {
    gradients[s.name] = { shape: s.shape, data: Array.from(grads[i]) };
  });
  const perSample = Array.from(res.losses, (loss, b) => ({ loss, correct: res.predicted[b] === batch.labels[b] }));
  return {
    method: EVENT_METHOD, loss: res.loss, correct: perSample.filter((s) => s.correct).length, perSample, gradients,
    clipped: res.clipped,
    spikesPerSample: spec.hidden.map((_, l) => res.layers[l].reduce((a, s) => a + s.length, 0) / batch.batch),
  };
}

export async function cmdGradEvent(v: { model: string; batch: string; out?: string }, withDevice: <T>(disableRobustness: boolean, fn: (gpu: WebspikeDevice) => Promise<T>) => Promise<T>, disableRobustness: boolean): Promise<void> {
  checkOutputPaths({ '--model': v.model, '--batch': v.batch }, { '--out': v.out });
  const fs = await import('node:fs/promises');
  const model = await loadCheckpoint(v.model);
  eventSpecOfCheckpoint(model, v.model);
  let doc: unknown;
  try {
    doc = JSON.parse(await fs.readFile(v.batch, 'utf8'));
  } catch (e) {
    throw new Error(`${v.batch}: cannot read the batch file (${(e as Error).message})`);
  }
  const batch = parseEventBatch(doc, v.batch);
  const report = await withDevice(disableRobustness, (gpu) => computeEventGradients(gpu, model, batch, v.batch));
  const text = JSON.stringify(report);
  if (v.out) {
    await writeFileAtomic(v.out, text);
    process.stderr.write(`loss ${report.loss.toFixed(6)}, ${report.correct}/${batch.batch} correct; gradients written to ${v.out}\n`);
  } else {
    process.stdout.write(`${text}\n`);
  }
}
