/**
 * Vulkan on Linux, as Dawn (Node) and wgpu (Deno) see it: where the loader `libvulkan.so.1` is,
 * which driver manifests (ICDs) are installed, and which of them can give an adapter here.
 *
 * webspike chooses the drivers it offers instead of letting the loader try every manifest:
 * - a hardware ICD is offered only where a GPU device node exists (/dev/dri/renderD*, /dev/nvidia*,
 *   /dev/dxg); Mesa's hardware drivers print "Failed to detect any valid GPUs" otherwise;
 * - SwiftShader (Debian's `chromium`) is the software driver of every runtime;
 * - Mesa's lavapipe is offered only when asked for: Dawn rejects the version Debian 12 ships
 *   (it lacks shaderUniformBufferArrayDynamicIndexing), and wgpu would pick it before SwiftShader.
 *
 * The functions read the file system through `HostFiles`, so that tests can hand them a made-up
 * machine.
 */

/** What the driver selection reads of the host. */
export interface HostFiles {
  exists(path: string): boolean;
  /** the file's text, or undefined when it cannot be read */
  readText(path: string): string | undefined;
  /** names in a directory, or [] when it cannot be read */
  list(dir: string): string[];
  env(name: string): string | undefined;
}

export type DriverKind = 'hardware' | 'swiftshader' | 'lavapipe';

export interface VulkanDriver {
  /** the ICD manifest (JSON) */
  manifest: string;
  /** library_path from the manifest */
  library: string;
  kind: DriverKind;
  /** a short name for messages: 'SwiftShader', 'lavapipe', 'intel', 'nvidia', … */
  name: string;
}

/** What to install for each missing piece, on Debian and Ubuntu. */
export const INSTALL_HINTS = {
  loader: 'apt-get install -y libvulkan1',
  swiftshader: 'apt-get install -y chromium',
  lavapipe: 'apt-get install -y mesa-vulkan-drivers',
} as const;

/** Where SwiftShader's ICD lies in the browser packages that ship it. */
export const SWIFTSHADER_ICD_PATHS = [
  '/usr/lib/chromium/vk_swiftshader_icd.json',
  '/usr/lib/chromium-browser/vk_swiftshader_icd.json',
  '/opt/google/chrome/vk_swiftshader_icd.json',
  '/usr/share/vulkan/icd.d/vk_swiftshader_icd.json',
];

const LIBRARY_DIRS = [
  '/lib/x86_64-linux-gnu', '/usr/lib/x86_64-linux-gnu', '/lib/aarch64-linux-gnu', '/usr/lib/aarch64-linux-gnu',
  '/lib64', '/usr/lib64', '/lib', '/usr/lib', '/usr/local/lib',
];

/**
 * The Vulkan loader's path: LD_LIBRARY_PATH first, then the dynamic linker's cache
 * (/etc/ld.so.cache, what `ldconfig -p` prints), then the usual library folders. undefined when
 * none has libvulkan.so.1.
 */
export function findVulkanLoader(host: HostFiles): string | undefined {
  for (const dir of (host.env('LD_LIBRARY_PATH') ?? '').split(':').filter(Boolean)) {
    if (host.exists(`${dir}/libvulkan.so.1`)) return `${dir}/libvulkan.so.1`;
  }
  const cache = host.readText('/etc/ld.so.cache');
  const cached = cache && /\/[\x21-\x7e]*\/libvulkan\.so\.1(?=\0)/.exec(cache)?.[0];
  if (cached && host.exists(cached)) return cached;
  return LIBRARY_DIRS.map((d) => `${d}/libvulkan.so.1`).find((p) => host.exists(p));
}

/** The loader's manifest folders, in its search order (Vulkan loader documentation, "Linux ICD discovery"). */
function manifestDirs(host: HostFiles): string[] {
  const home = host.env('HOME');
  const configHome = host.env('XDG_CONFIG_HOME') ?? (home ? `${home}/.config` : undefined);
  const dataHome = host.env('XDG_DATA_HOME') ?? (home ? `${home}/.local/share` : undefined);
  const configDirs = (host.env('XDG_CONFIG_DIRS') || '/etc/xdg').split(':');
  const dataDirs = (host.env('XDG_DATA_DIRS') || '/usr/local/share:/usr/share').split(':');
  return [configHome, ...configDirs, '/etc', dataHome, ...dataDirs]
    .filter((d): d is string => !!d)
    .map((d) => `${d}/vulkan/icd.d`);
}

function classify(manifest: string, library: string): { kind: DriverKind; name: string } {
  const text = `${manifest} ${library}`.toLowerCase();
  if (text.includes('swiftshader')) return { kind: 'swiftshader', name: 'SwiftShader' };
  if (/lvp|lavapipe/.test(text)) return { kind: 'lavapipe', name: 'lavapipe' };
  const file = manifest.split('/').pop() ?? manifest;
  return { kind: 'hardware', name: file.replace(/_icd.*$|\.json$/g, '') };
}

function readManifest(host: HostFiles, manifest: string): VulkanDriver | undefined {
  const text = host.readText(manifest);
  if (text === undefined) return undefined;
  let library = '';
  try {
    library = String((JSON.parse(text) as { ICD?: { library_path?: unknown } }).ICD?.library_path ?? '');
  } catch {
    return undefined; // not a manifest the loader could use either
  }
  return { manifest, library, ...classify(manifest, library) };
}

/** Every ICD manifest installed in the loader's folders, plus SwiftShader's browser-bundled one. */
export function listVulkanDrivers(host: HostFiles): VulkanDriver[] {
  const seen = new Set<string>();
  const drivers: VulkanDriver[] = [];
  const add = (manifest: string) => {
    if (seen.has(manifest)) return;
    seen.add(manifest);
    const d = readManifest(host, manifest);
    if (d) drivers.push(d);
  };
  for (const dir of manifestDirs(host)) {
    for (const name of host.list(dir).sort()) if (name.endsWith('.json')) add(`${dir}/${name}`);
  }
  for (const p of SWIFTSHADER_ICD_PATHS) if (host.exists(p)) add(p);
  return drivers;
}

/** GPU device nodes that a hardware driver could open (none in a container without a GPU). */
export function gpuDeviceNodes(host: HostFiles): string[] {
  const dri = host.list('/dev/dri').filter((n) => n.startsWith('renderD')).map((n) => `/dev/dri/${n}`);
  const nvidia = host.list('/dev').filter((n) => /^nvidia\d+$/.test(n)).map((n) => `/dev/${n}`);
  return [...dri, ...nvidia, ...(host.exists('/dev/dxg') ? ['/dev/dxg'] : [])];
}

/** The environment variables through which a user chooses Vulkan drivers; webspike then chooses none. */
export const DRIVER_ENV_VARS = ['VK_ICD_FILENAMES', 'VK_DRIVER_FILES', 'VK_ADD_DRIVER_FILES'] as const;

export function userDriverChoice(host: HostFiles): string | undefined {
  const set = DRIVER_ENV_VARS.filter((k) => host.env(k));
  return set.length ? set.map((k) => `${k}=${host.env(k)}`).join(' ') : undefined;
}

/** One set of drivers to offer the loader, tried as a unit. */
export interface DriverAttempt {
  label: string;
  /** the manifests, joined with ':' into VK_ICD_FILENAMES */
  drivers: VulkanDriver[];
  software: boolean;
}

export interface DriverPlan {
  loader: string | undefined;
  attempts: DriverAttempt[];
  /** why a driver found on disk is not offered, for the error when no attempt gives an adapter */
  skipped: string[];
}

export type SoftwareChoice = 'auto' | 'force' | 'never';
export type SoftwareDriver = 'swiftshader' | 'lavapipe';

/**
 * The drivers to offer, in order: the hardware ones (where a GPU device node exists, and unless
 * `software` is 'force'), then the software driver (unless 'never'): SwiftShader, or lavapipe when
 * asked for by name.
 */
export function planDrivers(host: HostFiles, software: SoftwareChoice = 'auto', softwareDriver: SoftwareDriver = 'swiftshader'): DriverPlan {
  const drivers = listVulkanDrivers(host);
  const skipped: string[] = [];
  const attempts: DriverAttempt[] = [];
  const hardware = drivers.filter((d) => d.kind === 'hardware');
  if (software !== 'force' && hardware.length) {
    const nodes = gpuDeviceNodes(host);
    if (nodes.length) attempts.push({ label: `GPU drivers (${hardware.map((d) => d.name).join(', ')})`, drivers: hardware, software: false });
    else skipped.push(`GPU drivers ${hardware.map((d) => d.name).join(', ')}: installed, but this machine has no GPU device (/dev/dri/renderD*, /dev/nvidia*)`);
  }
  if (software !== 'never') {
    const chosen = drivers.filter((d) => d.kind === softwareDriver);
    const other = drivers.filter((d) => d.kind === (softwareDriver === 'swiftshader' ? 'lavapipe' : 'swiftshader'));
    if (chosen.length) attempts.push({ label: `${chosen[0].name} (software, ${chosen[0].manifest})`, drivers: [chosen[0]], software: true });
    else skipped.push(`${softwareDriver === 'swiftshader' ? 'SwiftShader' : 'lavapipe'}: not installed (${INSTALL_HINTS[softwareDriver]})`);
    for (const d of other) skipped.push(`${d.name} (${d.manifest}): installed, not offered (webspike's software driver is ${softwareDriver === 'swiftshader' ? 'SwiftShader' : 'lavapipe'}${d.kind === 'lavapipe' ? "; Dawn rejects Debian 12's lavapipe, which lacks shaderUniformBufferArrayDynamicIndexing" : ''})`);
  }
  return { loader: findVulkanLoader(host), attempts, skipped };
}

/** The environment that offers exactly an attempt's drivers to the loader. */
export function attemptEnv(attempt: DriverAttempt): Record<string, string> {
  return {
    VK_ICD_FILENAMES: attempt.drivers.map((d) => d.manifest).join(':'),
    // Mesa's device-select layer only reorders devices, which the choice above already made; it
    // would print "XDG_RUNTIME_DIR is invalid" on machines without a display
    NODEVICE_SELECT: '1',
  };
}

/** The error when no driver gave an adapter: each missing piece, and the package that provides it. */
export function noAdapterMessage(plan: DriverPlan, tried: string[]): string {
  const lines = ['no WebGPU adapter.'];
  if (!plan.loader) {
    lines.push(`  - the Vulkan loader libvulkan.so.1 is not installed; WebGPU in Node and Deno needs it (${INSTALL_HINTS.loader})`);
  } else {
    lines.push(`  - Vulkan loader: ${plan.loader}`);
  }
  for (const t of tried) lines.push(`  - ${t}`);
  for (const s of plan.skipped) lines.push(`  - ${s}`);
  if (!plan.attempts.length && !plan.skipped.length) lines.push(`  - no Vulkan driver is installed (a GPU's driver, or SwiftShader: ${INSTALL_HINTS.swiftshader})`);
  return lines.join('\n');
}
