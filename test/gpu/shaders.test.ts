import { afterAll, describe, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { gpuTest, releaseSharedDevice } from './fixture.js';
import { compilationMessages, type KernelSpec } from '../../kernels/kernel.js';
import { matmulSpec, matmulTiledSpec } from '../../kernels/linear/matmul.js';
import { compactSpec } from '../../kernels/linear/compact.js';
import { colListsSpec } from '../../kernels/linear/col-lists.js';
import { eventForwardSpec } from '../../kernels/linear/event-forward.js';
import { eventWeightGradSpec } from '../../kernels/linear/event-weight-grad.js';
import { scanForwardSpec } from '../../kernels/scan/forward.js';
import { scanBackwardSpec } from '../../kernels/scan/backward.js';
import { lifKernel } from '../../src/neurons/lif.js';
import { eventLifForwardSpec } from '../../kernels/neurons/event-lif-forward.js';
import { eventReadoutMaxSpec } from '../../kernels/neurons/event-readout-max.js';
import { eventPropReadoutSpec } from '../../kernels/grad/eventprop-readout.js';
import { eventPropHiddenSpec } from '../../kernels/grad/eventprop-hidden.js';
import { rowListsSpec } from '../../kernels/linear/row-lists.js';
import { weightTexelsSpec } from '../../kernels/linear/weight-texels.js';
import { selectGradedSpec } from '../../kernels/linear/select-graded.js';
import { maskListsSpec } from '../../kernels/linear/mask-lists.js';
import { unpackBitsSpec } from '../../kernels/linear/unpack-bits.js';
import { selectPathSpec } from '../../kernels/linear/select-path.js';
import { transposeSpec } from '../../kernels/linear/transpose.js';
import { lifFusedForwardSpec } from '../../kernels/neurons/lif-fused-forward.js';
import { lifFusedBackwardSpec } from '../../kernels/neurons/lif-fused-backward.js';
import { readoutFusedForwardSpec, readoutFusedForwardTexelsSpec, readoutTexelsSpec } from '../../kernels/neurons/readout-fused-forward.js';
import { readoutFusedBackwardSpec } from '../../kernels/neurons/readout-fused-backward.js';
import { recurrentBackwardStepSpec, recurrentStepSpec } from '../../kernels/scan/recurrent.js';
import { readoutBackwardSpec, readoutForwardSpec } from '../../kernels/neurons/readout.js';
import { crossEntropySpec } from '../../kernels/loss/cross-entropy.js';
import { gradNormSpec } from '../../kernels/optim/grad-norm.js';
import { batchSumSpec } from '../../kernels/grad/batch-sum.js';
import { adamSpec } from '../../kernels/optim/adam.js';
import { sgdSpec } from '../../kernels/optim/sgd.js';
import { latencySpec, poissonSpec } from '../../kernels/encode/encoders.js';
import { lifParams } from '../../src/neurons/lif.js';
import { SURROGATE_NAMES, surrogateByName } from '../../src/surrogates.js';
import { renderShaderModule } from '../../scripts/embed-shaders.js';

afterAll(releaseSharedDevice);

/** every kernel spec; with `subgroups`, also the variants for devices with the 'subgroups' feature */
function allSpecs(subgroups: boolean): KernelSpec[] {
  const specs: KernelSpec[] = [];
  for (const transA of [false, true]) for (const transB of [false, true]) {
    specs.push(matmulSpec({ transA, transB, accumulate: true, sparseA: false, sparseB: false }));
    specs.push(matmulTiledSpec({ transA, transB, accumulate: true }), matmulTiledSpec({ transA, transB, accumulate: false }, true));
  }
  specs.push(compactSpec(), colListsSpec(0), colListsSpec(1), colListsSpec(2), eventForwardSpec(), eventWeightGradSpec());
  for (const solver of ['newton', 'quadratic-mem', 'quadratic-syn'] as const) specs.push(eventLifForwardSpec(solver));
  specs.push(eventReadoutMaxSpec(), eventPropReadoutSpec(), eventPropHiddenSpec());
  for (const reset of ['subtract', 'zero'] as const) {
    const p = lifParams({ reset, detachReset: true });
    specs.push(scanForwardSpec(lifKernel(p)), recurrentStepSpec(lifKernel(p)), lifFusedForwardSpec(p), lifFusedForwardSpec(p, 'f16'), lifFusedForwardSpec(p, 'f32', true), lifFusedForwardSpec(p, 'f16', true), lifFusedForwardSpec(p, 'f32', true, true), lifFusedForwardSpec(p, 'f32', true, false, false));
    for (const name of SURROGATE_NAMES) {
      specs.push(scanBackwardSpec(lifKernel(p), surrogateByName(name)), recurrentBackwardStepSpec(lifKernel(p), surrogateByName(name)));
      for (const top of [true, false]) specs.push(lifFusedBackwardSpec(p, surrogateByName(name), top, !top), lifFusedBackwardSpec(p, surrogateByName(name), top, !top, true, 'f16'), lifFusedBackwardSpec(p, surrogateByName(name), top, !top, true, 'f32', true));
    }
  }
  specs.push(rowListsSpec(), rowListsSpec(true), weightTexelsSpec(), selectGradedSpec, maskListsSpec(), maskListsSpec(true), unpackBitsSpec, selectPathSpec, transposeSpec(true), transposeSpec(false), transposeSpec(true, true), readoutFusedForwardSpec(), readoutFusedBackwardSpec(), ...[1, 2, 3, 4].map((q) => readoutFusedBackwardSpec(q)), readoutTexelsSpec());
  for (const texels of [1, 2, 3, 4]) specs.push(readoutFusedForwardTexelsSpec(texels));
  specs.push(readoutForwardSpec(), readoutBackwardSpec(), crossEntropySpec('max', 'main'), crossEntropySpec('mean', 'accumulate'));
  specs.push(gradNormSpec('partial'), gradNormSpec('finalize'), adamSpec(), sgdSpec(), poissonSpec(), latencySpec(true), poissonSpec(true, true), latencySpec(false, false, true), batchSumSpec(false), batchSumSpec(true));
  if (subgroups) specs.push(gradNormSpec('partial', true));
  return specs;
}

describe('WGSL', () => {
  gpuTest('every kernel compiles without errors or warnings on this adapter', async ({ device }) => {
    const specs = allSpecs(device.features.has('subgroups'));
    expect(specs.length).toBeGreaterThan(30);
    for (const spec of specs) {
      const messages = await compilationMessages(device, spec);
      expect(messages.map((m) => `${spec.name}: ${m.type}: ${m.message}`)).toEqual([]);
    }
  });

  gpuTest('the embedded shader module is up to date with shaders/', () => {
    const current = readFileSync(new URL('../../kernels/wgsl.generated.ts', import.meta.url), 'utf8');
    expect(current === renderShaderModule(), 'kernels/wgsl.generated.ts is stale: run npm run embed').toBe(true);
  });
});
