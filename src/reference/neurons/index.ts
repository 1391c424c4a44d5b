/** The float64 step of each neuron model by kind (src/neurons/registry.ts). */
import { neuronOfLayer, type LayerNeuron } from '../../neurons/registry.js';
import type { NetworkSpec } from '../../model/network.js';
import { alifReferenceStep } from './alif.js';
import { lifReferenceStep } from './lif.js';
import { qifReferenceStep } from './qif.js';
import type { ReferenceNeuronStep } from './step.js';

export type { ReferenceNeuronStep };

export function referenceStep(n: LayerNeuron): ReferenceNeuronStep {
  switch (n.kind) {
    case 'lif': return lifReferenceStep(n);
    case 'qif': return qifReferenceStep(n);
    case 'alif': return alifReferenceStep(n);
  }
}

/** The reference step of hidden layer l of `spec`. */
export const referenceStepOfLayer = (spec: NetworkSpec, l: number): ReferenceNeuronStep => referenceStep(neuronOfLayer(spec, l));
