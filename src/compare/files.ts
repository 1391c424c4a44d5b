/**
 * Node side of the comparison report: write report.json + report.html, and a
 * PNG of each chart rendered by headless Chromium (playwright-core with
 * Debian's /usr/bin/chromium or CHROMIUM_PATH; never downloads a browser).
 */
import type { CompareReport } from './runner.js';
import { lineChartSvg, reportCharts, reportHtml } from './report.js';

/** Write report.json and report.html into `dir`; returns their paths. */
export async function writeReport(r: CompareReport, dir: string): Promise<{ json: string; html: string }> {
  const fs = await import('node:fs/promises');
  const { join } = await import('node:path');
  await fs.mkdir(dir, { recursive: true });
  const json = join(dir, 'report.json');
  const html = join(dir, 'report.html');
  await fs.writeFile(json, `${JSON.stringify(r, null, 1)}\n`);
  await fs.writeFile(html, reportHtml(r));
  return { json, html };
}

/**
 * A PNG of each chart (`<id>.png` in `dir`) rendered by headless Chromium.
 * Returns the files written, or `skipped` with the reason when Chromium or
 * playwright-core is missing.
 */
export async function renderPngs(r: CompareReport, dir: string): Promise<{ files: string[]; skipped?: string }> {
  const fs = await import('node:fs/promises');
  const { existsSync } = await import('node:fs');
  const { join } = await import('node:path');
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) return { files: [], skipped: `Chromium not found at ${path} (apt-get install chromium, or set CHROMIUM_PATH); no PNGs written` };
  let chromium: typeof import('playwright-core').chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (e) {
    return { files: [], skipped: `playwright-core is not installed (${(e as Error).message}); no PNGs written` };
  }
  await fs.mkdir(dir, { recursive: true });
  const browser = await chromium.launch({ executablePath: path, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  const files: string[] = [];
  try {
    const page = await browser.newPage({ deviceScaleFactor: 1 });
    for (const c of reportCharts(r)) {
      await page.setContent(`<!doctype html><html><body style="margin:0">${lineChartSvg(c)}</body></html>`);
      const file = join(dir, `${c.id}.png`);
      await page.locator('svg').first().screenshot({ path: file });
      files.push(file);
    }
  } finally {
    await browser.close();
  }
  return { files };
}
