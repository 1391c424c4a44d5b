/**
 * src/gpu/polling.ts: dawn.node's device polling waits between polls on a software adapter,
 * and every other setImmediate callback keeps the original behaviour.
 */
import { describe, expect, it } from 'vitest';
import { dawnPollingThrottled, throttleDawnPolling } from '../../src/gpu/polling.js';
import { requestDevice } from '../../src/gpu/device.js';

/** a stand-in for dawn.node's poll callback: anonymous, no parameters, native to Function.prototype.toString */
function nativeLike(onCall: () => void): () => void {
  const target = [() => onCall()][0];
  return new Proxy(target, {});
}

describe('throttled dawn.node polling', () => {
  it('delays anonymous native callbacks by the interval and leaves every other callback to setImmediate', async () => {
    const original = globalThis.setImmediate;
    const undo = throttleDawnPolling(40);
    try {
      expect(globalThis.setImmediate).not.toBe(original);
      expect(dawnPollingThrottled()).toBe(true);
      // a JS callback: a real Immediate, run on the next turn, and clearImmediate still cancels one
      let plain = 0;
      const t0 = performance.now();
      const handle = setImmediate(() => plain++);
      expect(typeof (handle as NodeJS.Immediate).hasRef).toBe('function');
      const cleared = setImmediate(() => plain += 100);
      clearImmediate(cleared);
      // the poll stand-in waits for the interval
      let polled = 0;
      let polledAt = 0;
      setImmediate(nativeLike(() => { polled++; polledAt = performance.now(); }));
      await new Promise((r) => original(r));
      expect(plain).toBe(1);
      expect(polled).toBe(0);
      await new Promise((r) => setTimeout(r, 80));
      expect(plain).toBe(1);
      expect(polled).toBe(1);
      expect(polledAt - t0).toBeGreaterThanOrEqual(35);
      // bound functions are native too, but named: not throttled
      let bound = 0;
      setImmediate(function count(this: unknown) { bound++; }.bind(null));
      await new Promise((r) => original(r));
      expect(bound).toBe(1);
    } finally {
      undo();
    }
    expect(globalThis.setImmediate).toBe(original);
    expect(dawnPollingThrottled()).toBe(false);
  });

  it('counts installs: the last undo restores setImmediate, and an undo twice counts once', () => {
    const original = globalThis.setImmediate;
    const a = throttleDawnPolling();
    const b = throttleDawnPolling(5);
    a();
    a();
    expect(globalThis.setImmediate).not.toBe(original);
    b();
    expect(globalThis.setImmediate).toBe(original);
    expect(() => throttleDawnPolling(-1)).toThrow(/polling interval/);
  });

  it('a software device installs it until destroyed (unless throttlePolling: false), and GPU work still completes', async () => {
    const gpu = await requestDevice({ log: () => {} });
    try {
      expect(dawnPollingThrottled()).toBe(gpu.adapter.software);
      const buf = gpu.device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
      gpu.device.queue.writeBuffer(buf, 0, new Float32Array([1, 2, 3, 4]));
      await gpu.device.queue.onSubmittedWorkDone();
      await buf.mapAsync(GPUMapMode.READ);
      expect(Array.from(new Float32Array(buf.getMappedRange()))).toEqual([1, 2, 3, 4]);
      buf.unmap();
      buf.destroy();
    } finally {
      gpu.destroy();
    }
    expect(dawnPollingThrottled()).toBe(false);
    const loud = await requestDevice({ log: () => {}, throttlePolling: false });
    try {
      expect(dawnPollingThrottled()).toBe(false);
    } finally {
      loud.destroy();
    }
  });
});
