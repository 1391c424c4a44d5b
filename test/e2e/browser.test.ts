/**
 * End-to-end test of the browser app (examples/browser) in Debian's headless
 * Chromium on SwiftShader's software WebGPU adapter, driven by playwright-core:
 * the page loads and finds the adapter, trains a small network on the bundled
 * digits above chance, a checkpoint downloads, loads back into a fresh page with
 * the same weights and metadata and training continues from it, malformed IDX
 * files and a too-large batch give errors that name the problem. A screenshot is
 * written to out/e2e/browser.png.
 *
 * Needs /usr/bin/chromium (or CHROMIUM_PATH); without it the test fails — it never
 * downloads a browser.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { buildApp, chromiumPath, DIST_DIR, launchChromium, serveStatic, type StaticServer } from '../../examples/browser/harness.js';
import { parseCheckpoint } from '../../src/train/checkpoint.js';
import { encodeIdx } from '../../src/data/idx.js';
import { DISCRETE_METHOD_NAMES, LEARNING_SIGNALS, NEURON_KINDS } from '../../src/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const OUT = join(ROOT, 'out', 'e2e');
const SCREENSHOT = join(OUT, 'browser.png');

let server: StaticServer | undefined;
let browser: Browser | undefined;
let page: Page;
const pageErrors: string[] = [];
let firstCheckpoint: string;
let trainedTable: string[][];

const FINAL = ['done', 'stopped', 'error', 'lost'];

async function openApp(): Promise<Page> {
  const p = await browser!.newPage({ viewport: { width: 1400, height: 1100 }, acceptDownloads: true });
  p.on('pageerror', (e) => pageErrors.push(e.stack ?? e.message));
  await p.goto(server!.url);
  await p.waitForFunction(() => document.body.dataset.state !== 'starting', null, { timeout: 30_000 });
  return p;
}

async function fill(p: Page, values: Record<string, string | number>): Promise<void> {
  for (const [id, v] of Object.entries(values)) await p.fill(`#${id}`, String(v));
}

async function trainToEnd(p: Page, timeout = 90_000): Promise<string> {
  await p.click('#start');
  await p.waitForFunction((final) => final.includes(document.body.dataset.state!), FINAL, { timeout });
  return (await p.evaluate(() => document.body.dataset.state))!;
}

async function epochTable(p: Page): Promise<string[][]> {
  return p.$$eval('#epoch-table tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')));
}

async function downloadCheckpoint(p: Page): Promise<string> {
  const [download] = await Promise.all([p.waitForEvent('download'), p.click('#save')]);
  const path = join(OUT, download.suggestedFilename());
  await download.saveAs(path);
  return readFileSync(path, 'utf8');
}

beforeAll(async () => {
  chromiumPath(); // fails with a clear message when Chromium is missing
  mkdirSync(OUT, { recursive: true });
  await buildApp();
  server = await serveStatic(DIST_DIR);
  browser = await launchChromium();
  page = await openApp();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('browser app on headless Chromium (SwiftShader WebGPU)', () => {
  test('the page loads and finds a WebGPU adapter', async () => {
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('idle');
    expect(await page.textContent('#adapter')).toMatch(/swiftshader|software adapter/i);
    expect(await page.textContent('#error')).toBe('');
    // every gradient method of the discrete network the library registers is offered
    const methods = await page.$$eval('#method option', (o) => o.map((x) => (x as HTMLOptionElement).value));
    expect(methods).toEqual(expect.arrayContaining(['bptt-event', 'bptt-dense', ...LEARNING_SIGNALS.map((s) => `eligibility-${s}`)]));
    // and every neuron model
    expect(await page.$$eval('#neuron option', (o) => o.map((x) => (x as HTMLOptionElement).value))).toEqual([...NEURON_KINDS]);
    for (const name of DISCRETE_METHOD_NAMES) expect(methods.some((m) => m === name || m.startsWith(`${name}-`)), name).toBe(true);
  });

  test('trains a small network on the bundled digits above chance, with live charts, kernel times and a raster', async () => {
    await fill(page, { hidden: 32, steps: 10, batch: 64, epochs: 2, 'train-limit': 512, 'test-limit': 256, lr: 0.005 });
    await page.selectOption('#schedule', 'constant');
    expect(await trainToEnd(page)).toBe('done');
    expect(await page.textContent('#error')).toBe('');
    trainedTable = await epochTable(page);
    expect(trainedTable.map((r) => r[0])).toEqual(['1', '2']);
    const [, , trainAcc, , testAcc, , sps] = trainedTable[1].map(Number);
    expect(trainAcc).toBeGreaterThan(0.3); // 10 classes: chance is 0.1
    expect(testAcc).toBeGreaterThan(0.3);
    expect(sps).toBeGreaterThan(0);
    expect(await page.textContent('#status')).toMatch(/done: 2 epochs · test accuracy [\d.]+% · [\d.]+ samples\/s/);
    // charts drew lines, per-kernel times came from timestamp queries where the adapter has them
    expect(await page.locator('#loss-chart polyline').count()).toBeGreaterThan(0);
    expect(await page.locator('#acc-chart circle').count()).toBe(2);
    if (/timestamp queries available/.test((await page.textContent('#adapter')) ?? '')) {
      const kernels = await page.$$eval('#kernels .bar-label', (e) => e.map((x) => x.textContent));
      expect(kernels).toEqual(expect.arrayContaining(['encode', 'optimizer', 'forward/scan/forward(lif)']));
    }
    const info = page.locator('#sample-info');
    expect(await info.textContent()).toMatch(/test sample 0: label \d, predicted \d; spikes: input \d+, hidden 0 \d+/);
    expect(await page.locator('#trace-chart polyline').count()).toBe(10);
    // metrics export
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
    const text = readFileSync((await csv.path())!, 'utf8').trim().split('\n');
    expect(text[0]).toBe('kind,epoch,batch,step,seconds,samples_per_second,loss,accuracy,test_loss,test_accuracy');
    expect(text.filter((l) => l.startsWith('epoch,'))).toHaveLength(2);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  test('a checkpoint downloads in the CLI format, loads into a fresh page and training continues from it', async () => {
    firstCheckpoint = await downloadCheckpoint(page);
    const saved = parseCheckpoint(firstCheckpoint, 'downloaded checkpoint');
    expect(saved.spec.inputs).toBe(784);
    expect(saved.spec.hidden.map((h) => h.size)).toEqual([32]);
    expect(saved.training?.epoch).toBe(2);
    expect(saved.optimizer?.updates).toBe(16); // 512 / 64 batches × 2 epochs
    expect((saved.metrics ?? []).map((m) => (m.testAccuracy as number).toFixed(4))).toEqual(trainedTable.map((r) => r[4]));

    const fresh = await openApp();
    await fresh.setInputFiles('#load', { name: 'run.json', mimeType: 'application/json', buffer: Buffer.from(firstCheckpoint) });
    const info = fresh.locator('#checkpoint-info');
    await expect.poll(() => info.getAttribute('data-epoch')).toBe('2');
    expect(await info.getAttribute('data-architecture')).toBe('784-32-10');
    expect(await info.getAttribute('data-updates')).toBe('16');
    expect(await fresh.inputValue('#hidden')).toBe('32');
    expect(await fresh.inputValue('#steps')).toBe('10');
    expect(await fresh.isChecked('#from-checkpoint')).toBe(true);
    expect(await epochTable(fresh)).toEqual(trainedTable);
    // saving again gives the same document: weights, optimizer state and metadata round-trip
    const again = await downloadCheckpoint(fresh);
    expect(again).toBe(firstCheckpoint);
    const back = parseCheckpoint(again);
    expect(Array.from(back.weights.hidden[0].w)).toEqual(Array.from(saved.weights.hidden[0].w));
    expect(Array.from(back.weights.readout)).toEqual(Array.from(saved.weights.readout));
    // and training continues from it: epoch 3 only, same data limits
    await fill(fresh, { epochs: 3, 'train-limit': 512, 'test-limit': 256 });
    expect(await trainToEnd(fresh)).toBe('done');
    const table = await epochTable(fresh);
    expect(table.map((r) => r[0])).toEqual(['1', '2', '3']);
    expect(table.slice(0, 2)).toEqual(trainedTable);
    expect(Number(table[2][4])).toBeGreaterThan(0.3);
    const continued = parseCheckpoint(await downloadCheckpoint(fresh));
    expect(continued.optimizer?.updates).toBe(24);
    expect(Array.from(continued.weights.readout)).not.toEqual(Array.from(saved.weights.readout));
    await fresh.close();
  });

  test('malformed IDX files show an error naming the file and the problem', async () => {
    const bad = Buffer.from([0x12, 0x34, 0x08, 0x03, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4]);
    await page.setInputFiles('#idx-files', [{ name: 'train-images-idx3-ubyte', mimeType: 'application/octet-stream', buffer: bad }]);
    const error = page.locator('#error');
    await expect.poll(() => error.textContent()).toMatch(/train-images-idx3-ubyte: bad magic 0x12340803: not an IDX file/);
    expect(await error.isVisible()).toBe(true);

    const images = encodeIdx({ dtype: 'u8', dims: [10, 28, 28], data: new Uint8Array(10 * 28 * 28) });
    const truncated = Buffer.from(images.subarray(0, 16 + 100));
    const labels = Buffer.from(encodeIdx({ dtype: 'u8', dims: [10], data: new Uint8Array(10) }));
    await page.setInputFiles('#idx-files', [
      { name: 'train-images-idx3-ubyte', mimeType: 'application/octet-stream', buffer: truncated },
      { name: 'train-labels-idx1-ubyte', mimeType: 'application/octet-stream', buffer: labels },
    ]);
    await expect.poll(() => error.textContent()).toMatch(/train-images-idx3-ubyte: truncated: header says 10×28×28 u8 = 7840 bytes of data, file has 100/);

    const mislabelled = Buffer.from(encodeIdx({ dtype: 'u8', dims: [10], data: Uint8Array.from({ length: 10 }, (_, i) => (i === 7 ? 12 : 1)) }));
    await page.setInputFiles('#idx-files', [
      { name: 'train-images-idx3-ubyte', mimeType: 'application/octet-stream', buffer: Buffer.from(images) },
      { name: 'train-labels-idx1-ubyte', mimeType: 'application/octet-stream', buffer: mislabelled },
    ]);
    await expect.poll(() => error.textContent()).toMatch(/train-labels-idx1-ubyte: label 12 at index 7 is outside 0\.\.9/);
    await page.selectOption('#source', 'digits');
  });

  test('a GPU process crash mid-training: the page reports the lost device, keeps the last checkpoint and resumes on a new device', async () => {
    const p = await openApp();
    await fill(p, { hidden: 32, steps: 10, batch: 64, epochs: 400, 'train-limit': 256, 'test-limit': 64 });
    await p.click('#start');
    await p.waitForFunction(() => document.querySelectorAll('#epoch-table tbody tr').length >= 1, null, { timeout: 60_000 });
    // pause holds training after the step in flight; resume continues it
    await p.click('#pause');
    await p.waitForFunction(() => document.body.dataset.state === 'paused');
    await p.waitForTimeout(300);
    const held = await p.textContent('#status');
    await p.waitForTimeout(1500);
    expect(await p.textContent('#status')).toBe(held);
    expect(await p.isEnabled('#resume')).toBe(true);
    await p.click('#resume');
    await p.waitForFunction((before) => document.body.dataset.state === 'training' && document.getElementById('status')!.textContent !== before, held, { timeout: 30_000 });
    const cdp = await browser!.newBrowserCDPSession();
    await cdp.send('Browser.crashGpuProcess');
    await cdp.detach();
    await p.waitForFunction(() => document.body.dataset.state === 'lost', null, { timeout: 30_000 });
    expect(await p.textContent('#error')).toMatch(/The GPU device was lost at epoch \d+, step \d+ .*The last checkpoint \(epoch \d+\) is kept in this page/);
    expect(await p.isChecked('#from-checkpoint')).toBe(true);
    const kept = parseCheckpoint(await downloadCheckpoint(p));
    const epoch = kept.training!.epoch as number;
    expect(epoch).toBeGreaterThanOrEqual(1);
    // Start requests a new device and continues from the kept checkpoint
    await fill(p, { epochs: epoch + 1 });
    expect(await trainToEnd(p)).toBe('done');
    expect((await epochTable(p)).map((r) => r[0])).toEqual(Array.from({ length: epoch + 1 }, (_, i) => String(i + 1)));
    await p.close();
  });

  test('a batch beyond the adapter limits is refused with the largest batch that fits', async () => {
    const limits = await page.evaluate(async () => {
      const a = await navigator.gpu.requestAdapter();
      return { binding: a!.limits.maxStorageBufferBindingSize, buffer: a!.limits.maxBufferSize };
    });
    const steps = 10;
    const largest = Math.floor(Math.min(limits.binding, limits.buffer) / (4 * steps * 784));
    await fill(page, { steps, batch: largest + 1, epochs: 1 });
    await page.click('#start');
    const error = page.locator('#error');
    await expect.poll(() => error.textContent()).toMatch(new RegExp(`Batch ${largest + 1} is too large for this adapter: .*The largest batch that fits is ${largest}\\.`));
    expect(await page.evaluate(() => document.body.dataset.state)).toBe('idle');
    expect(pageErrors).toEqual([]);
  });

  test('trains ALIF hidden layers above chance', async () => {
    await page.reload();
    await fill(page, { hidden: 32, steps: 10, batch: 64, epochs: 2, 'train-limit': 512, 'test-limit': 256, lr: 0.005 });
    await page.selectOption('#neuron', 'alif');
    await page.selectOption('#schedule', 'constant');
    expect(await trainToEnd(page)).toBe('done');
    expect(await page.textContent('#error')).toBe('');
    const table = await epochTable(page);
    expect(Number(table[1][4])).toBeGreaterThan(0.3); // test accuracy; 10 classes: chance is 0.1
    if (/timestamp queries available/.test((await page.textContent('#adapter')) ?? '')) {
      expect(await page.$$eval('#kernels .bar-label', (e) => e.map((x) => x.textContent))).toContain('forward/scan/forward(alif)');
    }
    expect(pageErrors).toEqual([]);
  });
});
