import { afterAll, expect } from 'vitest';
import { gpuTest, releaseSharedDevice } from './fixture.js';
import { createProfiler } from '../../src/gpu/profiler.js';
import { createNetwork } from '../../src/layers/network.js';
import { bptt, resolvePropagation } from '../../src/methods/bptt.js';
import { adamOptimizer, createOptimizer } from '../../src/optim/optimizer.js';
import { lifParams } from '../../src/neurons/lif.js';
import { fastSigmoid } from '../../src/surrogates.js';

afterAll(releaseSharedDevice);

gpuTest('timestamp profiles name every kernel of a training step', async ({ device, gpu }) => {
  const spec = {
    inputs: 20, hidden: [{ size: 16, recurrent: false }], outputs: 4,
    neuron: lifParams(), surrogate: fastSigmoid(), readoutReduce: 'mean' as const,
  };
  const net = createNetwork(device, spec, { seed: 2 });
  const run = bptt().bind(net, { batch: 8, steps: 10 });
  const opt = createOptimizer(net, adamOptimizer());
  const profiler = createProfiler(device);
  expect(profiler.enabled).toBe(gpu.features.timestampQuery);
  const enc = device.createCommandEncoder();
  run.encodeForward(enc, profiler);
  run.encodeBackward(enc, profiler);
  opt.encode(enc, profiler);
  profiler.resolve(enc);
  device.queue.submit([enc.finish()]);
  const times = await profiler.read();
  if (profiler.enabled) {
    const labels = [...times.keys()];
    // the kernels of the propagation bptt() picks on this adapter
    const mode = resolvePropagation(device, 'auto', spec).forward;
    if (mode === 'fused') {
      expect(labels).toContain('forward/neurons/lif-fused-forward');
      expect(labels).toContain('backward/neurons/lif-fused-backward(fast-sigmoid)');
    } else {
      expect(labels).toContain('forward/scan/forward(lif)');
      expect(labels).toContain(mode === 'event' ? 'backward/linear/event-weight-grad' : 'backward/linear/matmul');
    }
    expect(labels).toContain('optimizer');
    for (const ms of times.values()) expect(ms).toBeGreaterThanOrEqual(0);
  }
  profiler.destroy();
  opt.destroy();
  run.destroy();
  net.destroy();
});
