import { afterAll, describe, expect } from 'vitest';
import { gpuTest, releaseSharedDevice } from './fixture.js';
import { createNetwork } from '../../src/layers/network.js';
import type { NetworkSpec } from '../../src/model/network.js';
import { lifParams } from '../../src/neurons/lif.js';
import { createRng } from '../../src/reference/random.js';
import { fastSigmoid } from '../../src/surrogates.js';

afterAll(releaseSharedDevice);

const spec: NetworkSpec = {
  inputs: 6, hidden: [{ size: 5, recurrent: true }, { size: 4, recurrent: false }], outputs: 3,
  neuron: lifParams(), surrogate: fastSigmoid(), readoutReduce: 'max',
};

describe('GpuNetwork.writeGradients', () => {
  gpuTest('puts host gradients, recurrent parts included, where readGradients finds them', async ({ device }) => {
    const net = createNetwork(device, spec, { seed: 1 });
    try {
      const rng = createRng(5);
      const random = (n: number) => Float64Array.from({ length: n }, () => rng.uniform(-1, 1));
      const v0 = random(5 * 5);
      const g = { hidden: [{ w: random(5 * 6), v: v0 }, { w: random(4 * 5) }], readout: random(3 * 4) };
      net.writeGradients(g);
      const back = await net.readGradients();
      expect(Array.from(back.hidden[0].w)).toEqual(Array.from(Float32Array.from(g.hidden[0].w)));
      expect(Array.from(back.hidden[0].v!)).toEqual(Array.from(Float32Array.from(v0)));
      expect(Array.from(back.hidden[1].w)).toEqual(Array.from(Float32Array.from(g.hidden[1].w)));
      expect(Array.from(back.readout)).toEqual(Array.from(Float32Array.from(g.readout)));
    } finally {
      net.destroy();
    }
  });

  gpuTest('names a missing recurrent part or a wrong length', async ({ device }) => {
    const net = createNetwork(device, spec, { seed: 1 });
    try {
      const z = (n: number) => new Float64Array(n);
      expect(() => net.writeGradients({ hidden: [{ w: z(30) }, { w: z(20) }], readout: z(12) })).toThrow(/hidden layer 0 lack a recurrent part/);
      expect(() => net.writeGradients({ hidden: [{ w: z(30), v: z(25) }, { w: z(19) }], readout: z(12) })).toThrow(/has 19 values, expected 20/);
      expect(() => net.writeGradients({ hidden: [{ w: z(30), v: z(25) }], readout: z(12) })).toThrow(/1 hidden layers, the network has 2/);
    } finally {
      net.destroy();
    }
  });
});
