/// <reference types="@webgpu/types" preserve="true" />
/**
 * webspike: spiking neural networks on WebGPU. The browser-safe entry (no node: imports):
 * devices, networks, gradient methods, encoders, optimizers, the training loops, checkpoints and
 * in-memory data. Node and Deno file loaders: 'webspike/node'. The float64 reference that every
 * kernel is tested against: 'webspike/reference'. Method comparisons and reports: 'webspike/compare'.
 */
export { requestDevice, describeDevice, type WebspikeDevice, type DeviceOptions, type DriverSummary, type AdapterSummary } from './gpu/device.js';
export { readF32, readU32 } from './gpu/buffers.js';
export { lifParams, type LifParams, type LifOptions, type ResetMode } from './neurons/lif.js';
export { NEURON_KINDS, layerNeuron, neuronModel, type NeuronKind, type LayerNeuron } from './neurons/registry.js';
export {
  fastSigmoid, triangle, exponential, arctan, sigmoidDerivative, gaussian, customSurrogate, surrogateByName,
  SURROGATE_NAMES, type Surrogate,
} from './surrogates.js';
export {
  initWeights, parameterShapes, validateWeights, type NetworkSpec, type NetworkWeights, type HiddenLayerSpec, type ReadoutReduce,
} from './model/network.js';
export { createNetwork, type GpuNetwork, type GpuParam } from './layers/network.js';
export type { GradientMethod, MethodRun, BatchShape, InputKind, InputFormat, StoredState, OnlineUpdates, InputWindows } from './methods/method.js';
export { packSpikeBits, spikeBitWords } from './methods/method.js';
export { bptt, type BpttOptions, type Propagation } from './methods/bptt.js';
export { rtrl } from './methods/rtrl.js';
export { eligibility, feedbackMatrices, LEARNING_SIGNALS, type EligibilityOptions, type EligibilityRun, type LearningSignal, type FeedbackMatrices } from './methods/eligibility.js';
export { methodByName, methodEntry, isEventMethod, METHODS, METHOD_NAMES, DISCRETE_METHOD_NAMES, DEFAULT_METHOD, EVENT_METHOD, type MethodEntry, type MethodOptionSpec, type MethodByNameOptions } from './methods/registry.js';
// EventProp: exact gradients of the continuous-time LIF network from its spike times
export { eventLifForward, SpikeCapacityError, type EventLifForwardOptions, type EventLifForwardResult } from './layers/event-lif-forward.js';
export { eventPropGradients, eventPropEvaluate, type EventPropEvaluation, type EventPropGpuOptions, type EventPropGpuResult, type GpuReadoutMaxima, type FirstSpikeLossOptions } from './methods/eventprop-gpu.js';
export {
  trainEvents, EVENTPROP_MNIST_CONFIG, EVENTPROP_YINYANG_CONFIG,
  type EventTrainConfig, type EventTrainOptions, type EventTrainResult, type EventEpochMetrics, type FirstSpikeLoss,
} from './train/event-trainer.js';
export { latencyImages, yinYangEvents, type EventDataset } from './train/event-data.js';
export type { EpochDiagnostics } from './train/event-diagnostics.js';
export { CollapseWatch, type CollapseWatchOptions } from './train/collapse-watch.js';
export type { SilentLabelRule } from './model/event-network.js';
export { validateEventSpec, type EventLifSpec, type EventOutputKind, type InputSpike, type EventSpike } from './model/event-network.js';
export { poisson, latency, encoderByName, encodeCpu, type EncoderSpec } from './encode/encoders.js';
export { encoderSeed } from './encode/rng.js';
export { adamOptimizer, sgdOptimizer, createOptimizer, type OptimizerSpec, type GpuOptimizer } from './optim/optimizer.js';
export { train, specFromConfig, DEFAULT_TRAIN_CONFIG, NonFiniteGradientError, type TrainConfig, type EpochMetrics, type Progress } from './train/trainer.js';
export { DivergenceError, DEFAULT_DIVERGENCE_LIMITS, type DivergenceLimits } from './train/divergence.js';
export { trainSequences, evaluateSequences, type SequenceTrainOptions, type SequenceEpochMetrics } from './train/sequences.js';
export { serializeCheckpoint, parseCheckpoint, CheckpointError, type Checkpoint } from './train/checkpoint.js';
export * from './data/index.js';
