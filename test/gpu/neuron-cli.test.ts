/**
 * The neuron model through the command line: `--neuron alif` with its own flag
 * trains, the checkpoint records the layer's model with the flag's value, a
 * resumed run keeps it, and a model's flag given for another model (or --reset
 * for a model with its own reset) is refused instead of ignored.
 */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadCheckpoint } from '../../src/train/checkpoint.js';
import { CLI_ARGS } from '../helpers/cli.js';

const exec = promisify(execFile);
const cli = (args: string[]) => exec(process.execPath, [...CLI_ARGS, ...args]);
const SMALL = ['--hidden', '16', '--steps', '8', '--train-limit', '128', '--test-limit', '64', '--batch', '32', '--quiet'];

describe('--neuron on the command line', () => {
  it('trains ALIF layers, records them in the checkpoint and keeps them on resume', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'webspike-neuron-cli-'));
    const ck = join(dir, 'alif.json');
    await cli(['train', '--neuron', 'alif', '--tau-adapt', '100', '--adaptation', '0.5', '--epochs', '1', '--checkpoint', ck, ...SMALL]);
    const saved = await loadCheckpoint(ck);
    const neuron = saved.spec.hidden[0].neuron as { kind: string; rho: number; adaptation: number } | undefined;
    expect(neuron?.kind).toBe('alif');
    expect(neuron!.rho).toBeCloseTo(Math.exp(-1 / 100), 6);
    expect(neuron!.adaptation).toBe(0.5);
    await cli(['train', '--resume', ck, '--epochs', '2', '--checkpoint', ck, '--quiet']);
    const resumed = await loadCheckpoint(ck);
    expect(resumed.training?.epoch).toBe(2);
    expect(resumed.spec.hidden[0].neuron).toEqual(saved.spec.hidden[0].neuron);
  }, 180_000);

  it('refuses flags that the chosen model does not take', async () => {
    const cases: [string[], RegExp][] = [
      [['--neuron', 'qif', '--tau-adapt', '100'], /--tau-adapt applies to --neuron alif only, not 'qif'/],
      [['--u-crit', '0.3'], /--u-crit applies to --neuron qif only, not 'lif'/],
      [['--neuron', 'alif', '--reset', 'zero'], /--reset applies to --neuron lif only/],
      [['--neuron', 'izhikevich'], /--neuron must be one of lif, qif, alif, got 'izhikevich'/],
    ];
    for (const [args, message] of cases) {
      const failed = await cli(['train', ...args, '--epochs', '1', '--quiet']).catch((e) => e);
      expect(failed.code, args.join(' ')).toBe(1);
      expect(failed.stderr).toMatch(message);
    }
  }, 120_000);
});
