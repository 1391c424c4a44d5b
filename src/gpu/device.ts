/**
 * One entry point for a WebGPU device in every runtime.
 *
 * - Browser and Deno: `navigator.gpu`.
 * - Node: Dawn's `webgpu` package. On Linux without a hardware adapter it
 *   looks for SwiftShader's Vulkan ICD (Debian's `chromium` ships one) and
 *   retries with VK_ICD_FILENAMES pointing at it, saying so.
 *
 * Only features the engine uses are requested, each only where the adapter has
 * it: 'timestamp-query' (per-kernel profiles, src/gpu/profiler.ts) and
 * 'subgroups' (subgroup reductions, e.g. the optimizer's gradient norm; kernels
 * check `device.features` and fall back to portable WGSL on devices without it;
 * `subgroups: false` asks for a device without them).
 */
import { throttleDawnPolling } from './polling.js';

export type Runtime = 'node' | 'deno' | 'browser';

export interface DeviceOptions {
  powerPreference?: GPUPowerPreference;
  /**
   * Node only: turn off Dawn's bounds-check robustness (about 4× faster kernels
   * on SwiftShader). For trusted runs only; ignored elsewhere.
   */
  disableRobustness?: boolean;
  /** 'auto' (default): software adapter only when no hardware one exists; 'force': software only; 'never' */
  software?: 'auto' | 'force' | 'never';
  /** where notices go (default: console.error) */
  log?: (message: string) => void;
  /**
   * Request 'subgroups' where the adapter has it (default true), so that kernels
   * use subgroup operations; false: a device without the feature, on which every
   * kernel runs its portable variant.
   */
  subgroups?: boolean;
  /**
   * Node only, software adapters only: ms between dawn.node's polls of the device while a
   * WebGPU promise is pending (default 1; false: dawn.node's own loop, which polls as fast as the
   * event loop turns and keeps a CPU core busy that the software adapter's workers need; see
   * src/gpu/polling.ts). Hardware adapters keep dawn.node's loop.
   */
  throttlePolling?: boolean | number;
}

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  software: boolean;
}

export interface WebspikeDevice {
  readonly device: GPUDevice;
  readonly runtime: Runtime;
  readonly adapter: AdapterSummary;
  readonly limits: GPUSupportedLimits;
  /** features the device got (subgroups: false where the adapter lacks it or `subgroups: false` was asked) */
  readonly features: { timestampQuery: boolean; subgroups: boolean };
  /** resolves when the device is lost; `reason` is 'destroyed' after destroy() */
  readonly lost: Promise<GPUDeviceLostInfo>;
  destroy(): void;
}

/** Paths where a SwiftShader Vulkan ICD is commonly installed. */
export const SWIFTSHADER_ICD_PATHS = [
  '/usr/lib/chromium/vk_swiftshader_icd.json',
  '/usr/lib/chromium-browser/vk_swiftshader_icd.json',
  '/opt/google/chrome/vk_swiftshader_icd.json',
  '/usr/share/vulkan/icd.d/vk_swiftshader_icd.json',
];

export function detectRuntime(): Runtime {
  const g = globalThis as { Deno?: unknown; process?: { versions?: { node?: string } }; window?: unknown };
  if (g.Deno) return 'deno';
  if (g.process?.versions?.node && typeof g.window === 'undefined') return 'node';
  return 'browser';
}

function summarize(adapter: GPUAdapter): AdapterSummary {
  const info = adapter.info;
  const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`.toLowerCase();
  const fallback = (info as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    software: fallback || /swiftshader|llvmpipe|lavapipe|software|warp/.test(text),
  };
}

interface Found { gpu: GPU; adapter: GPUAdapter; tried: string[] }

async function nodeAdapter(opts: DeviceOptions, log: (m: string) => void): Promise<Found> {
  let mod: { create: (flags: string[]) => GPU; globals: Record<string, unknown> };
  try {
    // the specifier is a variable so that browser bundlers (Vite) leave the native binding out
    const dawn = 'webgpu';
    mod = (await import(/* @vite-ignore */ dawn)) as unknown as typeof mod;
  } catch (err) {
    throw new Error(`webspike: cannot load Dawn's Node binding (the 'webgpu' package): ${(err as Error).message}`);
  }
  // GPUBufferUsage, GPUShaderStage, … as globals, as in a browser.
  for (const [k, v] of Object.entries(mod.globals)) {
    if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  }
  // timestamp queries at full precision: Dawn rounds them (to 2^16 ns on some drivers) to keep
  // web pages from timing the machine, which a Node process has no need for
  const flags = ['disable-dawn-features=timestamp_quantization', ...(opts.disableRobustness ? ['enable-dawn-features=disable_robustness'] : [])];
  const tried: string[] = [];
  const nodeFs = 'node:fs';
  const fs = (await import(/* @vite-ignore */ nodeFs)) as typeof import('node:fs');
  const env = process.env;
  const attempt = async (what: string): Promise<Found | null> => {
    const gpu = mod.create(flags);
    const adapter = await gpu.requestAdapter({ powerPreference: opts.powerPreference });
    tried.push(`${what}: ${adapter ? 'adapter found' : 'no adapter'}`);
    return adapter ? { gpu, adapter, tried } : null;
  };
  const software = opts.software ?? 'auto';
  if (software !== 'force' || env.VK_ICD_FILENAMES) {
    const found = await attempt(`Dawn default adapters${env.VK_ICD_FILENAMES ? ` (VK_ICD_FILENAMES=${env.VK_ICD_FILENAMES})` : ''}`);
    if (found) return found;
  }
  if (software !== 'never' && process.platform === 'linux' && !env.VK_ICD_FILENAMES) {
    const icd = SWIFTSHADER_ICD_PATHS.find((p) => fs.existsSync(p));
    if (icd) {
      env.VK_ICD_FILENAMES = icd;
      const found = await attempt(`SwiftShader Vulkan ICD ${icd}`);
      if (found) {
        log(`webspike: no hardware GPU adapter found; using the software adapter SwiftShader (Vulkan ICD ${icd}). Expect it to be tens of times slower than a GPU.`);
        return found;
      }
    } else {
      tried.push(`SwiftShader Vulkan ICD: none of ${SWIFTSHADER_ICD_PATHS.join(', ')} exists (apt-get install chromium provides one)`);
    }
  }
  throw new Error(`webspike: no WebGPU adapter. Tried: ${tried.join('; ')}.`);
}

/**
 * Deno's WebGPU (wgpu) reads the Vulkan loader's environment when its instance is
 * created on the first requestAdapter. On Linux, when the user has not chosen
 * drivers, offer SwiftShader's ICD in addition to the system's (VK_ADD_DRIVER_FILES),
 * so a machine without a GPU still gets an adapter. Returns the ICD added, if any.
 */
function denoAddSwiftShader(): string | undefined {
  const D = (globalThis as { Deno?: { build?: { os?: string }; env: { get(k: string): string | undefined; set(k: string, v: string): void }; statSync(p: string): unknown } }).Deno;
  try {
    if (!D || D.build?.os !== 'linux') return undefined;
    if (D.env.get('VK_ICD_FILENAMES') || D.env.get('VK_DRIVER_FILES') || D.env.get('VK_ADD_DRIVER_FILES')) return undefined;
    for (const p of SWIFTSHADER_ICD_PATHS) {
      try {
        D.statSync(p);
      } catch {
        continue;
      }
      D.env.set('VK_ADD_DRIVER_FILES', p);
      return p;
    }
  } catch {
    // no --allow-env / --allow-read: leave the driver search to the system
  }
  return undefined;
}

async function navigatorAdapter(runtime: Runtime, opts: DeviceOptions): Promise<Found> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (!nav?.gpu) {
    throw new Error(
      runtime === 'deno'
        ? 'webspike: navigator.gpu is missing in Deno (needs Deno ≥ 1.39 with WebGPU; run with --unstable-webgpu on older versions).'
        : 'webspike: this browser has no WebGPU (navigator.gpu is undefined). Use Chrome/Edge ≥ 113, or enable chrome://flags/#enable-unsafe-webgpu, and serve the page over https or localhost.',
    );
  }
  const added = runtime === 'deno' ? denoAddSwiftShader() : undefined;
  const adapter = await nav.gpu.requestAdapter({ powerPreference: opts.powerPreference });
  if (adapter && added && summarize(adapter).software) {
    (opts.log ?? ((m: string) => console.error(m)))(`webspike: using a software adapter (${adapter.info.description || adapter.info.device}); SwiftShader's Vulkan ICD ${added} was offered to wgpu beside any hardware driver.`);
  }
  if (!adapter) throw new Error('webspike: navigator.gpu.requestAdapter() returned no adapter (WebGPU is disabled or the GPU is blocklisted; in Chrome check chrome://gpu).');
  return { gpu: nav.gpu, adapter, tried: ['navigator.gpu'] };
}

/** Whether each device from requestDevice() runs on a software adapter (read by kernels that pick a path per adapter). */
const softwareDevices = new WeakMap<GPUDevice, boolean>();

/**
 * true / false for a device made by requestDevice(); otherwise what the device's
 * adapterInfo says where the runtime exposes it, else undefined.
 */
export function isSoftwareDevice(device: GPUDevice): boolean | undefined {
  const known = softwareDevices.get(device);
  if (known !== undefined) return known;
  const info = (device as GPUDevice & { adapterInfo?: GPUAdapterInfo & { isFallbackAdapter?: boolean } }).adapterInfo;
  if (!info || !(info.vendor || info.description || info.device)) return undefined;
  return info.isFallbackAdapter === true || /swiftshader|llvmpipe|lavapipe|software|warp/i.test(`${info.vendor} ${info.architecture} ${info.device} ${info.description}`);
}

/** The runtime each device from requestDevice() was made in ('deno' runs wgpu, 'node' and 'browser' Dawn). */
const deviceRuntimes = new WeakMap<GPUDevice, Runtime>();

/** The runtime of a device made by requestDevice(), else undefined. */
export function deviceRuntime(device: GPUDevice): Runtime | undefined {
  return deviceRuntimes.get(device);
}

/** Logical CPU cores of this host as Node reported them at requestDevice() (Node 20 has no navigator). */
let nodeCores: number | undefined;

/**
 * Logical CPU cores of the host (navigator.hardwareConcurrency in browsers, Deno and Node ≥ 21;
 * os.availableParallelism() in Node, read at requestDevice()), or undefined when unknown. A
 * software adapter runs workgroups on this many threads.
 */
export function hostCores(): number | undefined {
  const n = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? nodeCores;
  return Number.isInteger(n) && n! > 0 ? n : undefined;
}

/** Acquire an adapter and device. Call `destroy()` when done (Node keeps the process alive otherwise). */
export async function requestDevice(opts: DeviceOptions = {}): Promise<WebspikeDevice> {
  const runtime = detectRuntime();
  if (runtime === 'node' && nodeCores === undefined) {
    const nodeOs = 'node:os';
    const os = (await import(/* @vite-ignore */ nodeOs)) as typeof import('node:os');
    nodeCores = os.availableParallelism?.() ?? os.cpus().length;
  }
  const log = opts.log ?? ((m: string) => console.error(m));
  let found: Found | null = runtime === 'node' ? await nodeAdapter(opts, log) : await navigatorAdapter(runtime, opts);
  const { adapter } = found;
  const summary = summarize(adapter);
  const wanted: GPUFeatureName[] = [];
  const timestampQuery = adapter.features.has('timestamp-query');
  const subgroups = (opts.subgroups ?? true) && adapter.features.has('subgroups');
  if (timestampQuery) wanted.push('timestamp-query');
  if (subgroups) wanted.push('subgroups');
  const al = adapter.limits;
  const device = await adapter.requestDevice({
    label: 'webspike',
    requiredFeatures: wanted,
    requiredLimits: {
      maxStorageBufferBindingSize: al.maxStorageBufferBindingSize,
      maxBufferSize: al.maxBufferSize,
      maxStorageBuffersPerShaderStage: al.maxStorageBuffersPerShaderStage,
      maxComputeWorkgroupsPerDimension: al.maxComputeWorkgroupsPerDimension,
    },
  });
  softwareDevices.set(device, summary.software);
  deviceRuntimes.set(device, runtime);
  // dawn.node polls in a loop that takes a core from a software adapter's workers: throttle it
  const throttle = opts.throttlePolling ?? true;
  const unthrottle = runtime === 'node' && summary.software && throttle !== false
    ? throttleDawnPolling(typeof throttle === 'number' ? throttle : 1)
    : () => {};
  let destroyed = false;
  const lost = device.lost;
  void lost.then((info) => {
    if (!destroyed && info.reason !== 'destroyed') log(`webspike: GPU device lost (${info.reason}): ${info.message}`);
  });
  return {
    device,
    runtime,
    adapter: summary,
    limits: device.limits,
    features: { timestampQuery: device.features.has('timestamp-query'), subgroups: device.features.has('subgroups') },
    lost,
    destroy() {
      if (destroyed) return;
      destroyed = true;
      device.destroy();
      unthrottle();
      found = null; // drop the Dawn instance so Node can exit
    },
  };
}

export function describeDevice(d: WebspikeDevice): string {
  const a = d.adapter;
  const name = [a.vendor, a.architecture, a.description || a.device].filter(Boolean).join(' / ');
  return `${name}${a.software ? ' (software adapter)' : ''} on ${d.runtime}`;
}
