/**
 * Outputs never destroy inputs (src/cli/output-paths.ts and its use by the CLI):
 * an output that is an input, or another output, under any spelling, is refused
 * before any work with both options named; a missing or unwritable folder is
 * found before training, not after the first epoch; the files are left as they were.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkOutputPaths, OutputPathError } from '../../src/cli/output-paths.js';
import { writeFileAtomic } from '../../src/files/atomic-write.js';
import { CLI_ARGS } from '../helpers/cli.js';

const exec = promisify(execFile);

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'webspike-paths-'));
  writeFileSync(join(dir, 'model.json'), '{"kept": true}');
  writeFileSync(join(dir, 'batch.json'), '{}');
  return dir;
}

describe('checkOutputPaths', () => {
  it('refuses an output that is an input, also through another spelling or a symbolic link', () => {
    const dir = folder();
    const model = join(dir, 'model.json');
    expect(() => checkOutputPaths({ '--model': model }, { '--out': model })).toThrow(/--out .*model\.json is the same file as --model .*model\.json/);
    expect(() => checkOutputPaths({ '--model': model }, { '--out': join(dir, '.', 'sub', '..', 'model.json') })).toThrow(OutputPathError);
    symlinkSync(model, join(dir, 'link.json'));
    expect(() => checkOutputPaths({ '--model': join(dir, 'link.json') }, { '--out': model })).toThrow(/same file as --model/);
  });

  it('refuses two outputs that are one file, and allows the pairs it is told to', () => {
    const dir = folder();
    const out = join(dir, 'run.json');
    expect(() => checkOutputPaths({}, { '--checkpoint': out, '--metrics': out })).toThrow(/--checkpoint .*run\.json and --metrics .*run\.json are the same file/);
    expect(() => checkOutputPaths({ '--resume': out }, { '--checkpoint': out }, [['--checkpoint', '--resume']])).not.toThrow();
    expect(() => checkOutputPaths({ '--resume': out }, { '--metrics': out }, [['--checkpoint', '--resume']])).toThrow(/--metrics/);
  });

  it('finds a missing folder and a folder given as the file', () => {
    const dir = folder();
    expect(() => checkOutputPaths({}, { '--checkpoint': join(dir, 'no-such', 'run.json') })).toThrow(/--checkpoint .*: the folder .*no-such does not exist/);
    expect(() => checkOutputPaths({}, { '--out': dir })).toThrow(/is a folder, not a file/);
  });
});

describe('writeFileAtomic', () => {
  it('replaces the whole file and leaves no temporary file behind, also when the write fails', async () => {
    const dir = folder();
    const target = join(dir, 'model.json');
    await writeFileAtomic(target, 'new');
    expect(readFileSync(target, 'utf8')).toBe('new');
    await expect(writeFileAtomic(join(dir, 'no-such', 'x.json'), 'y')).rejects.toThrow();
    expect(readdirSync(dir).sort()).toEqual(['batch.json', 'model.json']);
  });
});

describe('the CLI refuses clashing paths before any work', () => {
  it('grad --out equal to --model leaves the model as it was', async () => {
    const dir = folder();
    const model = join(dir, 'model.json');
    const err = await exec(process.execPath, [...CLI_ARGS, 'grad', '--model', model, '--batch', join(dir, 'batch.json'), '--out', model]).catch((e) => e);
    expect(err.code).toBe(1);
    expect(err.stderr).toMatch(/--out .*model\.json is the same file as --model/);
    expect(readFileSync(model, 'utf8')).toBe('{"kept": true}');
  });

  it('train --metrics equal to --checkpoint, and a checkpoint in a missing folder, fail before training', async () => {
    const dir = folder();
    const same = await exec(process.execPath, [...CLI_ARGS, 'train', '--checkpoint', join(dir, 'a.json'), '--metrics', join(dir, 'a.json')]).catch((e) => e);
    expect(same.stderr).toMatch(/--checkpoint .*a\.json and --metrics .*a\.json are the same file/);
    const missing = await exec(process.execPath, [...CLI_ARGS, 'train', '--method', 'eventprop', '--checkpoint', join(dir, 'gone', 'a.json')]).catch((e) => e);
    expect(missing.stderr).toMatch(/--checkpoint .*: the folder .*gone does not exist/);
    expect(existsSync(join(dir, 'a.json'))).toBe(false);
  });
});
