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
import { markSoftwareDevice } from '../../kernels/adapter.js';
import { throttleDawnPolling } from './polling.js';
import { currentHost, mappedLibraries, type Host } from './host-files.js';
import { attemptEnv, noAdapterMessage, planDrivers, userDriverChoice, type SoftwareChoice, type SoftwareDriver } from './vulkan-drivers.js';

export { SWIFTSHADER_ICD_PATHS } from './vulkan-drivers.js';

export type Runtime = 'node' | 'deno' | 'browser';

export interface DeviceOptions {
  powerPreference?: GPUPowerPreference;
  /**
   * Node only: turn off Dawn's bounds-check robustness (about 4× faster kernels
   * on SwiftShader). For trusted runs only; ignored elsewhere.
   */
  disableRobustness?: boolean;
  /** 'auto' (default): software adapter only when no hardware one exists; 'force': software only; 'never' */
  software?: SoftwareChoice;
  /**
   * Linux, Node and Deno: the software Vulkan driver to offer (default 'swiftshader', from Debian's
   * `chromium`). 'lavapipe' (Mesa, `mesa-vulkan-drivers`) runs under Deno's wgpu; Dawn rejects
   * the version Debian 12 ships. Ignored where VK_ICD_FILENAMES or VK_DRIVER_FILES is set.
   */
  softwareDriver?: SoftwareDriver;
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

/** The driver behind the adapter, for `webspike info` and bug reports. */
export interface DriverSummary {
  /** 'SwiftShader', 'lavapipe (Mesa)', or the adapter's description for a GPU */
  name: string;
  /** 'webspike': the Vulkan ICDs below were offered by webspike; 'environment': VK_ICD_FILENAMES or VK_DRIVER_FILES; 'runtime': the browser's or wgpu's own choice */
  chosenBy: 'webspike' | 'environment' | 'runtime';
  /** the Vulkan ICD manifests offered (empty unless chosenBy is 'webspike') */
  manifests: string[];
  /** the Vulkan loader this process loaded (Linux) */
  loader?: string;
  /** the driver libraries this process loaded (Linux) */
  libraries?: string[];
}

export interface WebspikeDevice {
  readonly device: GPUDevice;
  readonly runtime: Runtime;
  readonly adapter: AdapterSummary;
  readonly driver: DriverSummary;
  readonly limits: GPUSupportedLimits;
  /** features the device got (subgroups: false where the adapter lacks it or `subgroups: false` was asked) */
  readonly features: { timestampQuery: boolean; subgroups: boolean };
  /** resolves when the device is lost; `reason` is 'destroyed' after destroy() */
  readonly lost: Promise<GPUDeviceLostInfo>;
  destroy(): void;
}

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

interface Found { gpu: GPU; adapter: GPUAdapter; driver: DriverChoice }

/** Which Vulkan drivers the adapter came from, and who chose them. */
interface DriverChoice {
  chosenBy: DriverSummary['chosenBy'];
  manifests: string[];
  host?: Host;
}

/** Sets environment variables for the duration of fn, then restores them. */
async function withEnv<T>(host: Host, vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.keys(vars).map((k) => [k, host.env(k)] as const);
  for (const [k, v] of Object.entries(vars)) host.setEnv(k, v);
  try {
    return await fn();
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) host.unsetEnv(k);
      else host.setEnv(k, v);
    }
  }
}

async function loadDawn(): Promise<{ create: (flags: string[]) => GPU; globals: Record<string, unknown> }> {
  let mod: { create: (flags: string[]) => GPU; globals: Record<string, unknown> };
  try {
    // the specifier is a variable so that browser bundlers (Vite) leave the native binding out
    const dawn = 'webgpu';
    mod = (await import(/* @vite-ignore */ dawn)) as unknown as typeof mod;
  } catch (err) {
    throw new Error(`cannot load Dawn's Node binding (the 'webgpu' package): ${(err as Error).message}`);
  }
  // GPUBufferUsage, GPUShaderStage, … as globals, as in a browser.
  for (const [k, v] of Object.entries(mod.globals)) {
    if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  }
  return mod;
}

async function nodeAdapter(opts: DeviceOptions, log: (m: string) => void): Promise<Found> {
  const mod = await loadDawn();
  // timestamp queries at full precision: Dawn rounds them (to 2^16 ns on some drivers) to keep
  // web pages from timing the machine, which a Node process has no need for
  const flags = ['disable-dawn-features=timestamp_quantization', ...(opts.disableRobustness ? ['enable-dawn-features=disable_robustness'] : [])];
  const request = async (): Promise<{ gpu: GPU; adapter: GPUAdapter | null }> => {
    const gpu = mod.create(flags);
    return { gpu, adapter: await gpu.requestAdapter({ powerPreference: opts.powerPreference }) };
  };
  const host = process.platform === 'linux' ? await currentHost() : undefined;
  const chosen = host && userDriverChoice(host);
  if (!host || chosen) {
    // Dawn's own choice (macOS, Windows), or the drivers the user named
    const { gpu, adapter } = await request();
    if (!adapter) throw new Error(chosen ? `no WebGPU adapter from the Vulkan drivers chosen by ${chosen}` : 'no WebGPU adapter (Dawn found none on this machine)');
    return { gpu, adapter, driver: { chosenBy: chosen ? 'environment' : 'runtime', manifests: [], host } };
  }
  const plan = planDrivers(host, opts.software, opts.softwareDriver);
  // without the loader Dawn only prints a warning and finds nothing: say what to install instead
  if (!plan.loader) throw new Error(noAdapterMessage(plan, []));
  const tried: string[] = [];
  for (const attempt of plan.attempts) {
    const { gpu, adapter } = await withEnv(host, attemptEnv(attempt), request);
    if (adapter) {
      if (attempt.software) log(`webspike: no GPU found; using the software adapter ${attempt.drivers[0].name} (Vulkan ICD ${attempt.drivers[0].manifest}), tens of times slower than a GPU.`);
      return { gpu, adapter, driver: { chosenBy: 'webspike', manifests: attempt.drivers.map((d) => d.manifest), host } };
    }
    tried.push(`${attempt.label}: Dawn found no adapter`);
  }
  throw new Error(noAdapterMessage(plan, tried));
}

/**
 * Deno's WebGPU (wgpu) creates its Vulkan instance once, at the first requestAdapter, from the
 * loader's environment. On Linux, when the user has not chosen drivers, webspike offers the same
 * drivers as in Node: the GPU's, where a device exists, and SwiftShader (wgpu prefers a GPU to a
 * CPU adapter). Without read and env permissions the choice is left to wgpu.
 */
async function denoDriverChoice(opts: DeviceOptions): Promise<DriverChoice> {
  const D = (globalThis as { Deno?: { build?: { os?: string } } }).Deno;
  const host = D?.build?.os === 'linux' ? await currentHost() : undefined;
  if (!host) return { chosenBy: 'runtime', manifests: [] };
  if (userDriverChoice(host)) return { chosenBy: 'environment', manifests: [], host };
  const plan = planDrivers(host, opts.software, opts.softwareDriver);
  if (!plan.loader || !plan.attempts.length) throw new Error(noAdapterMessage(plan, []));
  const manifests = plan.attempts.flatMap((a) => a.drivers.map((d) => d.manifest));
  for (const [k, v] of Object.entries(attemptEnv({ label: '', software: false, drivers: plan.attempts.flatMap((a) => a.drivers) }))) host.setEnv(k, v);
  return { chosenBy: 'webspike', manifests, host };
}

async function navigatorAdapter(runtime: Runtime, opts: DeviceOptions, log: (m: string) => void): Promise<Found> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (!nav?.gpu) {
    throw new Error(
      runtime === 'deno'
        ? 'navigator.gpu is missing in Deno (needs Deno ≥ 1.39 with WebGPU; run with --unstable-webgpu on older versions).'
        : 'this browser has no WebGPU (navigator.gpu is undefined). Use Chrome/Edge ≥ 113, or enable chrome://flags/#enable-unsafe-webgpu, and serve the page over https or localhost.',
    );
  }
  const driver = runtime === 'deno' ? await denoDriverChoice(opts) : { chosenBy: 'runtime' as const, manifests: [] };
  const adapter = await nav.gpu.requestAdapter({ powerPreference: opts.powerPreference });
  if (!adapter) {
    throw new Error(runtime === 'deno'
      ? `no WebGPU adapter: wgpu found none${driver.manifests.length ? ` among the Vulkan drivers ${driver.manifests.join(', ')}` : ''}`
      : 'navigator.gpu.requestAdapter() returned no adapter (WebGPU is disabled or the GPU is blocklisted; in Chrome check chrome://gpu).');
  }
  if (runtime === 'deno' && summarize(adapter).software) log(`webspike: using the software adapter ${adapter.info.description || adapter.info.device}${driver.manifests.length ? ` (Vulkan ICDs offered: ${driver.manifests.join(', ')})` : ''}.`);
  return { gpu: nav.gpu, adapter, driver };
}

/** The Vulkan loader and driver library this process has loaded (Linux), for `webspike info` and bug reports. */
function describeDriver(adapter: AdapterSummary, choice: DriverChoice): DriverSummary {
  const host = choice.host;
  const loader = host ? mappedLibraries(host, /\/libvulkan\.so/)[0] : undefined;
  const icds = host ? mappedLibraries(host, /vk_swiftshader|vulkan_lvp|vulkan_intel|vulkan_radeon|nvidia.*(vk|glcore)|libGLX_nvidia|amdvlk/i) : [];
  return {
    name: driverName(adapter),
    chosenBy: choice.chosenBy,
    manifests: choice.manifests,
    ...(loader && { loader }),
    ...(icds.length && { libraries: icds }),
  };
}

function driverName(a: AdapterSummary): string {
  const text = `${a.vendor} ${a.architecture} ${a.device} ${a.description}`;
  if (/swiftshader/i.test(text)) return 'SwiftShader';
  if (/llvmpipe|lavapipe/i.test(text)) return 'lavapipe (Mesa)';
  return a.description || [a.vendor, a.architecture, a.device].filter(Boolean).join(' ') || 'unknown';
}

export { isSoftwareDevice } from '../../kernels/adapter.js';

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
  let found: Found | null = runtime === 'node' ? await nodeAdapter(opts, log) : await navigatorAdapter(runtime, opts, log);
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
  markSoftwareDevice(device, summary.software);
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
    driver: describeDriver(summary, found.driver),
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
