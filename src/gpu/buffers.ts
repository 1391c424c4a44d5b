/** Buffer helpers: creation with labels, uploads, and readback (never inside the time loop). */

import { STORAGE, storageBuffer } from '../../kernels/buffers.js';

export { STORAGE, storageBuffer };

export function uploadBuffer(device: GPUDevice, label: string, data: Float32Array | Uint32Array): GPUBuffer {
  const buffer = storageBuffer(device, label, data.byteLength);
  device.queue.writeBuffer(buffer, 0, data.buffer, data.byteOffset, data.byteLength);
  return buffer;
}

/** Pack u8 values 4 per u32 (little-endian), as the encoders read them. */
export function packBytes(bytes: Uint8Array): Uint32Array {
  const out = new Uint32Array(Math.ceil(bytes.length / 4));
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

async function readRaw(device: GPUDevice, buffer: GPUBuffer, bytes: number, offset = 0): Promise<ArrayBuffer> {
  const staging = device.createBuffer({ label: `${buffer.label}/readback`, size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const enc = device.createCommandEncoder({ label: 'readback' });
  enc.copyBufferToBuffer(buffer, offset, staging, 0, bytes);
  device.queue.submit([enc.finish()]);
  try {
    await staging.mapAsync(GPUMapMode.READ);
  } catch (err) {
    staging.destroy();
    throw new Error(`reading ${buffer.label} back failed (device lost?): ${(err as Error).message}`);
  }
  const copy = staging.getMappedRange().slice(0);
  staging.unmap();
  staging.destroy();
  return copy;
}

export async function readF32(device: GPUDevice, buffer: GPUBuffer, length?: number, offsetElements = 0): Promise<Float32Array> {
  const n = length ?? (buffer.size / 4 - offsetElements);
  return new Float32Array(await readRaw(device, buffer, n * 4, offsetElements * 4));
}

export async function readU32(device: GPUDevice, buffer: GPUBuffer, length?: number, offsetElements = 0): Promise<Uint32Array> {
  const n = length ?? (buffer.size / 4 - offsetElements);
  return new Uint32Array(await readRaw(device, buffer, n * 4, offsetElements * 4));
}
