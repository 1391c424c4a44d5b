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
  label?: string;
}

const TILE = 4;

export function matmulSpec(transA: boolean, transB: boolean, accumulate: boolean): KernelSpec {
  return {
    name: 'linear/matmul',
    code: shader('linear/matmul'),
    bindings: ['uniform', 'read-only-storage', 'read-only-storage', 'storage'],
    constants: { TRANS_A: transA, TRANS_B: transB, ACCUMULATE: accumulate },
  };
}

export function matmul(device: GPUDevice, args: MatmulArgs): Dispatch {
  const spec = matmulSpec(!!args.transA, !!args.transB, !!args.accumulate);
  const uniforms = uniformBlock(device, spec, { m: args.m, n: args.n, k: args.k, scale: args.scale ?? 1 });
  return bind(device, pipelineFor(device, spec), {
    resources: [uniforms.buffer, args.a, args.b, args.c],
    workgroups: [Math.ceil(args.n / (8 * TILE)), Math.ceil(args.m / (8 * TILE))],
    owned: [uniforms.buffer],
  });
}
