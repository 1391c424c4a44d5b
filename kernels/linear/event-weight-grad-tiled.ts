import type { Dispatch, KernelSpec } from '../kernel.js';
import { spikeListDispatch, spikeListSpec } from './event-forward.js';
import type { EventWeightGradArgs } from './event-weight-grad.js';

/** Outputs covered by one workgroup (threads × outputs per thread, fixed in the WGSL). */
export const OUTPUTS_PER_WORKGROUP = 512;

export const eventWeightGradTiledSpec = (): KernelSpec => spikeListSpec('linear/event-weight-grad-tiled');

/** dW[N][K] = dhᵀ · S over the rows where each input is active (`colLists` from linear/col-lists); wide register tiles for CPU adapters. */
export function eventWeightGradTiled(device: GPUDevice, a: EventWeightGradArgs): Dispatch {
  const z = Math.ceil(a.inputs / 65535);
  return spikeListDispatch(device, eventWeightGradTiledSpec(), a, a.colLists, a.gradDrive, a.gradWeights, [Math.ceil(a.outputs / OUTPUTS_PER_WORKGROUP), Math.ceil(a.inputs / z), z]);
}
