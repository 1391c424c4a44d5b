/**
 * Memory of one training step with factorized eligibility traces versus
 * surrogate BPTT as the sequence grows: T = 100, 1,000, 10,000 steps, a small
 * network (100 inputs, 64 hidden, 10 outputs, batch 16). For each method and T it
 * records what the method stores (MethodRun.stored()), the bytes of every GPU
 * buffer its bind() allocated, and the same without the input spike train
 * [T][B][inputs] (the data, which both read). BPTT is only bound (its buffers are
 * allocated, not run); one full eligibility step (forward + traces) is run and
 * timed at every T, the 10,000-step one included.
 * Writes bench/results/trace-memory.json.
 *   npx tsx bench/trace-memory.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { requestDevice, describeDevice } from '../src/gpu/device.js';
import { createNetwork } from '../src/layers/network.js';
import { bptt } from '../src/methods/bptt.js';
import { eligibility } from '../src/methods/eligibility.js';
import type { GradientMethod } from '../src/methods/method.js';
import { lifParams } from '../src/neurons/lif.js';
import { surrogateByName } from '../src/surrogates.js';
import { randomSpikes } from '../src/reference/random.js';
import type { NetworkSpec } from '../src/model/network.js';

const gpu = await requestDevice({ log: () => {} });
const { device } = gpu;
const spec: NetworkSpec = {
  inputs: 100, hidden: [{ size: 64, recurrent: true }], outputs: 10,
  neuron: lifParams({}), surrogate: surrogateByName('fast-sigmoid'), readoutReduce: 'mean',
};
const B = 16;
const results: Record<string, unknown>[] = [];
for (const T of [100, 1000, 10000]) {
  for (const [name, method] of [['bptt', bptt()], ['eligibility', eligibility({ signal: 'symmetric' })]] as [string, GradientMethod][]) {
    const net = createNetwork(device, spec, { seed: 1 });
    const sizes: number[] = [];
    const original = device.createBuffer;
    device.createBuffer = function (this: GPUDevice, d: GPUBufferDescriptor) {
      sizes.push(d.size);
      return original.call(this, d);
    } as typeof device.createBuffer;
    let run;
    try {
      run = method.bind(net, { batch: B, steps: T });
    } finally {
      device.createBuffer = original;
    }
    const inputBytes = T * B * spec.inputs * 4;
    const gpuBytes = sizes.reduce((s, x) => s + x, 0);
    const entry: Record<string, unknown> = {
      method: name, steps: T, batch: B, storedBytes: run.stored().totalBytes, gpuBufferBytes: gpuBytes,
      gpuBufferBytesWithoutInput: gpuBytes - inputBytes, inputBytes,
    };
    if (name === 'eligibility') {
      device.queue.writeBuffer(run.input, 0, Float32Array.from(randomSpikes(T, B, spec.inputs, 0.05, 1)));
      device.queue.writeBuffer(run.labels, 0, Uint32Array.from({ length: B }, (_, b) => b % spec.outputs));
      const t0 = performance.now();
      const enc = device.createCommandEncoder();
      run.encodeForward(enc);
      run.encodeBackward(enc);
      device.queue.submit([enc.finish()]);
      const g = await net.readGradients();
      entry.stepSeconds = (performance.now() - t0) / 1000;
      entry.gradientFinite = [g.hidden[0].w, g.hidden[0].v!, g.readout].every((a) => a.every(Number.isFinite));
    }
    console.log(JSON.stringify(entry));
    results.push(entry);
    run.destroy();
    net.destroy();
  }
}
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(new URL('./results/trace-memory.json', import.meta.url), JSON.stringify({
  device: describeDevice(gpu), network: '100-64r-10, mean readout', batch: B, results,
}, null, 2) + '\n');
gpu.destroy();
