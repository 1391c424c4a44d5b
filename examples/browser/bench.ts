/** Benchmark page: exposes `window.webspikeBench` for bench/browser-vs-node.ts (headless Chrome). */
import { describeDevice, requestDevice, type DatasetSplits, type WebspikeDevice } from 'webspike';
import { loadBundledDigits } from './data.js';
import { benchTrainSteps, type StepBenchOptions, type StepBenchResult } from './step-bench.js';

declare global {
  interface Window {
    webspikeBench: {
      info(): { adapter: WebspikeDevice['adapter']; summary: string; limits: Record<string, number>; userAgent: string };
      run(o: StepBenchOptions): Promise<StepBenchResult>;
    };
  }
}

const log = (s: string) => (document.getElementById('log')!.textContent += `${s}\n`);

async function main(): Promise<void> {
  let gpu: WebspikeDevice | undefined;
  let lostReason: string | undefined;
  const data: DatasetSplits = await loadBundledDigits();
  const device = async () => {
    if (!gpu) {
      gpu = await requestDevice({ log });
      const d = gpu;
      void d.lost.then((info) => {
        lostReason = `${info.reason}: ${info.message}`;
        if (gpu === d) gpu = undefined;
      });
    }
    return gpu;
  };
  const g = await device();
  window.webspikeBench = {
    info: () => ({
      adapter: g.adapter, summary: describeDevice(g), userAgent: navigator.userAgent,
      limits: { maxBufferSize: g.limits.maxBufferSize, maxStorageBufferBindingSize: g.limits.maxStorageBufferBindingSize, maxComputeWorkgroupsPerDimension: g.limits.maxComputeWorkgroupsPerDimension },
    }),
    async run(o) {
      lostReason = undefined;
      const d = await device();
      const lost = d.lost.then((info) => ({ ...o, ok: false, error: `device lost (${info.reason}): ${info.message}` }) as StepBenchResult);
      const r = await Promise.race([benchTrainSteps(d, data.train, o), lost]);
      log(JSON.stringify(r));
      return lostReason && r.ok ? { ...r, ok: false, error: `device lost: ${lostReason}` } : r;
    },
  };
  document.body.dataset.state = 'ready';
}

main().catch((e) => {
  log(`error: ${(e as Error).message}`);
  document.body.dataset.state = 'error';
});
