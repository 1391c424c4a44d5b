/**
 * `webspike info`: what a bug report needs about the machine's WebGPU: the runtime, the adapter,
 * the driver and who chose it, the Vulkan loader, the features and every limit.
 */
import { describeDevice, requestDevice, type WebspikeDevice } from '../gpu/device.js';
import { packageVersion } from './version.js';

/** The limit names of the WebGPU specification, read one by one (runtimes expose them as getters). */
const LIMIT_NAMES = [
  'maxTextureDimension1D', 'maxTextureDimension2D', 'maxTextureDimension3D', 'maxTextureArrayLayers',
  'maxBindGroups', 'maxBindGroupsPlusVertexBuffers', 'maxBindingsPerBindGroup',
  'maxDynamicUniformBuffersPerPipelineLayout', 'maxDynamicStorageBuffersPerPipelineLayout',
  'maxSampledTexturesPerShaderStage', 'maxSamplersPerShaderStage', 'maxStorageBuffersPerShaderStage',
  'maxStorageTexturesPerShaderStage', 'maxUniformBuffersPerShaderStage', 'maxUniformBufferBindingSize',
  'maxStorageBufferBindingSize', 'minUniformBufferOffsetAlignment', 'minStorageBufferOffsetAlignment',
  'maxVertexBuffers', 'maxBufferSize', 'maxVertexAttributes', 'maxVertexBufferArrayStride',
  'maxInterStageShaderVariables', 'maxColorAttachments', 'maxColorAttachmentBytesPerSample',
  'maxComputeWorkgroupStorageSize', 'maxComputeInvocationsPerWorkgroup', 'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY', 'maxComputeWorkgroupSizeZ', 'maxComputeWorkgroupsPerDimension',
] as const;

export interface InfoReport {
  webspike: string;
  runtime: string;
  runtimeVersion: string;
  platform: string;
  adapter: WebspikeDevice['adapter'];
  driver: WebspikeDevice['driver'];
  features: WebspikeDevice['features'];
  limits: Record<string, number>;
}

function runtimeVersion(runtime: string): string {
  const g = globalThis as { Deno?: { version?: { deno?: string } }; process?: { version?: string; platform?: string; arch?: string } };
  if (runtime === 'deno') return g.Deno?.version?.deno ?? 'unknown';
  return g.process?.version ?? 'unknown';
}

export async function infoReport(gpu: WebspikeDevice): Promise<InfoReport> {
  const limits: Record<string, number> = {};
  const l = gpu.limits as unknown as Record<string, number | undefined>;
  for (const name of LIMIT_NAMES) if (typeof l[name] === 'number') limits[name] = l[name]!;
  const p = (globalThis as { process?: { platform?: string; arch?: string } }).process;
  return {
    webspike: await packageVersion(),
    runtime: gpu.runtime,
    runtimeVersion: runtimeVersion(gpu.runtime),
    platform: p ? `${p.platform} ${p.arch}` : 'unknown',
    adapter: gpu.adapter,
    driver: gpu.driver,
    features: gpu.features,
    limits,
  };
}

export function formatInfo(r: InfoReport, description: string): string {
  const d = r.driver;
  const chosen = d.chosenBy === 'webspike' ? `chosen by webspike from ${d.manifests.join(', ')}`
    : d.chosenBy === 'environment' ? 'chosen by VK_ICD_FILENAMES / VK_DRIVER_FILES'
      : `chosen by the ${r.runtime === 'deno' ? 'runtime (wgpu)' : 'runtime'}`;
  const width = Math.max(...Object.keys(r.limits).map((k) => k.length));
  return [
    `webspike ${r.webspike} on ${r.runtime} ${r.runtimeVersion} (${r.platform})`,
    `adapter:  ${description}`,
    `driver:   ${d.name}, ${chosen}`,
    ...(d.libraries?.length ? [`          loaded ${d.libraries.join(', ')}`] : []),
    `loader:   ${d.loader ?? (r.runtime === 'browser' ? 'the browser\'s' : 'not seen in this process')}`,
    `features: timestamp-query ${r.features.timestampQuery ? 'yes' : 'no'}, subgroups ${r.features.subgroups ? 'yes' : 'no'}`,
    'limits:',
    ...Object.entries(r.limits).map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
  ].join('\n');
}

export async function cmdInfo(argv: string[]): Promise<void> {
  const json = argv.includes('--json');
  const unknown = argv.filter((a) => a !== '--json');
  if (unknown.length) throw new Error(`webspike info takes only --json, got ${unknown.join(' ')}`);
  const gpu = await requestDevice({ log: () => {} });
  try {
    const report = await infoReport(gpu);
    console.log(json ? JSON.stringify(report, null, 2) : formatInfo(report, describeDevice(gpu)));
  } finally {
    gpu.destroy();
  }
}
