/**
 * Training-step throughput in headless Chrome vs Node on the same adapter
 * (SwiftShader without a GPU), same network and same code
 * (examples/browser/step-bench.ts): 784 Poisson inputs (rate 0.3 × pixel) →
 * 128 LIF → 10 readout, T = 25, surrogate BPTT, Adam, MNIST digits.
 *
 *   npx tsx bench/browser-vs-node.ts [--batches 256,1024] [--grow 2048,4096,8192,limit]
 *                                    [--iters 3] [--out bench/results/browser-vs-node.json]
 *
 * 1. samples/s at each of --batches in Chrome (bench.html of the built app) and in
 *    Node (Dawn's `webgpu` package, requestDevice from src/gpu/device.ts);
 * 2. the largest batch that trains in the headless browser: --grow batches in
 *    order ('limit' = the largest batch the adapter's buffer limits allow), one
 *    step each, stopping at the first that fails (GPU error, device lost,
 *    non-finite loss) or exceeds the limits.
 * Both runtimes keep Dawn's robustness (bounds checks) on, as Chrome does.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { execSync } from 'node:child_process';
import type { Page } from 'playwright-core';
import { buildApp, CHROMIUM_ARGS, chromiumPath, DIST_DIR, launchChromium, serveStatic } from '../examples/browser/harness.js';
import { benchTrainSteps, type StepBenchOptions, type StepBenchResult } from '../examples/browser/step-bench.js';
import { largestBatch } from '../examples/browser/config.js';
import { describeDevice, requestDevice } from '../src/gpu/device.js';
import { loadMnistDigits } from '../src/data/node.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const batches = arg('--batches', '256,1024').split(',').map(Number);
const grow = arg('--grow', '2048,4096,8192,limit').split(',');
const iters = Number(arg('--iters', '3'));
const out = arg('--out', 'bench/results/browser-vs-node.json');
const NET = { steps: 25, hidden: 128, rate: 0.3 };

function line(where: string, r: StepBenchResult): void {
  const what = r.ok ? `${r.samplesPerSecond!.toFixed(1)} samples/s (${r.msPerStep!.toFixed(0)} ms/step, loss ${r.loss!.toFixed(3)})` : `FAILED: ${r.error}`;
  console.log(`${where.padEnd(7)} batch ${String(r.batch).padStart(5)}: ${what}`);
}

async function main(): Promise<void> {
  chromiumPath();
  const t0 = performance.now();
  await buildApp();
  const server = await serveStatic(DIST_DIR);
  const browser = await launchChromium();
  const node = await requestDevice({ log: (m) => console.error(m) });
  const { train } = await loadMnistDigits();
  const results: { batch: number; chrome: StepBenchResult; node: StepBenchResult; chromeOverNode?: number }[] = [];
  const growth: StepBenchResult[] = [];
  let page: Page | undefined;
  try {
    page = await browser.newPage();
    const consoleLines: string[] = [];
    page.on('console', (m) => consoleLines.push(m.text()));
    await page.goto(`${server.url}bench.html`);
    await page.waitForFunction(() => document.body.dataset.state !== 'starting', null, { timeout: 60_000 });
    if ((await page.evaluate(() => document.body.dataset.state)) !== 'ready') throw new Error(`bench page failed: ${await page.textContent('#log')}`);
    const chromeInfo = await page.evaluate(() => window.webspikeBench.info());
    console.log(`chrome: ${chromeInfo.summary}\nnode:   ${describeDevice(node)}`);
    const inBrowser = (o: StepBenchOptions) => page!.evaluate((opts) => window.webspikeBench.run(opts), o);

    for (const batch of batches) {
      const o: StepBenchOptions = { batch, ...NET, warmup: 1, iters: batch >= 1024 ? Math.max(1, iters - 1) : iters };
      const chrome = await inBrowser(o);
      line('chrome', chrome);
      const nodeR = await benchTrainSteps(node, train, o);
      line('node', nodeR);
      results.push({ batch, chrome, node: nodeR, ...(chrome.ok && nodeR.ok && { chromeOverNode: chrome.samplesPerSecond! / nodeR.samplesPerSecond! }) });
    }

    const limit = largestBatch(chromeInfo.limits as unknown as GPUSupportedLimits, NET.steps, 784, [NET.hidden], 10);
    for (const g of grow) {
      const batch = g === 'limit' ? limit.batch : Number(g);
      if (batch > limit.batch) {
        growth.push({ batch, ...NET, warmup: 0, iters: 1, ok: false, error: `exceeds the adapter's ${limit.limitName} (${limit.limitBytes} bytes): the largest batch that fits is ${limit.batch}` });
        line('chrome', growth[growth.length - 1]);
        break;
      }
      const r = await inBrowser({ batch, ...NET, warmup: 0, iters: 1 });
      line('chrome', r);
      growth.push(r);
      if (!r.ok) break;
    }
    const largest = Math.max(0, ...growth.filter((r) => r.ok).map((r) => r.batch), ...results.filter((r) => r.chrome.ok).map((r) => r.batch));
    const report = {
      date: new Date().toISOString(),
      network: { inputs: 784, hidden: NET.hidden, outputs: 10, steps: NET.steps, encoder: `poisson rate ${NET.rate}`, method: 'bptt (library default propagation)', optimizer: 'adam', data: 'mnist package digits (train split)' },
      timing: 'per configuration: warmup steps, then `iters` steps submitted back to back, timed to onSubmittedWorkDone; samples/s = batch × iters / seconds',
      chrome: { ...chromeInfo, executable: chromiumPath(), args: CHROMIUM_ARGS, version: browser.version() },
      node: { adapter: node.adapter, summary: describeDevice(node), version: process.version, webgpu: "dawn (npm 'webgpu')", robustness: 'on' },
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, loadavgAtEnd: loadavg() },
      git: (() => {
        try {
          return execSync('git rev-parse HEAD', { encoding: 'utf8' }).trim();
        } catch {
          return undefined;
        }
      })(),
      results,
      largestBatch: { chrome: largest, adapterLimit: limit.batch, limitName: limit.limitName, tried: growth },
      totalSeconds: (performance.now() - t0) / 1000,
    };
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
    console.log(`largest batch that trained in headless Chrome: ${largest} (adapter limit ${limit.batch}); wrote ${out}`);
  } finally {
    await page?.close().catch(() => {});
    await browser.close();
    await server.close();
    node.destroy();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
