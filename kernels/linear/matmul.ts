import { shader } from '../shaders.js';
import { isSoftwareDevice } from '../adapter.js';
import { storageBuffer } from '../buffers.js';
import { bind, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';
import { batchSum } from '../grad/batch-sum.js';

/**
 * 'registers': linear/matmul, a 4×4 register tile per thread, no workgroup memory or
 * barriers (for CPU adapters, where barriers are slow, and where the sparse skips pay).
 * 'workgroup': linear/matmul-tiled, 64×64 blocks staged through workgroup memory with
 * contiguous reads of either layout (for hardware GPUs).
 */
export type MatmulKernel = 'registers' | 'workgroup';

/** The kernel `matmul` uses on this device unless told: 'workgroup' on a hardware adapter. */
export const defaultMatmulKernel = (device: GPUDevice): MatmulKernel => (isSoftwareDevice(device) === false ? 'workgroup' : 'registers');

/** C (+)= scale · op(A)·op(B); see shaders/linear/matmul.wgsl. */
export interface MatmulArgs {
  a: GPUBuffer;
  b: GPUBuffer;
  c: GPUBuffer;
  m: number;
  n: number;
  k: number;
  transA?: boolean;
  transB?: boolean;
  accumulate?: boolean;
  scale?: number;
  /** A holds spikes (mostly zero): skip k-iterations where its 4 values are 0 */
  sparseA?: boolean;
  /** B holds spikes: skip k-iterations where its 4 values are 0 (neighbouring threads then walk rows) */
  sparseB?: boolean;
  /** which kernel (default: defaultMatmulKernel(device)); 'workgroup' ignores the sparse flags */
  kernel?: MatmulKernel;
  /**
   * 'workgroup' only: split K over this many slices (default: matmulSplits). A split
   * product is two dispatches, so it cannot run indirectly: pass 1 where a selector
   * wraps the dispatch (linear/select-path).
   */
  splits?: number;
  label?: string;
}

const TILE = 4;

export interface MatmulVariant {
  transA: boolean;
  transB: boolean;
  accumulate: boolean;
  sparseA: boolean;
  sparseB: boolean;
}

export function matmulSpec(v: MatmulVariant): KernelSpec {
  return {
    name: 'linear/matmul',
    code: shader('linear/matmul'),
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'storage'],
    constants: {
      TRANS_A: v.transA, TRANS_B: v.transB, ACCUMULATE: v.accumulate,
      SPARSE_A: v.sparseA, SPARSE_B: v.sparseB, LANES_ALONG_M: v.sparseB,
    },
  };
}

export function matmulTiledSpec(v: Pick<MatmulVariant, 'transA' | 'transB' | 'accumulate'>, split = false): KernelSpec {
  return {
    name: 'linear/matmul-tiled',
    code: shader('linear/matmul-tiled'),
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'storage'],
    constants: { TRANS_A: v.transA, TRANS_B: v.transB, ACCUMULATE: v.accumulate, SPLIT: split },
  };
}

/** C block of one linear/matmul-tiled workgroup (64×64), and its K step */
const BLOCK = 64;
const K_STEP = 16;
/** workgroups a split product aims for (a hardware GPU runs a few per multiprocessor) */
const SPLIT_TARGET = 512;
/** fewest K elements per slice: shorter slices cost more in the epilogue than they gain */
const MIN_SPLIT_K = 512;
/**
 * most slices. The scratch slices hold S·M·N floats; a split product has fewer than
 * SPLIT_TARGET / 2 blocks of 64×64 and S ≤ ⌈SPLIT_TARGET / blocks⌉, so they stay under
 * (SPLIT_TARGET + blocks)·4096 floats, about 12 MB.
 */
const MAX_SPLITS = 32;

/**
 * K slices for linear/matmul-tiled: 1 when the 64×64 blocks of C alone fill the GPU,
 * else enough to bring the workgroups near SPLIT_TARGET, each slice ≥ MIN_SPLIT_K long.
 */
export function matmulSplits(m: number, n: number, k: number): number {
  const blocks = Math.ceil(m / BLOCK) * Math.ceil(n / BLOCK);
  if (blocks >= SPLIT_TARGET / 2) return 1;
  return Math.max(1, Math.min(MAX_SPLITS, Math.ceil(SPLIT_TARGET / blocks), Math.floor(k / MIN_SPLIT_K)));
}

export function matmul(device: GPUDevice, args: MatmulArgs): Dispatch {
  const kernel = args.kernel ?? defaultMatmulKernel(device);
  if (kernel !== 'registers' && kernel !== 'workgroup') throw new RangeError(`matmul kernel must be 'registers' or 'workgroup', got '${String(kernel)}'`);
  if (kernel === 'workgroup') {
    const splits = args.splits ?? matmulSplits(args.m, args.n, args.k);
    if (!(Number.isInteger(splits) && splits >= 1)) throw new RangeError(`matmul splits must be a positive integer, got ${splits}`);
    const v = { transA: !!args.transA, transB: !!args.transB, accumulate: !!args.accumulate };
    const workgroups = [Math.ceil(args.n / BLOCK), Math.ceil(args.m / BLOCK)] as const;
    if (splits === 1) {
      const spec = matmulTiledSpec(v);
      const uniforms = uniformBlock(device, spec, { m: args.m, n: args.n, k: args.k, scale: args.scale ?? 1, k_split: args.k });
      return bind(device, pipelineFor(device, spec), { resources: [uniforms.buffer, args.a, args.b, args.c], workgroups, owned: [uniforms.buffer] });
    }
    // slices of K rounded up to whole staging steps; trailing slices may be empty (they store zeros)
    const kSplit = Math.ceil(Math.ceil(args.k / splits) / K_STEP) * K_STEP;
    const parts = storageBuffer(device, `${args.label ?? 'matmul'}/split-k parts`, splits * args.m * args.n * 4);
    const spec = matmulTiledSpec(v, true);
    const u = uniformBlock(device, spec, { m: args.m, n: args.n, k: args.k, scale: 1, k_split: kSplit });
    const product = bind(device, pipelineFor(device, spec), { resources: [u.buffer, args.a, args.b, parts], workgroups: [...workgroups, splits], owned: [u.buffer, parts] });
    const sum = batchSum(device, { rows: parts, out: args.c, length: args.m * args.n, batch: splits, scale: args.scale ?? 1, accumulate: v.accumulate });
    return {
      name: spec.name,
      encode(pass) {
        product.encode(pass);
        sum.encode(pass);
      },
      destroy() {
        product.destroy();
        sum.destroy();
      },
    };
  }
  const v: MatmulVariant = {
    transA: !!args.transA, transB: !!args.transB, accumulate: !!args.accumulate,
    sparseA: !!args.sparseA, sparseB: !!args.sparseB && !args.sparseA,
  };
  const spec = matmulSpec(v);
  const uniforms = uniformBlock(device, spec, { m: args.m, n: args.n, k: args.k, scale: args.scale ?? 1 });
  return bind(device, pipelineFor(device, spec), {
    resources: [uniforms.buffer, args.a, args.b, args.c],
    workgroups: v.sparseB
      ? [Math.ceil(args.m / (8 * TILE)), Math.ceil(args.n / (8 * TILE))]
      : [Math.ceil(args.n / (8 * TILE)), Math.ceil(args.m / (8 * TILE))],
    owned: [uniforms.buffer],
  });
}
