/**
 * Accounting of the GPU buffers a piece of work creates: `device.createBuffer`
 * is wrapped while `fn` runs, and each buffer's `destroy` is wrapped to take it
 * off the live total. Buffers created inside `untracked(...)` are not counted.
 */
export interface Allocations<T> {
  readonly result: T;
  /** the most bytes live at once */
  readonly peakBytes: number;
  /** bytes of every buffer created */
  readonly totalBytes: number;
  /** buffers created */
  readonly count: number;
  /** bytes created per buffer label, largest first */
  readonly buffers: { name: string; bytes: number }[];
}

export async function trackAllocations<T>(device: GPUDevice, fn: (untracked: <U>(f: () => Promise<U>) => Promise<U>) => Promise<T>): Promise<Allocations<T>> {
  const original = device.createBuffer;
  const sizes = new Map<string, number>();
  let live = 0;
  let peak = 0;
  let total = 0;
  let count = 0;
  let paused = false;
  const untracked = async <U>(f: () => Promise<U>): Promise<U> => {
    paused = true;
    try {
      return await f();
    } finally {
      paused = false;
    }
  };
  device.createBuffer = function (this: GPUDevice, desc: GPUBufferDescriptor) {
    const b = original.call(this, desc);
    if (paused) return b;
    const size = b.size;
    const name = desc.label || '(unlabelled)';
    sizes.set(name, (sizes.get(name) ?? 0) + size);
    total += size;
    count++;
    live += size;
    peak = Math.max(peak, live);
    const destroy = b.destroy.bind(b);
    let gone = false;
    b.destroy = () => {
      if (!gone) live -= size;
      gone = true;
      destroy();
    };
    return b;
  } as typeof device.createBuffer;
  try {
    const result = await fn(untracked);
    const buffers = [...sizes].map(([name, bytes]) => ({ name, bytes })).sort((a, b) => b.bytes - a.bytes);
    return { result, peakBytes: peak, totalBytes: total, count, buffers };
  } finally {
    device.createBuffer = original;
  }
}
