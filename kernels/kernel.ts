/**
 * Kernel infrastructure (DESIGN.md, "Kernels: conventions").
 *
 * A kernel module declares a `KernelSpec` (name, composed WGSL, entry point,
 * override constants, explicit bind group layout); `pipelineFor` compiles it
 * once per device and specialization. Uniform layouts are reflected from the
 * WGSL with webgpu-utils; `bind` creates the uniform buffer and bind group once
 * so that a training step only records `encode(pass)` calls.
 */
import { makeShaderDataDefinitions, makeStructuredView, type StructuredView } from 'webgpu-utils';

/**
 * Buffer bindings, or textures: 'float-texture' a texture_2d<f32> read with textureLoad
 * (unfilterable), 'rgba32float-storage-texture' a write-only texture_storage_2d<rgba32float, write>.
 */
export type BindingType = 'uniform' | 'storage' | 'read-only-storage' | 'float-texture' | 'rgba32float-storage-texture';

const isTexture = (t: BindingType) => t === 'float-texture' || t === 'rgba32float-storage-texture';

export interface KernelSpec {
  /** kernel name, used as the label of every GPU object it creates */
  readonly name: string;
  /** the composed WGSL (snippets + kernel file) */
  readonly code: string;
  readonly entryPoint?: string;
  /** group(0) bindings in order: binding i has type bindings[i] */
  readonly bindings: readonly BindingType[];
  /** group(1) binding 0: a uniform bound with a dynamic offset (per-step index) */
  readonly dynamicStep?: boolean;
  readonly constants?: Readonly<Record<string, number | boolean>>;
}

export interface CompiledKernel {
  readonly spec: KernelSpec;
  readonly pipeline: GPUComputePipeline;
  readonly layouts: GPUBindGroupLayout[];
}

const pipelineCache = new WeakMap<GPUDevice, Map<string, CompiledKernel>>();

function cacheKey(spec: KernelSpec): string {
  return `${spec.name}|${spec.entryPoint ?? 'main'}|${JSON.stringify(spec.constants ?? {})}|${spec.code.length}|${hashString(spec.code)}`;
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

function constantsOf(spec: KernelSpec): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(spec.constants ?? {})) out[k] = typeof v === 'boolean' ? (v ? 1 : 0) : v;
  return out;
}

function layoutsFor(device: GPUDevice, spec: KernelSpec): GPUBindGroupLayout[] {
  const entries: GPUBindGroupLayoutEntry[] = spec.bindings.map((type, binding) =>
    type === 'float-texture'
      ? { binding, visibility: GPUShaderStage.COMPUTE, texture: { sampleType: 'unfilterable-float' } }
      : type === 'rgba32float-storage-texture'
        ? { binding, visibility: GPUShaderStage.COMPUTE, storageTexture: { access: 'write-only', format: 'rgba32float' } }
        : { binding, visibility: GPUShaderStage.COMPUTE, buffer: { type } });
  const layouts = [device.createBindGroupLayout({ label: `${spec.name}/group0`, entries })];
  if (spec.dynamicStep) {
    layouts.push(
      device.createBindGroupLayout({
        label: `${spec.name}/step`,
        entries: [{ binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true } }],
      }),
    );
  }
  return layouts;
}

function descriptor(device: GPUDevice, spec: KernelSpec, layouts: GPUBindGroupLayout[]): GPUComputePipelineDescriptor {
  const module = device.createShaderModule({ label: spec.name, code: spec.code });
  return {
    label: spec.name,
    layout: device.createPipelineLayout({ label: spec.name, bindGroupLayouts: layouts }),
    compute: { module, entryPoint: spec.entryPoint ?? 'main', constants: constantsOf(spec) },
  };
}

/** The pipeline for `spec` on `device`, compiled on first use and cached per device. */
export function pipelineFor(device: GPUDevice, spec: KernelSpec): CompiledKernel {
  let perDevice = pipelineCache.get(device);
  if (!perDevice) pipelineCache.set(device, (perDevice = new Map()));
  const key = cacheKey(spec);
  let compiled = perDevice.get(key);
  if (!compiled) {
    const layouts = layoutsFor(device, spec);
    compiled = { spec, layouts, pipeline: device.createComputePipeline(descriptor(device, spec, layouts)) };
    perDevice.set(key, compiled);
  }
  return compiled;
}

/** Compile ahead of the first step with createComputePipelineAsync. */
export async function precompile(device: GPUDevice, spec: KernelSpec): Promise<void> {
  let perDevice = pipelineCache.get(device);
  if (!perDevice) pipelineCache.set(device, (perDevice = new Map()));
  const key = cacheKey(spec);
  if (perDevice.has(key)) return;
  const layouts = layoutsFor(device, spec);
  const pipeline = await device.createComputePipelineAsync(descriptor(device, spec, layouts));
  perDevice.set(key, { spec, layouts, pipeline });
}

/** Compilation messages (errors and warnings) of a spec's WGSL on this device. */
export async function compilationMessages(device: GPUDevice, spec: KernelSpec): Promise<readonly GPUCompilationMessage[]> {
  const module = device.createShaderModule({ label: spec.name, code: spec.code });
  return (await module.getCompilationInfo()).messages;
}

/** A uniform struct reflected from the WGSL variable `varName`. */
export interface UniformBlock {
  readonly buffer: GPUBuffer;
  readonly view: StructuredView;
  /** set fields and upload */
  write(values: Record<string, unknown>): void;
}

export function uniformBlock(device: GPUDevice, spec: KernelSpec, values: Record<string, unknown>, varName = 'params'): UniformBlock {
  const defs = makeShaderDataDefinitions(spec.code);
  const def = defs.uniforms[varName];
  if (!def) throw new Error(`kernel ${spec.name}: no uniform named '${varName}' in its WGSL`);
  const view = makeStructuredView(def);
  const buffer = device.createBuffer({
    label: `${spec.name}/${varName}`,
    size: Math.max(16, view.arrayBuffer.byteLength),
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  const block: UniformBlock = {
    buffer,
    view,
    write(v) {
      view.set(v);
      device.queue.writeBuffer(buffer, 0, view.arrayBuffer);
    },
  };
  block.write(values);
  return block;
}

/** Workgroup counts for `invocations` threads in groups of `size`, split over x and y (≤ 65535 each). */
export function grid1d(invocations: number, size: number, maxPerDim = 65535): [number, number] {
  const groups = Math.max(1, Math.ceil(invocations / size));
  if (groups <= maxPerDim) return [groups, 1];
  const y = Math.ceil(groups / maxPerDim);
  return [Math.ceil(groups / y), y];
}

/** A recorded-once dispatch: bind group and uniforms are created when it is built. */
export interface Dispatch {
  readonly name: string;
  encode(pass: GPUComputePassEncoder): void;
  destroy(): void;
  /** the workgroup counts `encode` dispatches (dispatches made by `bind`) */
  readonly workgroups?: readonly [number, number, number];
  /**
   * The same pipeline and bindings with the workgroup counts read from
   * `buffer` at `offset` (three u32; zeros dispatch nothing). Dispatches made by `bind`.
   */
  encodeIndirect?(pass: GPUComputePassEncoder, buffer: GPUBuffer, offset: number): void;
}

export interface BindOptions {
  /** buffers (texture views for 'float-texture' bindings) for group(0) in binding order; the uniform block, if any, is one of them */
  resources: readonly (GPUBuffer | GPUTextureView)[];
  workgroups: readonly [number, number?, number?];
  /** owned resources released by destroy() */
  owned?: readonly (GPUBuffer | GPUTexture)[];
}

/** The group(0) bind group of `opts.resources` (one buffer per declared binding). */
function group0(device: GPUDevice, compiled: CompiledKernel, opts: BindOptions): GPUBindGroup {
  const { spec } = compiled;
  if (opts.resources.length !== spec.bindings.length) {
    throw new Error(`kernel ${spec.name}: ${spec.bindings.length} bindings declared, ${opts.resources.length} buffers given`);
  }
  return device.createBindGroup({
    label: spec.name,
    layout: compiled.layouts[0],
    entries: opts.resources.map((r, binding) => ({ binding, resource: isTexture(spec.bindings[binding]) ? (r as GPUTextureView) : { buffer: r as GPUBuffer } })),
  });
}

export function bind(device: GPUDevice, compiled: CompiledKernel, opts: BindOptions): Dispatch {
  const { spec } = compiled;
  const group = group0(device, compiled, opts);
  const [x, y = 1, z = 1] = opts.workgroups;
  return {
    name: spec.name,
    workgroups: [x, y, z],
    encode(pass) {
      pass.setPipeline(compiled.pipeline);
      pass.setBindGroup(0, group);
      pass.dispatchWorkgroups(x, y, z);
    },
    encodeIndirect(pass, buffer, offset) {
      pass.setPipeline(compiled.pipeline);
      pass.setBindGroup(0, group);
      pass.dispatchWorkgroupsIndirect(buffer, offset);
    },
    destroy() {
      for (const b of opts.owned ?? []) b.destroy();
    },
  };
}

export interface BindStepsOptions extends BindOptions {
  /** the step slots bound to group(1) (spec.dynamicStep) */
  stepIndex: StepIndex;
  /** dispatches per encode: one per step slot 0 … steps − 1, in order */
  steps: number;
}

/** Like `bind` for a kernel with `dynamicStep`: `encode` dispatches once per step slot, in one pass. */
export function bindSteps(device: GPUDevice, compiled: CompiledKernel, opts: BindStepsOptions): Dispatch {
  const { spec } = compiled;
  if (!spec.dynamicStep) throw new Error(`kernel ${spec.name}: bindSteps needs a dynamicStep kernel`);
  const group = group0(device, compiled, opts);
  const stepGroup = opts.stepIndex.group(compiled);
  const [x, y = 1, z = 1] = opts.workgroups;
  return {
    name: spec.name,
    encode(pass) {
      pass.setPipeline(compiled.pipeline);
      pass.setBindGroup(0, group);
      for (let s = 0; s < opts.steps; s++) {
        pass.setBindGroup(1, stepGroup, [opts.stepIndex.offset(s)]);
        pass.dispatchWorkgroups(x, y, z);
      }
    },
    destroy() {
      for (const b of opts.owned ?? []) b.destroy();
    },
  };
}

/**
 * Per-step index uniforms for kernels that run one dispatch per time step:
 * a buffer of `steps` 256-byte slots, slot n holding n, bound with a dynamic offset.
 */
export interface StepIndex {
  readonly buffer: GPUBuffer;
  readonly steps: number;
  group(compiled: CompiledKernel): GPUBindGroup;
  offset(step: number): number;
}

export function stepIndex(device: GPUDevice, steps: number, label: string): StepIndex {
  const stride = Math.max(256, device.limits.minUniformBufferOffsetAlignment);
  const buffer = device.createBuffer({ label: `${label}/step-index`, size: stride * steps, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  const data = new Uint32Array((stride * steps) / 4);
  for (let n = 0; n < steps; n++) data[(n * stride) / 4] = n;
  device.queue.writeBuffer(buffer, 0, data);
  const groups = new WeakMap<CompiledKernel, GPUBindGroup>();
  return {
    buffer,
    steps,
    group(compiled) {
      let g = groups.get(compiled);
      if (!g) {
        g = device.createBindGroup({
          label: `${compiled.spec.name}/step`,
          layout: compiled.layouts[1],
          entries: [{ binding: 0, resource: { buffer, size: 16 } }],
        });
        groups.set(compiled, g);
      }
      return g;
    },
    offset(step) {
      return step * stride;
    },
  };
}

/** A dispatch that may clear buffers before its pass (cleared whether it runs or not). */
export type ClearingDispatch = Dispatch & { clear?(enc: GPUCommandEncoder): void };

/**
 * Small stand-ins for the bindings a kernel variant does not touch (a 16-byte storage buffer,
 * a 1×1 rgba32float texture, labelled `<kernel>/unused`); `owned` lists what was made, for the
 * dispatch's `owned`.
 */
export function placeholders(device: GPUDevice, kernel: string): {
  buffer(): GPUBuffer; texture(usage?: GPUTextureUsageFlags): GPUTexture; readonly owned: (GPUBuffer | GPUTexture)[];
} {
  const owned: (GPUBuffer | GPUTexture)[] = [];
  const label = `${kernel}/unused`;
  return {
    owned,
    buffer() {
      const b = device.createBuffer({ label, size: 16, usage: GPUBufferUsage.STORAGE });
      owned.push(b);
      return b;
    },
    texture(usage = GPUTextureUsage.TEXTURE_BINDING) {
      const t = device.createTexture({ label, size: [1, 1], format: 'rgba32float', usage });
      owned.push(t);
      return t;
    },
  };
}

/**
 * The candidate slots of a GPU-side choice between kernels: a selector kernel copies
 * the workgroup counts of the chosen slots from `candidates` into `indirect` and
 * zeros the others, and each registered dispatch runs indirectly from its slot.
 * Slots of kind k are k·perKind … k·perKind + perKind − 1; `indirect` has `extraWords`
 * more u32 after the 3·slots of counts (for the selector's own use, e.g. tallies).
 */
export function indirectSlots(device: GPUDevice, a: { label: string; kinds: readonly string[]; perKind: number; extraWords?: number }) {
  const slots = a.kinds.length * a.perKind;
  const candidates = device.createBuffer({ label: `${a.label}/candidates`, size: 3 * slots * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
  const indirect = device.createBuffer({
    label: `${a.label}/indirect`, size: (3 * slots + (a.extraWords ?? 0)) * 4,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.INDIRECT | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
  });
  const table = new Uint32Array(3 * slots);
  const used = a.kinds.map(() => 0);
  /** run `inner` from the next free slot of kind `kind` (its own name; its clears still happen) */
  const register = (kind: number, inner: ClearingDispatch): ClearingDispatch => {
    if (!inner.workgroups || !inner.encodeIndirect) throw new Error(`${a.label}: dispatch ${inner.name} cannot run indirectly`);
    if (used[kind] >= a.perKind) throw new Error(`${a.label}: more than ${a.perKind} ${a.kinds[kind]} kernels`);
    const slot = kind * a.perKind + used[kind]++;
    table.set(inner.workgroups, 3 * slot);
    device.queue.writeBuffer(candidates, 0, table);
    const run = inner.encodeIndirect.bind(inner);
    return { name: inner.name, encode: (pass) => run(pass, indirect, 12 * slot), destroy: () => inner.destroy(), clear: inner.clear };
  };
  return { candidates, indirect, slots, register };
}
