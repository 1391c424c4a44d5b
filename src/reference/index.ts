/// <reference types="@webgpu/types" preserve="true" />
/**
 * The float64 reference: plain TypeScript implementations of every model and method, the
 * executable specification that the GPU kernels are tested against. Slow by design; for checks,
 * not for training.
 */
export { referenceForward, referenceBackward } from './lif-network.js';
export { referenceRtrl, referenceEligibility, readoutResponse } from './forward-mode.js';
export {
  eventForward as referenceEventForward, readoutMaxima, nextCrossing, validateEventSpec,
  type EventLifSpec, type EventOutputKind, type InputSpike, type EventSpike, type EventForwardResult, type EventForwardOptions,
  type ReadoutMaxima, type ReadoutMaxKind, type CrossingSolver,
} from './event-lif.js';
export { eventProp as referenceEventProp, eventPropBackward as referenceEventPropBackward, eventLoss, type EventLoss, type EventLossValue, type SilentLabelRule, type EventPropOptions, type EventPropResult } from './eventprop.js';
