/**
 * Quieter polling of dawn.node (Node's `webgpu` package).
 *
 * dawn.node resolves WebGPU promises (onSubmittedWorkDone, mapAsync, …) by polling the device
 * from a callback that reschedules itself with the global `setImmediate` for as long as any such
 * promise is pending, so one CPU thread spins at full speed while the GPU works. On a software
 * adapter the GPU's work runs on the same CPU cores, and that thread takes a core's share from it
 * (SwiftShader, 2 cores, a 784-512-10, T = 100, B = 256, p = 0.02 training step: 650–720 ms with
 * the loop spinning, 340–450 ms with it waiting 1 ms between polls; the Node thread's CPU time
 * per step 420–600 ms against 0–30 ms; paired against plain PyTorch, bench/step-ab.ts, the
 * ratio went from 0.89–0.92 to 1.09–1.38 without robustness checks).
 *
 * `throttleDawnPolling` makes that loop wait `intervalMs` between polls: while it is installed,
 * the global setImmediate hands dawn.node's callbacks (anonymous native functions taking no
 * arguments, which is what dawn.node passes) to a timer of `intervalMs` and every other callback
 * to the original setImmediate unchanged. A promise then resolves up to about `intervalMs`
 * later than it would have. Installs are counted (the first one's interval holds until the last
 * is undone); each returned function undoes one.
 * requestDevice() installs it for a software adapter in Node (DeviceOptions.throttlePolling).
 */
type Immediate = (callback: (...args: unknown[]) => void, ...args: unknown[]) => unknown;

let installs = 0;
let original: Immediate | undefined;
let interval = 1;

/** dawn.node's poll callback: an anonymous native function of no parameters */
function isDawnPoll(fn: unknown): fn is (...args: unknown[]) => void {
  return typeof fn === 'function' && fn.name === '' && fn.length === 0 && Function.prototype.toString.call(fn).includes('[native code]');
}

/** a value that Node's clearImmediate ignores (the poll's caller never clears it) */
const CLEARED = Object.freeze({ _destroyed: true });

export function throttleDawnPolling(intervalMs = 1): () => void {
  if (!(Number.isFinite(intervalMs) && intervalMs >= 0)) throw new RangeError(`polling interval must be a non-negative number of ms, got ${intervalMs}`);
  const g = globalThis as unknown as { setImmediate?: Immediate };
  if (typeof g.setImmediate !== 'function') return () => {};
  if (installs++ === 0) {
    original = g.setImmediate;
    interval = intervalMs;
    const keep = original;
    g.setImmediate = (callback, ...args) => {
      if (!isDawnPoll(callback)) return keep(callback, ...args);
      setTimeout(callback, interval, ...args);
      return CLEARED;
    };
  }
  let undone = false;
  return () => {
    if (undone) return;
    undone = true;
    if (--installs === 0 && original) {
      g.setImmediate = original;
      original = undefined;
    }
  };
}

/** whether the throttle is installed (tests) */
export function dawnPollingThrottled(): boolean {
  return installs > 0;
}
