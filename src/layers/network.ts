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

/** Gradients computed on the host (an exact method's float64 result), shaped as the weights. */
export interface HostGradients {
  readonly hidden: readonly { readonly w: ArrayLike<number>; readonly v?: ArrayLike<number> }[];
  readonly readout: ArrayLike<number>;
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
  /** puts host gradients into the gradient buffers, for the optimizer (float64 rounds to float32) */
  writeGradients(g: HostGradients): void;
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
    writeGradients(g) {
      const list = g.hidden.flatMap((layer, l) => {
        if (!!layer.v !== !!hidden[l]?.v) throw new Error(`gradients of hidden layer ${l} ${layer.v ? 'have' : 'lack'} a recurrent part the network ${layer.v ? 'lacks' : 'has'}`);
        return layer.v ? [layer.w, layer.v] : [layer.w];
      });
      list.push(g.readout);
      if (list.length !== params.length) throw new Error(`gradients for ${g.hidden.length} hidden layers, the network has ${hidden.length}`);
      list.forEach((a, k) => {
        if (a.length !== params[k].length) throw new Error(`gradient ${params[k].name} has ${a.length} values, expected ${params[k].length}`);
        device.queue.writeBuffer(params[k].grad, 0, Float32Array.from(a));
      });
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
