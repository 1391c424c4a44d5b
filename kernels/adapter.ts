/**
 * What kernels know of the adapter beyond device.limits: whether it is a
 * software one (matmul picks its path by it). requestDevice() records that for
 * every device it makes; other devices are judged by their adapterInfo.
 */
const softwareDevices = new WeakMap<GPUDevice, boolean>();

/** Records whether `device` runs on a software adapter (called by requestDevice). */
export function markSoftwareDevice(device: GPUDevice, software: boolean): void {
  softwareDevices.set(device, software);
}

/**
 * true / false for a device made by requestDevice(); otherwise what the device's
 * adapterInfo says where the runtime exposes it, else undefined.
 */
export function isSoftwareDevice(device: GPUDevice): boolean | undefined {
  const known = softwareDevices.get(device);
  if (known !== undefined) return known;
  const info = (device as GPUDevice & { adapterInfo?: GPUAdapterInfo & { isFallbackAdapter?: boolean } }).adapterInfo;
  if (!info || !(info.vendor || info.description || info.device)) return undefined;
  return info.isFallbackAdapter === true || /swiftshader|llvmpipe|lavapipe|software|warp/i.test(`${info.vendor} ${info.architecture} ${info.device} ${info.description}`);
}
