/**
 * GPU timestamp profiles (where the adapter has 'timestamp-query'). Each profiled
 * kernel gets its own compute pass whose begin/end timestamps land in a query set.
 * Use: record a step with `pass(label)` timestampWrites, `resolve(encoder)` at its
 * end, submit, then `await read()` for milliseconds per label (summed over passes
 * with the same label). One profiled step at a time; read back only after a step.
 */
export interface Profiler {
  readonly enabled: boolean;
  pass(label: string): GPUComputePassTimestampWrites | undefined;
  resolve(encoder: GPUCommandEncoder): void;
  read(): Promise<Map<string, number>>;
  destroy(): void;
}

export function createProfiler(device: GPUDevice, maxPasses = 1024): Profiler {
  if (!device.features.has('timestamp-query')) {
    return { enabled: false, pass: () => undefined, resolve() {}, read: async () => new Map(), destroy() {} };
  }
  const querySet = device.createQuerySet({ label: 'profiler', type: 'timestamp', count: 2 * maxPasses });
  const resolveBuf = device.createBuffer({ label: 'profiler/resolve', size: 16 * maxPasses, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC });
  const readBuf = device.createBuffer({ label: 'profiler/read', size: 16 * maxPasses, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  let labels: string[] = [];
  let resolved: string[] = [];
  return {
    enabled: true,
    pass(label) {
      if (labels.length >= maxPasses) return undefined;
      const i = labels.length;
      labels.push(label);
      return { querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 };
    },
    resolve(encoder) {
      if (labels.length === 0) return;
      encoder.resolveQuerySet(querySet, 0, 2 * labels.length, resolveBuf, 0);
      encoder.copyBufferToBuffer(resolveBuf, 0, readBuf, 0, 16 * labels.length);
      resolved = labels;
      labels = [];
    },
    async read() {
      const out = new Map<string, number>();
      if (resolved.length === 0) return out;
      const bytes = 16 * resolved.length;
      await readBuf.mapAsync(GPUMapMode.READ, 0, bytes);
      const t = new BigUint64Array(readBuf.getMappedRange(0, bytes).slice(0));
      readBuf.unmap();
      resolved.forEach((label, i) => out.set(label, (out.get(label) ?? 0) + Number(t[2 * i + 1] - t[2 * i]) / 1e6));
      resolved = [];
      return out;
    },
    destroy() {
      querySet.destroy();
      resolveBuf.destroy();
      readBuf.destroy();
    },
  };
}
