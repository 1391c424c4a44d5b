import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeDevice, requestDevice } from '../../src/gpu/device.js';
import { CLI_ARGS } from '../helpers/cli.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

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
        expect(gpu.driver.name).toBe('SwiftShader');
      }
      if (process.platform === 'linux') expect(gpu.driver.loader).toMatch(/libvulkan\.so/);
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
      // the same adapter as requestDevice found: offer Dawn the drivers it chose
      const dawn = 'webgpu';
      const { create } = (await import(/* @vite-ignore */ dawn)) as { create: (flags: string[]) => GPU };
      const saved = process.env.VK_ICD_FILENAMES;
      if (gpu.driver.manifests.length) process.env.VK_ICD_FILENAMES = gpu.driver.manifests.join(':');
      process.env.NODEVICE_SELECT ??= '1';
      const adapter = await create([]).requestAdapter();
      if (saved === undefined) delete process.env.VK_ICD_FILENAMES;
      else process.env.VK_ICD_FILENAMES = saved;
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

describe('webspike info', () => {
  it('prints the adapter, driver, loader and limits, and no driver noise on stderr', () => {
    const r = spawnSync(process.execPath, [...CLI_ARGS, 'info'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^webspike \S+ on node v\d+/);
    expect(r.stdout).toMatch(/^adapter: {2}\S/m);
    expect(r.stdout).toMatch(/^driver: {3}\S/m);
    if (process.platform === 'linux') expect(r.stdout).toMatch(/^loader: {3}\/\S*libvulkan\.so/m);
    expect(r.stdout).toMatch(/^ {2}maxStorageBufferBindingSize +\d+$/m);
  });

  it('--json gives the same facts as an object', () => {
    const r = spawnSync(process.execPath, [...CLI_ARGS, 'info', '--json'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const info = JSON.parse(r.stdout) as { runtime: string; driver: { name: string; chosenBy: string }; limits: Record<string, number> };
    expect(info.runtime).toBe('node');
    expect(info.driver.name.length).toBeGreaterThan(0);
    expect(['webspike', 'environment', 'runtime']).toContain(info.driver.chosenBy);
    expect(info.limits.maxComputeWorkgroupsPerDimension).toBeGreaterThanOrEqual(65535);
  });
});
