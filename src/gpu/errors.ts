/** Run `fn` inside validation + out-of-memory + internal error scopes; throw the first GPU error. */
export async function withErrorScope<T>(device: GPUDevice, what: string, fn: () => T | Promise<T>): Promise<T> {
  device.pushErrorScope('internal');
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let result: T;
  try {
    result = await fn();
  } finally {
    const errors = [await device.popErrorScope(), await device.popErrorScope(), await device.popErrorScope()].filter(Boolean);
    if (errors.length) {
      // eslint-disable-next-line no-unsafe-finally
      throw new Error(`GPU error in ${what}: ${errors.map((e) => `${e!.constructor.name}: ${e!.message}`).join('; ')}`);
    }
  }
  return result;
}
