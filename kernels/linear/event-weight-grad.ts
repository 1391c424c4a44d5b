import type { Dispatch, KernelSpec } from '../kernel.js';
import type { SpikeLists } from './compact.js';
import { eventGrid, spikeListDispatch, spikeListSpec, type SpikeListShape } from './event-forward.js';

export const eventWeightGradSpec = (): KernelSpec => spikeListSpec('linear/event-weight-grad');

/** Arguments of the event-driven weight gradients (linear/event-weight-grad and its tiled variant). */
export type EventWeightGradArgs = SpikeListShape & { colLists: SpikeLists; gradDrive: GPUBuffer; gradWeights: GPUBuffer };

/** dW[N][K] = dhᵀ · S over the rows where each input is active (`colLists` from linear/col-lists). */
export function eventWeightGrad(device: GPUDevice, a: EventWeightGradArgs): Dispatch {
  return spikeListDispatch(device, eventWeightGradSpec(), a, a.colLists, a.gradDrive, a.gradWeights, eventGrid(a.outputs, a.inputs));
}
