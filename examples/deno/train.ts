/**
 * Train a small spiking network on MNIST digits under Deno, through the package's public
 * entries ('webspike', 'webspike/node': the built JavaScript in dist/, made by `npm ci` or
 * `npm run build`).
 *
 *   deno run -A examples/deno/train.ts [options]
 *
 * Bare imports (`webspike`, `webgpu-utils`, the `mnist` digits) resolve through the project's
 * package.json and node_modules. WebGPU is Deno's built-in `navigator.gpu` (wgpu). Without a GPU,
 * on Linux, requestDevice() offers wgpu SwiftShader's Vulkan driver (Debian's `chromium` ships
 * it) and says so; `requestDevice({ softwareDriver: 'lavapipe' })` offers Mesa's lavapipe instead.
 *
 * Options (defaults in brackets): --hidden 128 --steps 25 --batch 64 --epochs 1
 * --lr 2e-3 --train-limit 2000 --test-limit 500 --seed 1 --encoder poisson
 * --surrogate fast-sigmoid --json (print one JSON line with the results last).
 */
import {
  DEFAULT_TRAIN_CONFIG,
  adamOptimizer,
  describeDevice,
  encoderByName,
  requestDevice,
  takeFirst,
  train,
  type TrainConfig,
} from 'webspike';
import { loadMnistDigits } from 'webspike/node';

declare const Deno: { args: string[]; exit(code: number): never };

const NUMERIC = new Set(['steps', 'batch', 'epochs', 'lr', 'train-limit', 'test-limit', 'seed', 'rate', 'slope']);
const STRING = new Set(['hidden', 'encoder', 'surrogate']);

function parseOptions(args: string[]): { nums: Map<string, number>; strs: Map<string, string>; json: boolean } {
  const nums = new Map<string, number>();
  const strs = new Map<string, string>();
  let json = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--json') {
      json = true;
      continue;
    }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new Error(`unexpected argument '${a}'`);
    const name = m[1];
    const value = m[2] ?? args[++i];
    if (value === undefined) throw new Error(`--${name} needs a value`);
    if (NUMERIC.has(name)) {
      const x = Number(value);
      if (!Number.isFinite(x)) throw new Error(`--${name} expects a number, got '${value}'`);
      nums.set(name, x);
    } else if (STRING.has(name)) {
      strs.set(name, value);
    } else {
      throw new Error(`unknown option --${name}`);
    }
  }
  return { nums, strs, json };
}

async function main(): Promise<void> {
  const { nums, strs, json } = parseOptions(Deno.args);
  const d = DEFAULT_TRAIN_CONFIG;
  const hidden = (strs.get('hidden') ?? '128').split(',').map((s) => {
    const n = Number(s);
    if (!(Number.isInteger(n) && n > 0)) throw new Error(`--hidden expects positive integers separated by commas, got '${s}'`);
    return n;
  });
  const encoderName = strs.get('encoder') ?? 'poisson';
  const config: TrainConfig = {
    ...d,
    hidden,
    steps: nums.get('steps') ?? d.steps,
    batchSize: nums.get('batch') ?? 64,
    epochs: nums.get('epochs') ?? 1,
    seed: nums.get('seed') ?? d.seed,
    encoder: encoderByName(encoderName, encoderName === 'poisson' ? nums.get('rate') : undefined),
    surrogate: { name: strs.get('surrogate') ?? 'fast-sigmoid', slope: nums.get('slope') ?? 10 },
    optimizer: adamOptimizer({ lr: nums.get('lr') ?? 2e-3 }),
  };

  const digits = await loadMnistDigits();
  const data = {
    train: takeFirst(digits.train, nums.get('train-limit') ?? 2000),
    test: takeFirst(digits.test, nums.get('test-limit') ?? 500),
  };

  const gpu = await requestDevice();
  try {
    console.log(`webspike on Deno: ${describeDevice(gpu)}`);
    console.log(
      `data: mnist digits ${data.train.count} train / ${data.test.count} test; network 784-${hidden.join('-')}-10, ` +
        `T=${config.steps}, batch ${config.batchSize}, ${config.epochs} epoch(s)`,
    );
    const result = await train(gpu, data, config, {
      onEpoch: (m) => {
        console.log(
          `epoch ${m.epoch}: loss ${m.loss.toFixed(4)}, train acc ${(100 * m.trainAccuracy).toFixed(2)}%, ` +
            `test acc ${(100 * m.testAccuracy).toFixed(2)}%, ${m.samplesPerSecond.toFixed(0)} samples/s`,
        );
      },
    });
    const last = result.metrics[result.metrics.length - 1];
    console.log(`test accuracy: ${(100 * last.testAccuracy).toFixed(2)}%`);
    if (json) {
      console.log(JSON.stringify({ runtime: gpu.runtime, adapter: describeDevice(gpu), testAccuracy: last.testAccuracy, samplesPerSecond: last.samplesPerSecond }));
    }
  } finally {
    gpu.destroy();
  }
}

try {
  await main();
} catch (err) {
  console.error(`webspike (deno): ${(err as Error).message}`);
  Deno.exit(1);
}
