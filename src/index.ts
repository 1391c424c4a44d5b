/** webspike: spiking neural networks on WebGPU. Browser-safe entry (no node: imports). */
export { requestDevice, describeDevice, type WebspikeDevice, type DeviceOptions } from './gpu/device.js';
export { readF32, readU32 } from './gpu/buffers.js';
export { lifParams, type LifParams, type LifOptions, type ResetMode } from './neurons/lif.js';
export {
  fastSigmoid, triangle, exponential, arctan, sigmoidDerivative, gaussian, customSurrogate, surrogateByName,
  SURROGATE_NAMES, type Surrogate,
} from './surrogates.js';
export {
  initWeights, parameterShapes, validateWeights, type NetworkSpec, type NetworkWeights, type HiddenLayerSpec, type ReadoutReduce,
} from './model/network.js';
export { createNetwork, type GpuNetwork, type GpuParam } from './layers/network.js';
export { eventLifForward, SpikeCapacityError, type EventLifForwardOptions, type EventLifForwardResult } from './layers/event-lif-forward.js';
export { eventPropGradients, eventPropEvaluate, type EventPropEvaluation, type EventPropGpuOptions, type EventPropGpuResult, type GpuReadoutMaxima, type FirstSpikeLossOptions } from './methods/eventprop-gpu.js';
export type { GradientMethod, MethodRun, BatchShape, InputKind, InputFormat, StoredState, OnlineUpdates, InputWindows } from './methods/method.js';
export { packSpikeBits, spikeBitWords } from './methods/method.js';
export { bptt, resolvePropagation, type BpttOptions, type Propagation } from './methods/bptt.js';
export { rtrl } from './methods/rtrl.js';
export { eligibility, feedbackMatrices, LEARNING_SIGNALS, type EligibilityOptions, type EligibilityRun, type LearningSignal, type FeedbackMatrices } from './methods/eligibility.js';
export { methodByName, METHOD_NAMES } from './methods/by-name.js';
export { poisson, latency, encoderByName, encodeCpu, type EncoderSpec } from './encode/encoders.js';
export { adamOptimizer, sgdOptimizer, createOptimizer, type OptimizerSpec, type GpuOptimizer } from './optim/optimizer.js';
export { train, DEFAULT_TRAIN_CONFIG, NonFiniteGradientError, type TrainConfig, type EpochMetrics, type Progress } from './train/trainer.js';
export { trainSequences, evaluateSequences, type SequenceTrainOptions, type SequenceEpochMetrics } from './train/sequences.js';
export { serializeCheckpoint, parseCheckpoint, CheckpointError, type Checkpoint } from './train/checkpoint.js';
export { computeGradients, parseBatch, type SpikeBatch, type GradientReport } from './cli/grad.js';
export * from './data/index.js';
export { referenceForward, referenceBackward } from './reference/lif-network.js';
export { referenceRtrl, referenceEligibility, readoutResponse } from './reference/forward-mode.js';
// float64 event-driven continuous-time LIF and EventProp (the spec for the event-exact GPU methods)
export {
  eventForward as referenceEventForward, readoutMaxima, nextCrossing, validateEventSpec,
  type EventLifSpec, type EventOutputKind, type InputSpike, type EventSpike, type EventForwardResult, type EventForwardOptions,
  type ReadoutMaxima, type ReadoutMaxKind, type CrossingSolver,
} from './reference/event-lif.js';
export { eventProp as referenceEventProp, eventPropBackward as referenceEventPropBackward, eventLoss, type EventLoss, type EventLossValue, type EventPropOptions, type EventPropResult } from './reference/eventprop.js';
// comparisons of gradient methods (runComparison; report.json / report.html writers: src/compare/files.ts, Node)
export { runComparison, MEANING as COMPARE_MEANING, type CompareOptions, type CompareReport, type MethodChoice, type MethodResult, type ProbeRecord, type StepTiming, type SweepPoint } from './compare/runner.js';
export { gradientFidelity, cosineSimilarity, relativeError, type Fidelity, type FidelityEntry } from './compare/metrics.js';
export { reportHtml, reportCharts, lineChartSvg, parseEmbeddedReport, type Chart } from './compare/report.js';
export { networkConvergence, eventNetworkConvergence, type ConvergenceSection } from './compare/convergence.js';
// surrogate BPTT (discretised network) against EventProp (continuous network) on spike-time data
export { runEventComparison, MEANING_EVENT as COMPARE_EVENT_MEANING, EVENT_METHODS, type EventCompareOptions, type EventMethodName } from './compare/event-runner.js';
export { trainDiscretized, discretizeNetwork, discreteBatchInput, discreteOptimizer, type DiscretizedTrainOptions, type DiscretizedTrainResult } from './train/discretized-trainer.js';
// the discrete model as a discretisation of the continuous-time one (Δt → 0)
export { discretize, continuousTwin, driveFactor, inputStep, discreteInput, discreteSpikes, matchSpikes, convergence, type DiscreteModel, type ConvergencePoint, type SpikeMatch } from './model/discretize.js';
