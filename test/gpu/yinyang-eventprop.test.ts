/**
 * examples/node/yinyang-eventprop.ts end to end, small: a 5-30-3 network
 * trained with GPU EventProp on 500 Yin-Yang points for 8 epochs learns clearly
 * above chance (1/3) and its loss falls. The example runs in its own process
 * (its own device) and reports through its `--json` last line.
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

describe('Yin-Yang with GPU EventProp (example)', () => {
  test('a 5-30-3 network learns clearly above chance', async () => {
    const args = [
      '--import', 'tsx', example, '--json', '--epochs', '8', '--hidden', '30', '--train', '500', '--test', '200',
      '--batch', '16', '--lr', '1e-2', '--w-out', '0.2,0.37', '--seed', '1',
    ];
    const { stdout } = await run(process.execPath, args, { maxBuffer: 1 << 24 });
    const lines = stdout.trim().split('\n');
    const result = JSON.parse(lines[lines.length - 1]) as { network: number[]; initialTestAccuracy: number; testAccuracy: number; epochs: EpochLog[] };
    const epochs = result.epochs;
    console.log(`Yin-Yang 5-30-3, GPU EventProp: test accuracy per epoch ${epochs.map((e) => (100 * e.testAccuracy).toFixed(1)).join(', ')}%`);
    expect(result.network).toEqual([5, 30, 3]);
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
