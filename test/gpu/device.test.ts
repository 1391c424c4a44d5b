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

  it("requests 'subgroups' where the adapter has it, and not with subgroups: false", async () => {
    const gpu = await requestDevice({ log: () => {} });
    const plain = await requestDevice({ subgroups: false, log: () => {} });
    try {
      // the same adapter as requestDevice found (it set VK_ICD_FILENAMES where it chose SwiftShader)
      const dawn = 'webgpu';
      const { create } = (await import(/* @vite-ignore */ dawn)) as { create: (flags: string[]) => GPU };
      const adapter = await create([]).requestAdapter();
      const has = adapter!.features.has('subgroups');
      expect(gpu.device.features.has('subgroups')).toBe(has);
      expect(gpu.features.subgroups).toBe(has);
      expect(plain.device.features.has('subgroups')).toBe(false);
      expect(plain.features.subgroups).toBe(false);
      expect(plain.features.timestampQuery).toBe(gpu.features.timestampQuery);
    } finally {
      gpu.destroy();
      plain.destroy();
    }
  });
});
