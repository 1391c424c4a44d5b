/**
 * webspike browser app: pick data and a network, train it on the WebGPU adapter
 * with live charts, pause / resume / stop, save and load checkpoints (the CLI's
 * format), export metrics as CSV, and look at one test sample's spikes.
 *
 * The page's state is in `document.body.dataset.state`: starting, no-webgpu,
 * idle, loading, training, paused, stopping, done, stopped, error, lost.
 */
import {
  describeDevice, encoderSeed, NEURON_KINDS, parseCheckpoint, requestDevice, serializeCheckpoint, train,
  specFromConfig, type Checkpoint, type DatasetSplits, type EpochMetrics, type NetworkWeights, type Progress, type TrainConfig, type WebspikeDevice,
} from 'webspike';
import { barList, lineChart, type Series } from './charts.js';
import { SURROGATES, configFromForm, formatBytes, largestBatch, methodChoices, type FormValues } from './config.js';
import { limitSplits, loadBundledDigits, loadIdxUrl, parseIdxFiles, splitsFromIdx } from './data.js';
import { drawRaster, drawTraces, sampleActivity } from './raster.js';

const $ = <T extends HTMLElement = HTMLInputElement>(id: string) => document.getElementById(id) as T;
const num = (id: string) => Number($(id).value);

type AppState = 'starting' | 'no-webgpu' | 'idle' | 'loading' | 'training' | 'paused' | 'stopping' | 'done' | 'stopped' | 'error' | 'lost';

const METHODS = methodChoices();
let gpu: WebspikeDevice | undefined;
let gpuError: string | undefined;
/** data of the current source (before train/test limits); invalidated when the source changes */
let loaded: { key: string; splits: DatasetSplits } | undefined;
let droppedFiles: File[] = [];
/** the newest checkpoint: the last completed epoch, or a loaded file */
let checkpoint: Checkpoint | undefined;
/** weights to show a sample with: the newest of checkpoint / stopped run */
let shownWeights: { weights: NetworkWeights; config: TrainConfig } | undefined;
let lastData: DatasetSplits | undefined;
let controller: AbortController | undefined;
let gate: { promise: Promise<void>; resolve: () => void } | undefined;

interface Row { kind: 'progress' | 'epoch'; epoch: number; batch: number; step: number; seconds: number; samplesPerSecond: number; loss: number; accuracy: number; testLoss?: number; testAccuracy?: number }
let rows: Row[] = [];
let epochs: EpochMetrics[] = [];

// ---------------------------------------------------------------------------- state & messages

function setState(s: AppState): void {
  document.body.dataset.state = s;
  const running = s === 'training' || s === 'paused' || s === 'stopping';
  $<HTMLButtonElement>('start').disabled = running || s === 'loading' || s === 'no-webgpu' || s === 'starting';
  $<HTMLButtonElement>('pause').disabled = s !== 'training';
  $<HTMLButtonElement>('resume').disabled = s !== 'paused';
  $<HTMLButtonElement>('stop').disabled = !(s === 'training' || s === 'paused');
  $<HTMLButtonElement>('save').disabled = !checkpoint || s === 'stopping';
  $<HTMLButtonElement>('export-csv').disabled = rows.length === 0;
  $<HTMLButtonElement>('show-sample').disabled = !shownWeights || !gpu || s === 'training' || s === 'stopping';
  $('load').disabled = running;
  for (const e of Array.from($<HTMLFormElement>('form').elements)) {
    if (e.id !== 'from-checkpoint') (e as HTMLInputElement).disabled = running;
  }
  $('from-checkpoint').disabled = running || !checkpoint;
}

function showError(message: string): void {
  const box = $('error');
  box.textContent = message;
  box.classList.add('shown');
}

function clearError(): void {
  $('error').textContent = '';
  $('error').classList.remove('shown');
}

function notice(text: string): void {
  $('notice').textContent = text;
}

function errorText(e: unknown): string {
  if (e instanceof Error) return `${e.name && e.name !== 'Error' ? `${e.name}: ` : ''}${e.message}`;
  return String(e);
}

// ---------------------------------------------------------------------------- WebGPU

function noWebGpuAdvice(): string {
  const ua = navigator.userAgent;
  const lines = ['This browser has no WebGPU (navigator.gpu is undefined), so webspike cannot run here.'];
  if (!isSecureContext) lines.push('WebGPU needs a secure context: open the page over https:// or from http://localhost.');
  if (/Firefox\//.test(ua)) lines.push('Firefox: WebGPU is on by default from Firefox 141 on Windows; elsewhere set dom.webgpu.enabled = true in about:config (Nightly: also gfx.webgpu.ignore-blocklist).');
  else if (/Safari\//.test(ua) && !/Chrome\//.test(ua)) lines.push('Safari: WebGPU is on from Safari 26; on older versions enable Develop → Feature Flags → WebGPU.');
  else lines.push('Chrome / Edge: use version 113 or newer. On Linux, start it with --enable-unsafe-webgpu (and --enable-features=Vulkan), or enable chrome://flags/#enable-unsafe-webgpu; check chrome://gpu for "WebGPU: Hardware accelerated".');
  return lines.join('\n');
}

async function acquireDevice(): Promise<WebspikeDevice> {
  if (gpu) return gpu;
  if (!('gpu' in navigator)) throw new Error(noWebGpuAdvice());
  const d = await requestDevice({ log: (m) => notice(m) });
  gpu = d;
  gpuError = undefined;
  d.device.addEventListener('uncapturederror', (ev) => {
    const err = (ev as GPUUncapturedErrorEvent).error;
    gpuError ??= `${err.constructor.name}: ${err.message}`;
    controller?.abort();
    gate?.resolve();
  });
  void d.lost.then((info) => {
    if (gpu === d) gpu = undefined;
    onDeviceLost(info);
  });
  const ts = d.features.timestampQuery ? 'timestamp queries available' : 'no timestamp queries';
  $('adapter').textContent = `${describeDevice(d)} · ${ts} · max buffer ${formatBytes(Math.min(d.limits.maxBufferSize, d.limits.maxStorageBufferBindingSize))}`;
  updateBatchLimit();
  return d;
}

let lostBeforeTrainSettled: ((e: Error) => void) | undefined;

function onDeviceLost(info: GPUDeviceLostInfo): void {
  const where = rows.length ? ` at epoch ${rows[rows.length - 1].epoch}, step ${rows[rows.length - 1].step}` : '';
  const saved = checkpoint
    ? `The last checkpoint (epoch ${String(checkpoint.training?.epoch ?? '?')}) is kept in this page: "Save checkpoint" downloads it, and "Start" with "continue from the checkpoint" resumes from it on a new device.`
    : 'No epoch had completed, so there is no checkpoint to resume from; "Start" begins again on a new device.';
  const message = `The GPU device was lost${where} (${info.reason}${info.message ? `: ${info.message}` : ''}). Training stopped. ${saved}`;
  lostBeforeTrainSettled?.(new DeviceLostError(message));
  showError(message);
  if (checkpoint) $('from-checkpoint').checked = true;
  setState('lost');
}

class DeviceLostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeviceLost';
  }
}

// ---------------------------------------------------------------------------- form

function formValues(): FormValues {
  return {
    hidden: $('hidden').value, recurrent: $('recurrent').checked, steps: num('steps'),
    dtMs: num('dt'), tauSynMs: num('tau-syn'), tauMemMs: num('tau-mem'), threshold: num('threshold'),
    neuron: $<HTMLSelectElement>('neuron').value,
    reset: $<HTMLSelectElement>('reset').value as FormValues['reset'], detachReset: $('detach-reset').checked,
    readoutReduce: $<HTMLSelectElement>('readout').value as FormValues['readoutReduce'],
    encoder: $<HTMLSelectElement>('encoder').value, encoderParam: num('encoder-param'),
    surrogate: $<HTMLSelectElement>('surrogate').value, slope: num('slope'),
    batchSize: num('batch'), optimizer: $<HTMLSelectElement>('optimizer').value as FormValues['optimizer'],
    lr: num('lr'), epochs: num('epochs'), clip: num('clip'),
    schedule: $<HTMLSelectElement>('schedule').value as FormValues['schedule'], seed: num('seed'),
  };
}

/** Fill the form from a checkpoint's recorded training configuration (CLI or page). */
function formFromCheckpoint(c: Checkpoint): void {
  const t = (c.training ?? {}) as Partial<TrainConfig> & Record<string, unknown>;
  const set = (id: string, v: unknown) => {
    if (v !== undefined && v !== null) $(id).value = String(v);
  };
  set('hidden', c.spec.hidden.map((h) => h.size).join(','));
  $('recurrent').checked = c.spec.hidden.some((h) => h.recurrent);
  set('steps', t.steps);
  if (t.neuron) {
    set('dt', t.neuron.dtMs);
    set('tau-syn', t.neuron.tauSynMs);
    set('tau-mem', t.neuron.tauMemMs);
  }
  set('neuron', c.spec.hidden[0]?.neuron?.kind ?? 'lif');
  set('threshold', c.spec.neuron.threshold);
  set('reset', c.spec.neuron.reset);
  $('detach-reset').checked = c.spec.neuron.detachReset;
  set('readout', c.spec.readoutReduce);
  set('surrogate', c.spec.surrogate.name);
  set('slope', c.spec.surrogate.slope);
  if (t.encoder) {
    set('encoder', t.encoder.kind === 'poisson' ? 'poisson' : t.encoder.mode === 'log' ? 'latency-log' : 'latency');
    set('encoder-param', t.encoder.kind === 'poisson' ? t.encoder.rate : t.encoder.threshold);
  }
  set('batch', t.batchSize);
  if (t.optimizer) {
    set('optimizer', t.optimizer.kind);
    set('lr', t.optimizer.lr);
  }
  set('epochs', t.epochs);
  set('clip', t.maxGradNorm);
  set('schedule', t.schedule);
  set('seed', t.seed);
  syncEncoderParam();
  updateBatchLimit();
}

function syncEncoderParam(): void {
  $('encoder-param-name').textContent = $<HTMLSelectElement>('encoder').value === 'poisson' ? 'rate (spike prob.)' : 'threshold';
}

function syncSource(): void {
  const s = $<HTMLSelectElement>('source').value;
  $('files-box').style.display = s === 'files' ? '' : 'none';
  $('url-box').style.display = s === 'url' ? '' : 'none';
}

/** Shows the largest batch for the network in the form; returns it (undefined without a device). */
function updateBatchLimit(): number | undefined {
  const el = $('batch-limit');
  if (!gpu) return undefined;
  const hidden = $('hidden').value.split(/[,\s-]+/).filter(Boolean).map(Number);
  const ds = loaded?.splits.train;
  const inputs = ds ? ds.rows * ds.cols : 784;
  const lim = largestBatch(gpu.limits, Math.max(1, num('steps') || 1), inputs, hidden.filter((h) => h > 0), 10);
  el.textContent = `largest batch for this network on this adapter: ${lim.batch.toLocaleString('en')} (${lim.limitName} ${formatBytes(lim.limitBytes)}, T·B·${inputs} floats per buffer)`;
  return lim.batch;
}

// ---------------------------------------------------------------------------- data

async function getData(): Promise<DatasetSplits> {
  const source = $<HTMLSelectElement>('source').value;
  const key = source === 'files' ? `files:${droppedFiles.map((f) => `${f.name}/${f.size}/${f.lastModified}`).join('|')}` : source === 'url' ? `url:${$('idx-url').value}` : 'digits';
  if (!loaded || loaded.key !== key) {
    notice('loading data…');
    let splits: DatasetSplits;
    if (source === 'digits') splits = await loadBundledDigits();
    else if (source === 'url') {
      const url = $('idx-url').value.trim();
      if (!url) throw new Error('IDX files at a URL: enter the folder URL first');
      splits = await loadIdxUrl(url, url);
    } else {
      if (droppedFiles.length === 0) throw new Error('IDX files: drop or pick the train images and labels first');
      splits = splitsFromIdx(await parseIdxFiles(droppedFiles), 'dropped files');
    }
    loaded = { key, splits };
    notice('');
  }
  const d = limitSplits(loaded.splits, num('train-limit'), num('test-limit'));
  $('data-info').textContent = `${d.train.name}: ${d.train.count.toLocaleString('en')} train, ${d.test.count.toLocaleString('en')} test, ${d.train.rows}×${d.train.cols}, ${Math.max(d.train.classes, d.test.classes)} classes`;
  updateBatchLimit();
  return d;
}

async function onFiles(files: File[]): Promise<void> {
  clearError();
  droppedFiles = files;
  loaded = undefined;
  $<HTMLSelectElement>('source').value = 'files';
  syncSource();
  try {
    const parsed = await parseIdxFiles(files); // validates every file now, so a bad one is named at once
    const splits = splitsFromIdx(parsed, 'dropped files');
    loaded = { key: `files:${files.map((f) => `${f.name}/${f.size}/${f.lastModified}`).join('|')}`, splits };
    $('data-info').textContent = `dropped files: ${splits.train.count.toLocaleString('en')} train, ${splits.test.count.toLocaleString('en')} test, ${splits.train.rows}×${splits.train.cols}`;
    updateBatchLimit();
  } catch (e) {
    droppedFiles = [];
    $('data-info').textContent = 'no data loaded';
    showError(`Cannot use these IDX files. ${errorText(e)}`);
  }
}

// ---------------------------------------------------------------------------- charts

function redraw(): void {
  const byTime = $<HTMLSelectElement>('x-axis').value === 'time';
  const x = (r: Row) => (byTime ? r.seconds : r.step);
  const prog = rows.filter((r) => r.kind === 'progress');
  const ep = rows.filter((r) => r.kind === 'epoch');
  const xLabel = byTime ? 'training time (s)' : 'training step';
  const loss: Series[] = [
    { name: 'train loss (running)', color: '#1f6feb', points: prog.map((r) => [x(r), r.loss]) },
    { name: 'test loss', color: '#d1242f', points: ep.map((r) => [x(r), r.testLoss!]), markers: true },
  ];
  lineChart($<SVGSVGElement & HTMLElement>('loss-chart') as unknown as SVGSVGElement, loss, { xLabel, yLabel: 'cross-entropy', yMin: 0 });
  const acc: Series[] = [
    { name: 'train accuracy (running)', color: '#1f6feb', points: prog.map((r) => [x(r), r.accuracy]) },
    { name: 'test accuracy', color: '#d1242f', points: ep.map((r) => [x(r), r.testAccuracy!]), markers: true },
  ];
  lineChart($('acc-chart') as unknown as SVGSVGElement, acc, { xLabel, yLabel: 'accuracy', yMin: 0, yMax: 1 });
  lineChart($('sps-chart') as unknown as SVGSVGElement, [{ name: 'samples/s (epoch so far)', color: '#1a7f37', points: prog.map((r) => [x(r), r.samplesPerSecond]) }], { xLabel, yLabel: 'samples / s', yMin: 0 });
}

function renderEpochTable(list: readonly EpochMetrics[]): void {
  const f = (v: number, d = 4) => (Number.isFinite(v) ? v.toFixed(d) : '–');
  $('epoch-table').querySelector('tbody')!.replaceChildren(...list.map((m) => {
    const tr = document.createElement('tr');
    tr.dataset.epoch = String(m.epoch);
    for (const [cls, v] of [['epoch', String(m.epoch)], ['loss', f(m.loss)], ['train-accuracy', f(m.trainAccuracy)], ['test-loss', f(m.testLoss)], ['test-accuracy', f(m.testAccuracy)], ['seconds', f(m.seconds, 1)], ['samples-per-second', f(m.samplesPerSecond, 1)]] as const) {
      const td = document.createElement('td');
      td.className = cls;
      td.textContent = v;
      tr.append(td);
    }
    return tr;
  }));
}

function renderCheckpointInfo(source: string): void {
  const c = checkpoint;
  if (!c) return;
  const arch = [c.spec.inputs, ...c.spec.hidden.map((h) => `${h.size}${h.recurrent ? 'r' : ''}`), c.spec.outputs].join('-');
  const info = $('checkpoint-info');
  info.textContent = `checkpoint (${source}): ${arch}, ${c.spec.surrogate.name} surrogate, epoch ${String(c.training?.epoch ?? '?')}, ${c.optimizer ? `${c.optimizer.updates} optimizer updates` : 'no optimizer state'}`;
  info.dataset.epoch = String(c.training?.epoch ?? '');
  info.dataset.architecture = arch;
  info.dataset.updates = String(c.optimizer?.updates ?? '');
}

// ---------------------------------------------------------------------------- training

async function start(): Promise<void> {
  clearError();
  notice('');
  let config: TrainConfig;
  let data: DatasetSplits;
  const choice = METHODS.find((m) => m.id === $<HTMLSelectElement>('method').value) ?? METHODS[0];
  try {
    config = configFromForm(formValues());
    setState('loading');
    const d = await acquireDevice();
    data = await getData();
    const inputs = data.train.rows * data.train.cols;
    const lim = largestBatch(d.limits, config.steps, inputs, config.hidden, Math.max(data.train.classes, data.test.classes));
    if (config.batchSize > lim.batch) {
      throw new RangeError(
        `Batch ${config.batchSize} is too large for this adapter: with T = ${config.steps} and ${inputs} inputs one buffer needs ${formatBytes(config.batchSize * lim.bytesPerSample)}, ` +
          `but ${lim.limitName} is ${formatBytes(lim.limitBytes)}. The largest batch that fits is ${lim.batch}.`,
      );
    }
  } catch (e) {
    showError(errorText(e));
    setState(gpu ? 'idle' : 'no-webgpu');
    return;
  }
  const device = gpu!;
  const resume = $('from-checkpoint').checked && checkpoint ? checkpoint : undefined;
  if (resume && Number(resume.training?.epoch ?? 0) >= config.epochs) {
    showError(`The checkpoint already has ${String(resume.training?.epoch)} epochs; set epochs above that to continue training.`);
    setState('idle');
    return;
  }
  if (!resume) {
    rows = [];
    epochs = [];
  } else {
    epochs = ((resume.metrics ?? []) as unknown as EpochMetrics[]).slice();
    rows = rows.filter((r) => r.epoch <= Number(resume.training?.epoch ?? 0));
  }
  renderEpochTable(epochs);
  redraw();
  controller = new AbortController();
  gate = undefined;
  gpuError = undefined;
  lastData = data;
  const batches = Math.max(1, Math.floor(data.train.count / config.batchSize));
  let timeBase = rows.length ? rows[rows.length - 1].seconds : 0;
  setState('training');
  $('status').textContent = `training ${specFromConfig(config, data.train.rows * data.train.cols, 10).hidden.map((h) => h.size).join('-')} on ${data.train.count} samples…`;
  const lost = new Promise<never>((_, reject) => {
    lostBeforeTrainSettled = reject;
  });
  lost.catch(() => {});
  try {
    const result = await Promise.race([
      train(device, data, config, {
        method: choice.make(num('update-every')),
        resume,
        signal: controller.signal,
        progressEvery: Math.max(1, Math.min(10, Math.floor(batches / 4))),
        profileEvery: Math.max(2, Math.min(20, batches)),
        pause: () => gate?.promise,
        onProgress: (p: Progress) => {
          const step = (p.epoch - 1) * p.batches + p.batch;
          rows.push({ kind: 'progress', epoch: p.epoch, batch: p.batch, step, seconds: timeBase + p.seconds, samplesPerSecond: p.samplesPerSecond, loss: p.loss, accuracy: p.accuracy });
          $('status').textContent = `epoch ${p.epoch}/${config.epochs} · batch ${p.batch}/${p.batches} · step ${step} · ${p.samplesPerSecond.toFixed(1)} samples/s · loss ${p.loss.toFixed(4)} · accuracy ${(100 * p.accuracy).toFixed(1)}%`;
          redraw();
          setState(document.body.dataset.state as AppState);
        },
        onProfile: (ms, at) => {
          const total = [...ms.values()].reduce((a, b) => a + b, 0);
          $('profile-info').textContent = `(step ${(at.epoch - 1) * batches + at.batch}, ${total.toFixed(1)} ms in all, timestamp queries)`;
          barList($('kernels'), [...ms.entries()], 'ms');
        },
        onCheckpoint: (c) => {
          checkpoint = c;
          shownWeights = { weights: c.weights, config };
          renderCheckpointInfo(`epoch ${String(c.training?.epoch)}`);
        },
        onEpoch: async (m) => {
          epochs.push(m);
          timeBase += m.seconds;
          rows.push({ kind: 'epoch', epoch: m.epoch, batch: batches, step: m.epoch * batches, seconds: timeBase, samplesPerSecond: m.samplesPerSecond, loss: m.loss, accuracy: m.trainAccuracy, testLoss: m.testLoss, testAccuracy: m.testAccuracy });
          renderEpochTable(epochs);
          redraw();
          await showSample().catch((e) => notice(`sample view: ${errorText(e)}`));
        },
      }),
      lost,
    ]);
    if (gpuError) throw new Error(gpuError);
    if (result.stopped) {
      shownWeights = { weights: result.weights, config };
      $('status').textContent += `\nstopped; ${checkpoint ? `the checkpoint holds epoch ${String(checkpoint.training?.epoch)}` : 'no epoch completed, so there is no checkpoint'}`;
      setState('stopped');
    } else {
      const last = result.metrics[result.metrics.length - 1];
      $('status').textContent = `done: ${result.metrics.length} epochs · test accuracy ${(100 * last.testAccuracy).toFixed(1)}% · ${last.samplesPerSecond.toFixed(1)} samples/s`;
      setState('done');
    }
    await showSample().catch((e) => notice(`sample view: ${errorText(e)}`));
  } catch (e) {
    if (e instanceof DeviceLostError) return; // message shown by onDeviceLost, state 'lost'
    let msg = gpuError ?? errorText(e);
    if (gpuError && /out of memory|OutOfMemory|allocat/i.test(gpuError)) {
      msg = `The GPU ran out of memory with batch ${config.batchSize} (${gpuError}). Try a batch of ${Math.max(1, Math.floor(config.batchSize / 2))} or fewer.`;
    }
    showError(`Training failed: ${msg}`);
    setState('error');
  } finally {
    lostBeforeTrainSettled = undefined;
    controller = undefined;
    gate = undefined;
    setState(document.body.dataset.state as AppState);
  }
}

function pause(): void {
  if (gate) return;
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  gate = { promise, resolve };
  setState('paused');
  $('status').textContent += '\npaused (after the step in flight)';
}

function resume(): void {
  const g = gate;
  gate = undefined;
  setState('training');
  g?.resolve();
}

function stop(): void {
  controller?.abort();
  const g = gate;
  gate = undefined;
  g?.resolve();
  setState('stopping');
}

// ---------------------------------------------------------------------------- sample view

async function showSample(): Promise<void> {
  if (!shownWeights || !gpu) return;
  const data = lastData ?? (await getData());
  const { config, weights } = shownWeights;
  const spec = specFromConfig(config, data.train.rows * data.train.cols, Math.max(data.train.classes, data.test.classes));
  const index = Math.min(Math.max(0, num('sample-index')), data.test.count - 1);
  const choice = METHODS.find((m) => m.id === $<HTMLSelectElement>('method').value) ?? METHODS[0];
  const a = await sampleActivity(gpu.device, choice.make(num('update-every')), spec, weights, config.encoder, data.test, index, config.steps, encoderSeed(config.seed, 0xffff));
  const counts = drawRaster($<HTMLCanvasElement>('raster'), a);
  drawTraces($('trace-chart') as unknown as SVGSVGElement, a);
  const info = $('sample-info');
  info.textContent = `test sample ${index}: label ${a.label}, predicted ${a.predicted}; spikes: input ${counts.spikes[0]}, ${counts.spikes.slice(1).map((c, l) => `hidden ${l} ${c}`).join(', ')}`;
  info.dataset.label = String(a.label);
  info.dataset.predicted = String(a.predicted);
}

// ---------------------------------------------------------------------------- checkpoints & CSV

function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function saveCheckpoint(): void {
  if (!checkpoint) return;
  download(`webspike-epoch-${String(checkpoint.training?.epoch ?? 0)}.json`, serializeCheckpoint(checkpoint), 'application/json');
}

async function loadCheckpointFile(file: File): Promise<void> {
  clearError();
  try {
    const c = parseCheckpoint(await file.text(), file.name);
    checkpoint = c;
    formFromCheckpoint(c);
    const t = c.training as Partial<TrainConfig> | undefined;
    const config = configFromForm(formValues());
    shownWeights = { weights: c.weights, config: { ...config, ...(t?.encoder && { encoder: t.encoder }) } };
    epochs = ((c.metrics ?? []) as unknown as EpochMetrics[]).slice();
    rows = epochs.map((m) => ({ kind: 'epoch' as const, epoch: m.epoch, batch: 0, step: m.epoch, seconds: 0, samplesPerSecond: m.samplesPerSecond, loss: m.loss, accuracy: m.trainAccuracy, testLoss: m.testLoss, testAccuracy: m.testAccuracy }));
    renderEpochTable(epochs);
    renderCheckpointInfo(file.name);
    $('from-checkpoint').checked = true;
    $('status').textContent = `loaded ${file.name}`;
    setState('idle');
    if (gpu) await showSample().catch((e) => notice(`sample view: ${errorText(e)}`));
  } catch (e) {
    showError(`Cannot load the checkpoint. ${errorText(e)}`);
  }
}

function csv(): string {
  const head = ['kind', 'epoch', 'batch', 'step', 'seconds', 'samples_per_second', 'loss', 'accuracy', 'test_loss', 'test_accuracy'];
  const v = (x: number | undefined) => (x === undefined ? '' : String(x));
  return [head.join(','), ...rows.map((r) => [r.kind, r.epoch, r.batch, r.step, v(r.seconds), v(r.samplesPerSecond), v(r.loss), v(r.accuracy), v(r.testLoss), v(r.testAccuracy)].join(','))].join('\n') + '\n';
}

// ---------------------------------------------------------------------------- wiring

function init(): void {
  $<HTMLSelectElement>('surrogate').replaceChildren(...SURROGATES.map((n) => new Option(n, n, n === 'fast-sigmoid', n === 'fast-sigmoid')));
  $<HTMLSelectElement>('neuron').replaceChildren(...NEURON_KINDS.map((k) => new Option(k, k, k === 'lif', k === 'lif')));
  $<HTMLSelectElement>('method').replaceChildren(...METHODS.map((m) => new Option(m.label, m.id)));
  syncSource();
  syncEncoderParam();
  $('start').addEventListener('click', () => void start());
  $('pause').addEventListener('click', pause);
  $('resume').addEventListener('click', resume);
  $('stop').addEventListener('click', stop);
  $('save').addEventListener('click', saveCheckpoint);
  $('export-csv').addEventListener('click', () => download('webspike-metrics.csv', csv(), 'text/csv'));
  $('show-sample').addEventListener('click', () => void showSample().catch((e) => showError(`Cannot show the sample. ${errorText(e)}`)));
  $('x-axis').addEventListener('change', redraw);
  $('source').addEventListener('change', () => {
    syncSource();
    clearError();
  });
  $('encoder').addEventListener('change', () => {
    const poissonNow = $<HTMLSelectElement>('encoder').value === 'poisson';
    $('encoder-param').value = poissonNow ? '0.3' : '0.2';
    syncEncoderParam();
  });
  for (const id of ['hidden', 'steps']) $(id).addEventListener('input', () => void updateBatchLimit());
  $('idx-files').addEventListener('change', () => void onFiles(Array.from($('idx-files').files ?? [])));
  $('load').addEventListener('change', () => {
    const f = $('load').files?.[0];
    if (f) void loadCheckpointFile(f).finally(() => ($('load').value = ''));
  });
  const drop = $('drop');
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    void onFiles(Array.from(e.dataTransfer?.files ?? []));
  });
  redraw();
  setState('starting');
  acquireDevice().then(
    () => setState('idle'),
    (e) => {
      $('adapter').textContent = 'no WebGPU adapter';
      showError(errorText(e));
      setState('no-webgpu');
    },
  );
}

init();
