import { afterAll, describe, expect } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gpuTest, releaseSharedDevice } from './fixture.js';
import { computeGradients, parseBatch } from '../../src/cli/grad.js';
import { saveCheckpoint } from '../../src/train/checkpoint.js';
import { lifParams } from '../../src/neurons/lif.js';
import { surrogateByName } from '../../src/surrogates.js';
import type { NetworkSpec } from '../../src/model/network.js';
import { randomNetwork, randomSpikes } from '../../src/reference/random.js';
import { referenceBackward, referenceForward } from '../../src/reference/lif-network.js';
import { CLI_ARGS } from '../helpers/cli.js';

afterAll(releaseSharedDevice);
const run = promisify(execFile);

const spec: NetworkSpec = {
  inputs: 12, hidden: [{ size: 9, recurrent: true }], outputs: 4,
  neuron: lifParams({ reset: 'zero' }), surrogate: surrogateByName('exponential', 3), readoutReduce: 'max',
};
const T = 10;
const B = 3;

function fixture() {
  const dir = mkdtempSync(join(tmpdir(), 'webspike-grad-'));
  const weights = randomNetwork(spec, 4, { gain: 3 });
  const spikes = randomSpikes(T, B, spec.inputs, 0.3, 2);
  const labels = [1, 3, 0];
  const nested = Array.from({ length: T }, (_, n) => Array.from({ length: B }, (_, b) => Array.from(spikes.subarray((n * B + b) * spec.inputs, (n * B + b + 1) * spec.inputs))));
  return { dir, weights, spikes, labels, batchDoc: { steps: T, batch: B, inputs: spec.inputs, spikes: nested, labels } };
}

describe('webspike grad', () => {
  gpuTest('computes the loss and every gradient of a checkpoint on a batch, equal to the reference', async ({ gpu }) => {
    const f = fixture();
    const report = await computeGradients(gpu, { spec, weights: f.weights }, parseBatch(f.batchDoc));
    const ref = referenceForward(spec, f.weights, f.spikes, T, B, f.labels);
    const g = referenceBackward(spec, f.weights, ref, f.spikes, T, B, f.labels);
    expect(report.loss).toBeCloseTo(ref.loss, 5);
    for (const [name, want] of [['hidden.0.w', g.hidden[0].w], ['hidden.0.v', g.hidden[0].v!], ['readout.w', g.readout]] as const) {
      const got = report.gradients[name].data;
      const scale = Math.max(...Array.from(want, Math.abs));
      expect(scale).toBeGreaterThan(0);
      got.forEach((x, i) => expect(Math.abs(x - want[i])).toBeLessThanOrEqual(1e-4 * scale));
    }
  });

  gpuTest('the CLI writes gradients as JSON and rejects a batch that does not fit the model', async () => {
    const f = fixture();
    const model = join(f.dir, 'model.json');
    await saveCheckpoint(model, { spec, weights: f.weights });
    const batchFile = join(f.dir, 'batch.json');
    writeFileSync(batchFile, JSON.stringify(f.batchDoc));
    const out = join(f.dir, 'grads.json');
    await run(process.execPath, [...CLI_ARGS, 'grad', '--model', model, '--batch', batchFile, '--out', out]);
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(report.gradients)).toEqual(['hidden.0.w', 'hidden.0.v', 'readout.w']);
    expect(report.gradients['hidden.0.w'].shape).toEqual([9, 12]);
    expect(Number.isFinite(report.loss)).toBe(true);

    const wrong = join(f.dir, 'wrong.json');
    writeFileSync(wrong, JSON.stringify({ ...f.batchDoc, inputs: 11, spikes: new Array(T * B * 11).fill(0) }));
    const failed = await run(process.execPath, [...CLI_ARGS, 'grad', '--model', model, '--batch', wrong]).catch((e) => e);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/wrong\.json: has 11 inputs per step but the model expects 12/);

    const short = join(f.dir, 'short.json');
    writeFileSync(short, JSON.stringify({ ...f.batchDoc, spikes: [0, 1] }));
    const failed2 = await run(process.execPath, [...CLI_ARGS, 'grad', '--model', model, '--batch', short]).catch((e) => e);
    expect(failed2.stderr).toMatch(/"spikes" has 2 values but steps × batch × inputs = 10×3×12 = 360/);
  });
});
