/**
 * The library under Deno: runs examples/deno/train.ts with the `deno` npm
 * package's binary on a small MNIST-digits configuration and checks that the
 * printed test accuracy is well above chance. `deno` is a devDependency, so a
 * missing or broken binary fails the test with what was tried.
 */
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

/** The Deno executable: the npm package's binary (or its platform package's), run directly. */
function findDeno(): { cmd: string; args: string[] } | { missing: string } {
  const candidates = [
    join(root, 'node_modules/deno', process.platform === 'win32' ? 'deno.exe' : 'deno'),
    join(root, `node_modules/@deno/${process.platform}-${process.arch}-glibc/deno`),
    join(root, `node_modules/@deno/${process.platform}-${process.arch}/deno`),
  ];
  const tried: string[] = [];
  for (const c of candidates) {
    if (!existsSync(c)) continue;
    const r = spawnSync(c, ['--version'], { encoding: 'utf8', timeout: 30_000 });
    if (r.status === 0 && /^deno \d+/.test(r.stdout)) return { cmd: c, args: [] };
    tried.push(`${c}: ${r.error?.message ?? (r.stderr || `exit ${r.status}`).trim()}`);
  }
  // the package's launcher, which installs the binary on first use when npm skipped the postinstall
  const launcher = join(root, 'node_modules/deno/bin.cjs');
  if (existsSync(launcher)) {
    const r = spawnSync(process.execPath, [launcher, '--version'], { encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0 && /^deno \d+/.test(r.stdout)) return { cmd: process.execPath, args: [launcher] };
    tried.push(`${launcher}: ${(r.stderr || r.error?.message || `exit ${r.status}`).trim()}`);
  } else {
    tried.push('node_modules/deno is not installed (npm ci installs the `deno` devDependency)');
  }
  return { missing: `no runnable Deno binary (${tried.join('; ')})` };
}

const deno = findDeno();

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
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

describe('Deno runtime', () => {
  it('trains MNIST digits with examples/deno/train.ts above chance', async () => {
    if ('missing' in deno) throw new Error(`Deno cannot run here: ${deno.missing}`);
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    // Without a GPU, requestDevice() offers SwiftShader's Vulkan ICD to wgpu by itself (VK_ADD_DRIVER_FILES);
    // a private XDG_RUNTIME_DIR silences wgpu's EGL probe.
    const xdg = mkdtempSync(join(tmpdir(), 'webspike-deno-'));
    env.XDG_RUNTIME_DIR ??= xdg;
    try {
      const args = [
        ...deno.args, 'run', '-A', '--sloppy-imports', 'examples/deno/train.ts',
        '--hidden', '64', '--batch', '32', '--epochs', '1', '--train-limit', '1024', '--test-limit', '256', '--json',
      ];
      const r = await run(deno.cmd, args, env, 110_000);
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
