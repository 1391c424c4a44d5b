/**
 * The npm package as a user gets it: `npm pack`, then `npm install ./webspike-*.tgz` into an empty
 * folder, then every way in: plain Node 20 `import('webspike')` (no TypeScript loader), the bin
 * (`npx webspike info`, a short `train`), Deno without --sloppy-imports, a strict TypeScript
 * consumer against the shipped .d.ts files, and a Vite browser build. Also runs the repository's
 * Deno example against the built entries.
 *
 * Slow (a build, a pack, an install from npm's cache), so everything shares one install.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

let work: string; // temporary folder: the tarball and the consumer project
let consumer: string;
let tarball: string;

interface Ran { code: number | null; stdout: string; stderr: string }

function run(cmd: string, args: string[], cwd: string, timeoutMs = 120_000, env: NodeJS.ProcessEnv = process.env): Promise<Ran> {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { cwd, env: { ...env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b) => (stdout += b));
    child.stderr.on('data', (b) => (stderr += b));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', rej);
    child.on('close', (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr });
    });
  });
}

/** The Deno executable of the `deno` devDependency (its platform package holds the binary). */
function denoBinary(): string {
  const candidates = [
    join(ROOT, `node_modules/@deno/${process.platform}-${process.arch}-glibc/deno`),
    join(ROOT, `node_modules/@deno/${process.platform}-${process.arch}/deno`),
    join(ROOT, 'node_modules/deno/deno'),
  ];
  const found = candidates.find((c) => existsSync(c) && spawnSync(c, ['--version'], { timeout: 30_000 }).status === 0);
  if (!found) throw new Error(`no runnable Deno binary among ${candidates.join(', ')} (npm ci installs the \`deno\` devDependency)`);
  return found;
}

beforeAll(async () => {
  const built = await run(NPM, ['run', '--silent', 'build'], ROOT, 180_000);
  if (built.code !== 0) throw new Error(`npm run build failed:\n${built.stdout}\n${built.stderr}`);
  work = mkdtempSync(join(tmpdir(), 'webspike-pack-'));
  // --ignore-scripts: the build above is the one `prepare` would run
  const packed = await run(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT, 120_000);
  if (packed.code !== 0) throw new Error(`npm pack failed:\n${packed.stderr}`);
  const [info] = JSON.parse(packed.stdout) as { filename: string }[];
  tarball = join(work, info.filename);
  consumer = join(work, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  const installed = await run(NPM, ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], consumer, 240_000);
  if (installed.code !== 0) throw new Error(`npm install of the tarball failed:\n${installed.stdout}\n${installed.stderr}`);
}, 600_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed npm package', () => {
  it('holds built JavaScript, declarations and the bin, and no TypeScript sources', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
    expect(files).toContain('package/bin/webspike.js');
    expect(files).toContain('package/dist/src/index.js');
    expect(files).toContain('package/dist/src/index.d.ts');
    expect(files).toContain('package/README.md');
    expect(files.filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    expect(files.filter((f) => /^package\/(test|bench|examples|scripts|shaders)\//.test(f))).toEqual([]);
    const pkg = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })) as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies)).not.toContain('tsx');
  });

  it('imports on plain Node 20 with no loader, every entry', async () => {
    const script = `
      const m = await import('webspike');
      const n = await import('webspike/node');
      const r = await import('webspike/reference');
      const c = await import('webspike/compare');
      console.log(JSON.stringify({
        main: [typeof m.requestDevice, typeof m.createNetwork, typeof m.bptt, typeof m.train],
        node: [typeof n.loadMnistDigits, typeof n.requestDevice],
        reference: typeof r.referenceForward, compare: typeof c.runComparison,
        internals: ['computeGradients', 'parseBatch', 'referenceForward'].filter((k) => k in m),
      }));`;
    const r = await run(process.execPath, ['--input-type=module', '-e', script], consumer);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      main: ['function', 'function', 'function', 'function'], node: ['function', 'function'],
      reference: 'function', compare: 'function', internals: [],
    });
  });

  it('runs `npx webspike info` and trains one short epoch with `npx webspike train`', async () => {
    const info = await run(NPM, ['exec', '--', 'webspike', 'info'], consumer);
    expect(info.code, info.stderr).toBe(0);
    expect(info.stdout).toMatch(/^webspike 0\.\d+\.\d+ on node/);
    expect(info.stdout).toMatch(/^driver: /m);
    const trained = await run(NPM, ['exec', '--', 'webspike', 'train', '--epochs', '1', '--hidden', '64', '--train-limit', '1024', '--test-limit', '256', '--quiet'], consumer, 180_000);
    expect(trained.code, trained.stderr).toBe(0);
    const acc = /test acc ([\d.]+)%/.exec(trained.stderr);
    expect(acc, trained.stderr).not.toBeNull();
    expect(Number(acc![1])).toBeGreaterThan(40); // chance is 10 %
  }, 240_000);

  it('imports in Deno without --sloppy-imports and finds an adapter', async () => {
    writeFileSync(join(consumer, 'deno-consumer.ts'), `
      import { requestDevice, describeDevice, createNetwork, lifParams, fastSigmoid } from 'webspike';
      import { IDX_FILES } from 'webspike/node';
      const gpu = await requestDevice({ log: () => {} });
      const net = createNetwork(gpu.device, { inputs: 4, hidden: [{ size: 3, recurrent: false }], outputs: 2,
        neuron: lifParams({}), surrogate: fastSigmoid({ slope: 10 }), readoutReduce: 'mean' }, { seed: 1 });
      console.log(describeDevice(gpu), gpu.driver.name, Object.keys(IDX_FILES).length > 0);
      net.destroy(); gpu.destroy();`);
    const r = await run(denoBinary(), ['run', '-A', 'deno-consumer.ts'], consumer);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/on deno \S+ true/);
  });

  it('type-checks a strict TypeScript consumer against the shipped declarations', async () => {
    writeFileSync(join(consumer, 'consumer.ts'), `
      import { requestDevice, bptt, type NetworkSpec, type WebspikeDevice } from 'webspike';
      import { loadMnistDigits } from 'webspike/node';
      export async function start(): Promise<WebspikeDevice> { return requestDevice({ software: 'auto' }); }
      export const method = bptt();
      export const size: NetworkSpec['inputs'] = 784;
      export const load = loadMnistDigits;
      // @ts-expect-error the declarations are real: a string is not a NetworkSpec's input count
      export const wrong: NetworkSpec['inputs'] = 'many';
    `);
    writeFileSync(join(consumer, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: [], lib: ['ES2022', 'DOM'] },
      files: ['consumer.ts'],
    }));
    const r = await run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], consumer);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
  });

  it('bundles for the browser with Vite', async () => {
    const app = join(consumer, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'index.html'), '<!doctype html><script type="module" src="./main.js"></script>');
    writeFileSync(join(app, 'main.js'), "import { requestDevice, bptt } from 'webspike';\nrequestDevice().then((g) => console.log(g.adapter, bptt().name));\n");
    const r = await run(process.execPath, [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn', '--outDir', 'dist', app], consumer);
    expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    const assets = readdirSync(join(app, 'dist/assets')).filter((f) => f.endsWith('.js'));
    expect(assets.length).toBeGreaterThan(0);
  });
});

describe('examples/deno/train.ts on the built entries', () => {
  it('trains MNIST digits above chance under Deno', async () => {
    const xdg = mkdtempSync(join(tmpdir(), 'webspike-deno-'));
    try {
      const args = ['run', '-A', 'examples/deno/train.ts', '--hidden', '64', '--batch', '32', '--epochs', '1', '--train-limit', '1024', '--test-limit', '256', '--json'];
      const r = await run(denoBinary(), args, ROOT, 110_000, { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? xdg });
      const out = `${r.stdout}\n${r.stderr}`;
      expect(r.code, out).toBe(0);
      expect(r.stdout).toMatch(/on deno/);
      const m = /test accuracy: ([\d.]+)%/.exec(r.stdout);
      expect(m, out).not.toBeNull();
      const last = JSON.parse(r.stdout.trim().split('\n').pop() as string) as { runtime: string; testAccuracy: number };
      expect(last.runtime).toBe('deno');
      // chance is 10 %; this configuration reaches about 70 %
      expect(last.testAccuracy, out).toBeGreaterThan(0.3);
      expect(Number(m![1]) / 100).toBeCloseTo(last.testAccuracy, 3);
    } finally {
      rmSync(xdg, { recursive: true, force: true });
    }
  }, 120_000);
});
