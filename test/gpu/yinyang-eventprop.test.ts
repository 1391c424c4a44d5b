/**
 * examples/node/yinyang-eventprop.ts end to end, small: a 5-30-3 network
 * trained with GPU EventProp on 500 Yin-Yang points learns clearly above chance
 * (1/3) and its loss falls, with spiking outputs and the first-spike loss
 * (eq. 3, Table 3 settings) and with readouts and the max-voltage loss (eq. 4).
 * The example runs in its own process (its own device) and reports through its
 * `--json` last line.
 */
import { describe, expect, test } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const example = new URL('../../examples/node/yinyang-eventprop.ts', import.meta.url).pathname;

interface EpochLog {
  loss: number;
  testLoss: number;
  testAccuracy: number;
  spikesPerSample: number;
}

async function runExample(args: string[]): Promise<{ network: number[]; loss: string; initialTestAccuracy: number; testAccuracy: number; epochs: EpochLog[] }> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', example, '--json', ...args], { maxBuffer: 1 << 24 });
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}

describe('Yin-Yang with GPU EventProp (example)', () => {
  test('first-spike loss: a 5-30-3 network with spiking outputs learns clearly above chance', async () => {
    // Table 3's loss constants; output weights, learning rate and batch scaled for 30 hidden neurons and 10 short epochs
    const result = await runExample([
      '--loss', 'first-spike', '--epochs', '10', '--hidden', '30', '--train', '500', '--test', '200', '--w-out', '5,0.5', '--lr', '2e-2', '--batch', '16', '--seed', '1',
    ]);
    const epochs = result.epochs;
    console.log(`Yin-Yang 5-30-3, GPU EventProp, first-spike loss: test accuracy per epoch ${epochs.map((e) => (100 * e.testAccuracy).toFixed(1)).join(', ')}%`);
    expect(result.network).toEqual([5, 30, 3]);
    expect(result.loss).toBe('first-spike');
    expect(epochs).toHaveLength(10);
    for (const e of epochs) {
      expect(Number.isFinite(e.loss)).toBe(true);
      expect(e.spikesPerSample).toBeGreaterThan(0);
    }
    // measured 86.5% (initial 39.0%); seeds 2 and 3 reach 74.0% and 83.5%
    expect(result.testAccuracy).toBeGreaterThanOrEqual(0.75);
    expect(epochs[9].testLoss).toBeLessThan(epochs[0].testLoss);
  }, 300_000); // ~10 s alone on SwiftShader

  test('max-voltage loss: a 5-30-3 network with readouts learns clearly above chance', async () => {
    const result = await runExample([
      '--loss', 'max-voltage', '--epochs', '8', '--hidden', '30', '--train', '500', '--test', '200', '--batch', '16', '--lr', '1e-2', '--w-out', '0.2,0.37', '--seed', '1',
    ]);
    const epochs = result.epochs;
    console.log(`Yin-Yang 5-30-3, GPU EventProp, max-voltage loss: test accuracy per epoch ${epochs.map((e) => (100 * e.testAccuracy).toFixed(1)).join(', ')}%`);
    expect(result.network).toEqual([5, 30, 3]);
    expect(result.loss).toBe('max-voltage');
    expect(epochs).toHaveLength(8);
    for (const e of epochs) {
      expect(Number.isFinite(e.loss)).toBe(true);
      expect(e.spikesPerSample).toBeGreaterThan(0);
    }
    expect(result.testAccuracy).toBeGreaterThanOrEqual(0.5);
    expect(epochs[7].loss).toBeLessThan(epochs[0].loss);
    expect(epochs[7].testLoss).toBeLessThan(epochs[0].testLoss);
  }, 300_000); // ~15 s alone on SwiftShader
});
