/// <reference types="@webgpu/types" preserve="true" />
/**
 * Comparisons of gradient methods on one network: training under matched settings, gradient
 * fidelity against exact gradients and finite differences, and the report (JSON, HTML, charts).
 * The report files are written by 'webspike/node' (writeReport, renderPngs).
 */
export { runComparison, MEANING as COMPARE_MEANING, type CompareOptions, type CompareReport, type MethodChoice, type MethodResult, type ProbeRecord, type StepTiming, type SweepPoint } from './runner.js';
export { gradientFidelity, cosineSimilarity, relativeError, type Fidelity, type FidelityEntry } from './metrics.js';
export { reportHtml, reportCharts, lineChartSvg, parseEmbeddedReport, type Chart } from './report.js';
export { networkConvergence, eventNetworkConvergence, type ConvergenceSection } from './convergence.js';
// surrogate BPTT (discretised network) against EventProp (continuous network) on spike-time data
export { runEventComparison, MEANING_EVENT as COMPARE_EVENT_MEANING, EVENT_METHODS, type EventCompareOptions, type EventMethodName } from './event-runner.js';
export { trainDiscretized, discretizeNetwork, discreteBatchInput, discreteOptimizer, type DiscretizedTrainOptions, type DiscretizedTrainResult } from '../train/discretized-trainer.js';
// the discrete model as a discretisation of the continuous-time one (Δt → 0)
export { discretize, continuousTwin, driveFactor, inputStep, discreteInput, discreteSpikes, matchSpikes, convergence, type DiscreteModel, type ConvergencePoint, type SpikeMatch } from '../model/discretize.js';
