import { shader } from '../../src/shaders.js';
import { bind, pipelineFor, uniformBlock, type Dispatch, type KernelSpec } from '../kernel.js';

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

export function matmul(device: GPUDevice, args: MatmulArgs): Dispatch {
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
