/**
 * Vitest fixture for GPU tests: one device per test file (the adapter at hand,
 * SwiftShader when there is no GPU); each test runs inside validation,
 * out-of-memory and internal error scopes, fails on any captured GPU error, and
 * has the buffers it created destroyed afterwards.
 */
import { test as base } from 'vitest';
import { requestDevice, type WebspikeDevice } from '../../src/gpu/device.js';
import { packSpikeBits, type MethodRun } from '../../src/methods/method.js';

let shared: Promise<WebspikeDevice> | undefined;

export function sharedDevice(): Promise<WebspikeDevice> {
  shared ??= requestDevice({ log: () => {} });
  return shared;
}

export async function releaseSharedDevice(): Promise<void> {
  if (shared) (await shared).destroy();
  shared = undefined;
}

export const gpuTest = base.extend<{ gpu: WebspikeDevice; device: GPUDevice }>({
  gpu: async ({}, use) => {
    const gpu = await sharedDevice();
    const device = gpu.device;
    const created: GPUBuffer[] = [];
    const original = device.createBuffer;
    device.createBuffer = function (this: GPUDevice, desc: GPUBufferDescriptor) {
      const b = original.call(this, desc);
      created.push(b);
      return b;
    } as typeof device.createBuffer;
    device.pushErrorScope('internal');
    device.pushErrorScope('out-of-memory');
    device.pushErrorScope('validation');
    try {
      await use(gpu);
    } finally {
      device.createBuffer = original;
      const errors = [await device.popErrorScope(), await device.popErrorScope(), await device.popErrorScope()].filter(Boolean);
      for (const b of created) b.destroy();
      if (errors.length) throw new Error(`GPU errors during the test: ${errors.map((e) => e!.message).join('; ')}`);
    }
  },
  device: async ({ gpu }, use) => {
    await use(gpu.device);
  },
});

/** Upload one batch (input values, labels) to `run`, record its forward and backward pass, submit. */
export function runStep(device: GPUDevice, run: MethodRun, input: ArrayLike<number>, labels: Uint32Array<ArrayBuffer>): void {
  // a run bound with inputFormat 'bits' takes the spikes packed (binary input only)
  const inputs = run.shape.inputFormat === 'bits' ? input.length / (run.shape.steps * run.shape.batch) : 0;
  device.queue.writeBuffer(run.input, 0, inputs ? packSpikeBits(input, inputs) : Float32Array.from(input));
  device.queue.writeBuffer(run.labels, 0, labels);
  const enc = device.createCommandEncoder();
  run.encodeForward(enc);
  run.encodeBackward(enc);
  device.queue.submit([enc.finish()]);
}
