import { shader } from '../shaders.js';
import { bind, grid1d, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

export const WORKGROUP = 64;
export const CHUNK = 256;
/** byte size of the OptState struct shared by grad-norm, adam and sgd */
export const OPT_STATE_BYTES = 36;
export const NO_BAD_CALL = 0xffffffff;

/**
 * `partial` with `subgroups`: the entry `partial_subgroups` (one partial per
 * workgroup, reduced with subgroupAdd), whose module opens with
 * `enable subgroups;`: only for devices with the 'subgroups' feature.
 * `finalize` is the same either way.
 */
export function gradNormSpec(entryPoint: 'partial' | 'finalize', subgroups = false): KernelSpec {
  const sg = subgroups && entryPoint === 'partial';
  return {
    name: `optim/grad-norm/${entryPoint}${sg ? '-subgroups' : ''}`,
    code: (sg ? shader('optim/grad-norm-subgroups') : '') + shader('common/grid') + shader('common/opt-state') + shader('optim/grad-norm'),
    entryPoint: sg ? 'partial_subgroups' : entryPoint,
    bindings: ['uniform', 'read-only-storage', 'storage', 'storage'],
    constants: entryPoint === 'partial' ? { WG: WORKGROUP } : {},
  };
}

export interface GradNorm {
  readonly dispatches: Dispatch[];
  readonly partials: GPUBuffer;
  /** whether `partial` runs the subgroup variant */
  readonly subgroups: boolean;
  destroy(): void;
}

export interface GradNormOptions {
  /** use the subgroup variant where the device has 'subgroups' (default true); false: always the portable one */
  subgroups?: boolean;
  /** Adam's β1, β2: finalize writes the bias corrections 1 − β^t into the state (default 0, 0: both 1) */
  betas?: readonly [number, number];
}

/** Dispatches that compute the global norm of `grads`, the clip scale and the skip flag into `state`. */
export function gradNorm(
  device: GPUDevice,
  grads: { buffer: GPUBuffer; length: number }[],
  state: GPUBuffer,
  maxNorm: number,
  options: GradNormOptions = {},
): GradNorm {
  const subgroups = (options.subgroups ?? true) && device.features.has('subgroups');
  // partials per buffer: one per CHUNK elements (portable), one per workgroup of WORKGROUP·CHUNK (subgroups)
  const perPartial = subgroups ? WORKGROUP * CHUNK : CHUNK;
  const slots = grads.map((g) => Math.ceil(g.length / perPartial));
  const total = slots.reduce((s, x) => s + x, 0);
  const partials = device.createBuffer({ label: 'optim/grad-norm/partials', size: Math.max(16, total * 4), usage: GPUBufferUsage.STORAGE });
  const dispatches: Dispatch[] = [];
  const owned: GPUBuffer[] = [partials];
  let offset = 0;
  const pSpec = gradNormSpec('partial', subgroups);
  grads.forEach((g, i) => {
    const u = uniformBlock(device, pSpec, { length: g.length, offset, max_norm: maxNorm });
    owned.push(u.buffer);
    dispatches.push(bind(device, pipelineFor(device, pSpec), {
      resources: [u.buffer, g.buffer, partials, state],
      // portable: one thread per partial; subgroups: one workgroup per partial
      workgroups: subgroups ? grid1d(slots[i], 1) : grid1d(slots[i], WORKGROUP),
    }));
    offset += slots[i];
  });
  const fSpec = gradNormSpec('finalize');
  const [beta1, beta2] = options.betas ?? [0, 0];
  const fu = uniformBlock(device, fSpec, { length: 0, offset: total, max_norm: maxNorm, beta1, beta2 });
  owned.push(fu.buffer);
  dispatches.push(bind(device, pipelineFor(device, fSpec), { resources: [fu.buffer, grads[0].buffer, partials, state], workgroups: [1] }));
  return { dispatches, partials, subgroups, destroy: () => owned.forEach((b) => b.destroy()) };
}
