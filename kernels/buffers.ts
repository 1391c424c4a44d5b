/** Storage buffers as kernels make them: labelled, checked against the adapter's binding limit. */

export const STORAGE = () => GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;

export function storageBuffer(device: GPUDevice, label: string, bytes: number): GPUBuffer {
  const max = device.limits.maxStorageBufferBindingSize;
  if (bytes > max) {
    throw new RangeError(`${label}: needs a ${(bytes / 2 ** 20).toFixed(1)} MiB storage buffer but the adapter allows at most ${(max / 2 ** 20).toFixed(1)} MiB; use a smaller batch or fewer steps`);
  }
  return device.createBuffer({ label, size: Math.max(16, Math.ceil(bytes / 4) * 4), usage: STORAGE() });
}
