import { describe, expect, it } from 'vitest';
import { describeDevice, requestDevice } from '../../src/gpu/device.js';

describe('requestDevice', () => {
  it('finds an adapter (hardware, or SwiftShader by itself) and says which', async () => {
    const notices: string[] = [];
    const gpu = await requestDevice({ log: (m) => notices.push(m) });
    try {
      expect(gpu.runtime).toBe('node');
      expect(describeDevice(gpu)).toMatch(/on node/);
      if (gpu.adapter.software) {
        expect(describeDevice(gpu)).toContain('software adapter');
        if (notices.length) expect(notices.join('\n')).toMatch(/software adapter SwiftShader/);
      }
      expect(gpu.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 2 ** 20);
    } finally {
      gpu.destroy();
    }
    expect((await gpu.lost).reason).toBe('destroyed');
  });
});
