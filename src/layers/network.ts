/**
 * A network's parameters on the GPU: weights and gradient buffers for each
 * parameter of `parameterShapes(spec)`. Activations belong to the gradient
 * method that runs the network (src/methods), not to the network.
 */
import { readF32, storageBuffer } from '../gpu/buffers.js';
import {
  initWeights, parameterShapes, validateSpec, validateWeights, weightList, weightsFromList,
  type InitOptions, type NetworkSpec, type NetworkWeights,
} from '../model/network.js';

export interface GpuParam {
  readonly name: string;
  readonly shape: readonly [number, number];
  readonly length: number;
  readonly weights: GPUBuffer;
  readonly grad: GPUBuffer;
}

export interface GpuNetwork {
  readonly spec: NetworkSpec;
  readonly device: GPUDevice;
  readonly params: readonly GpuParam[];
  readonly hidden: readonly { w: GpuParam; v?: GpuParam }[];
  readonly readout: GpuParam;
  readWeights(): Promise<NetworkWeights>;
  readGradients(): Promise<NetworkWeights>;
  writeWeights(w: NetworkWeights): void;
  destroy(): void;
}

export function createNetwork(device: GPUDevice, spec: NetworkSpec, weights?: NetworkWeights | InitOptions): GpuNetwork {
  validateSpec(spec);
  const shapes = parameterShapes(spec);
  const params: GpuParam[] = shapes.map(({ name, shape }) => {
    const length = shape[0] * shape[1];
    return {
      name, shape, length,
      weights: storageBuffer(device, `param/${name}`, length * 4),
      grad: storageBuffer(device, `grad/${name}`, length * 4),
    };
  });
  let i = 0;
  const hidden = spec.hidden.map((layer) => {
    const w = params[i++];
    const v = layer.recurrent ? params[i++] : undefined;
    return v ? { w, v } : { w };
  });
  const readout = params[i++];
  const readAll = async (pick: (p: GpuParam) => GPUBuffer) =>
    weightsFromList(spec, await Promise.all(params.map((p) => readF32(device, pick(p), p.length))));
  const net: GpuNetwork = {
    spec, device, params, hidden, readout,
    readWeights: () => readAll((p) => p.weights),
    readGradients: () => readAll((p) => p.grad),
    writeWeights(w) {
      validateWeights(spec, w);
      weightList(spec, w).forEach((a, k) => device.queue.writeBuffer(params[k].weights, 0, a.buffer, a.byteOffset, a.byteLength));
    },
    destroy() {
      for (const p of params) {
        p.weights.destroy();
        p.grad.destroy();
      }
    },
  };
  const initial = weights && 'readout' in weights ? (weights as NetworkWeights) : initWeights(spec, weights as InitOptions | undefined);
  net.writeWeights(initial);
  return net;
}
