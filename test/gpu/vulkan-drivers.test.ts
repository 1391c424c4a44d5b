/**
 * The Vulkan driver selection on made-up machines: what is offered, in which order, what is
 * skipped and why, and the error a user sees when something is missing, with the package to install.
 */
import { describe, expect, it } from 'vitest';
import {
  attemptEnv, findVulkanLoader, listVulkanDrivers, noAdapterMessage, planDrivers, userDriverChoice, type HostFiles,
} from '../../src/gpu/vulkan-drivers.js';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
const LVP = '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json';
const INTEL = '/usr/share/vulkan/icd.d/intel_icd.x86_64.json';
const NVIDIA = '/usr/share/vulkan/icd.d/nvidia_icd.json';
const LOADER = '/usr/lib/x86_64-linux-gnu/libvulkan.so.1';

function manifest(library: string): string {
  return JSON.stringify({ file_format_version: '1.0.0', ICD: { library_path: library, api_version: '1.3.0' } });
}

const MANIFESTS: Record<string, string> = {
  [SWIFTSHADER]: manifest('./libvk_swiftshader.so'),
  [LVP]: manifest('/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so'),
  [INTEL]: manifest('/usr/lib/x86_64-linux-gnu/libvulkan_intel.so'),
  [NVIDIA]: manifest('libGLX_nvidia.so.0'),
};

/** A machine holding the given files (manifests get their text, others are empty) and environment. */
function machine(files: string[], env: Record<string, string> = {}): HostFiles {
  const set = new Set(files);
  return {
    exists: (p) => set.has(p),
    readText: (p) => (set.has(p) ? MANIFESTS[p] ?? '' : undefined),
    list: (dir) => [...new Set(files.filter((f) => f.startsWith(`${dir}/`)).map((f) => f.slice(dir.length + 1).split('/')[0]))],
    env: (k) => env[k],
  };
}

describe('Vulkan driver selection', () => {
  it('finds the loader through the linker cache, LD_LIBRARY_PATH or the library folders', () => {
    expect(findVulkanLoader(machine([]))).toBeUndefined();
    expect(findVulkanLoader(machine([LOADER]))).toBe(LOADER);
    expect(findVulkanLoader(machine(['/opt/vk/libvulkan.so.1'], { LD_LIBRARY_PATH: '/opt/vk' }))).toBe('/opt/vk/libvulkan.so.1');
    const cached: HostFiles = {
      ...machine(['/nix/store/x/lib/libvulkan.so.1']),
      readText: (p) => (p === '/etc/ld.so.cache' ? 'ld.so-1.7.0\0libvulkan.so.1\0/nix/store/x/lib/libvulkan.so.1\0' : undefined),
    };
    expect(findVulkanLoader(cached)).toBe('/nix/store/x/lib/libvulkan.so.1');
  });

  it('classifies the installed manifests', () => {
    const drivers = listVulkanDrivers(machine([SWIFTSHADER, LVP, INTEL, NVIDIA]));
    expect(drivers.map((d) => [d.kind, d.name])).toEqual([
      ['hardware', 'intel'], ['lavapipe', 'lavapipe'], ['hardware', 'nvidia'], ['swiftshader', 'SwiftShader'],
    ]);
  });

  it('offers SwiftShader alone where GPU drivers are installed but no GPU device exists', () => {
    const plan = planDrivers(machine([LOADER, SWIFTSHADER, LVP, INTEL]));
    expect(plan.attempts.map((a) => a.drivers.map((d) => d.manifest))).toEqual([[SWIFTSHADER]]);
    expect(plan.attempts[0].software).toBe(true);
    expect(plan.skipped.join('\n')).toMatch(/intel: installed, but this machine has no GPU device/);
    expect(plan.skipped.join('\n')).toMatch(/lavapipe .*not offered.*shaderUniformBufferArrayDynamicIndexing/);
  });

  it('offers the GPU drivers first where a GPU device node exists, then SwiftShader', () => {
    const plan = planDrivers(machine([LOADER, SWIFTSHADER, NVIDIA, '/dev/nvidia0']));
    expect(plan.attempts.map((a) => [a.software, a.drivers.map((d) => d.name)])).toEqual([[false, ['nvidia']], [true, ['SwiftShader']]]);
    expect(planDrivers(machine([LOADER, SWIFTSHADER, NVIDIA, '/dev/nvidia0']), 'force').attempts.map((a) => a.software)).toEqual([true]);
    expect(planDrivers(machine([LOADER, SWIFTSHADER, NVIDIA, '/dev/nvidia0']), 'never').attempts.map((a) => a.software)).toEqual([false]);
  });

  it('offers lavapipe only when asked for by name', () => {
    const plan = planDrivers(machine([LOADER, SWIFTSHADER, LVP]), 'auto', 'lavapipe');
    expect(plan.attempts.map((a) => a.drivers[0].manifest)).toEqual([LVP]);
    expect(plan.skipped.join('\n')).toMatch(/SwiftShader .*not offered/);
  });

  it('offers exactly the chosen manifests and silences the device-select layer', () => {
    const plan = planDrivers(machine([LOADER, SWIFTSHADER, INTEL, NVIDIA, '/dev/dri/renderD128']));
    expect(attemptEnv(plan.attempts[0])).toEqual({ VK_ICD_FILENAMES: `${INTEL}:${NVIDIA}`, NODEVICE_SELECT: '1' });
  });

  it('leaves the choice to the user who set VK_ICD_FILENAMES or VK_DRIVER_FILES', () => {
    expect(userDriverChoice(machine([]))).toBeUndefined();
    expect(userDriverChoice(machine([], { VK_DRIVER_FILES: LVP }))).toBe(`VK_DRIVER_FILES=${LVP}`);
  });

  it('names the missing loader and the package that provides it', () => {
    const msg = noAdapterMessage(planDrivers(machine([SWIFTSHADER])), []);
    expect(msg).toMatch(/the Vulkan loader libvulkan\.so\.1 is not installed/);
    expect(msg).toContain('apt-get install -y libvulkan1');
  });

  it('names the missing software driver and the package that provides it', () => {
    const msg = noAdapterMessage(planDrivers(machine([LOADER, LVP, INTEL])), []);
    expect(msg).toContain(`Vulkan loader: ${LOADER}`);
    expect(msg).toMatch(/SwiftShader: not installed \(apt-get install -y chromium\)/);
    expect(msg).toMatch(/intel: installed, but this machine has no GPU device/);
    expect(msg).toMatch(/lavapipe/);
  });

  it('says which offered driver gave no adapter', () => {
    const plan = planDrivers(machine([LOADER, SWIFTSHADER]));
    const msg = noAdapterMessage(plan, [`${plan.attempts[0].label}: Dawn found no adapter`]);
    expect(msg).toMatch(/SwiftShader \(software, \/usr\/lib\/chromium\/vk_swiftshader_icd\.json\): Dawn found no adapter/);
  });
});
