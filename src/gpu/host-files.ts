/**
 * The host's files and environment for the driver selection (src/gpu/vulkan-drivers.ts), in Node
 * and in Deno (which runs `node:fs` too). Deno: only where read and env permissions are granted
 * already, so that choosing a driver never prompts; otherwise undefined.
 */
import type { HostFiles } from './vulkan-drivers.js';

interface DenoPermissions {
  permissions?: { querySync?(d: { name: string }): { state: string } };
  env: { get(k: string): string | undefined; set(k: string, v: string): void; delete(k: string): void };
}

function deno(): DenoPermissions | undefined {
  return (globalThis as { Deno?: DenoPermissions }).Deno;
}

function denoGranted(name: 'read' | 'env'): boolean {
  try {
    return deno()?.permissions?.querySync?.({ name }).state === 'granted';
  } catch {
    return false;
  }
}

export interface Host extends HostFiles {
  setEnv(name: string, value: string): void;
  unsetEnv(name: string): void;
}

/** The host for this process, or undefined where its files cannot be read without asking. */
export async function currentHost(): Promise<Host | undefined> {
  const d = deno();
  if (d && !(denoGranted('read') && denoGranted('env'))) return undefined;
  const nodeFs = 'node:fs';
  const fs = (await import(/* @vite-ignore */ nodeFs)) as typeof import('node:fs');
  const env = d
    ? { get: (k: string) => d.env.get(k), set: (k: string, v: string) => d.env.set(k, v), unset: (k: string) => d.env.delete(k) }
    : { get: (k: string) => process.env[k], set: (k: string, v: string) => { process.env[k] = v; }, unset: (k: string) => { delete process.env[k]; } };
  return {
    exists: (p) => {
      try {
        return fs.existsSync(p);
      } catch {
        return false;
      }
    },
    readText: (p) => {
      try {
        return fs.readFileSync(p, 'latin1');
      } catch {
        return undefined;
      }
    },
    list: (dir) => {
      try {
        return fs.readdirSync(dir);
      } catch {
        return [];
      }
    },
    env: env.get,
    setEnv: env.set,
    unsetEnv: env.unset,
  };
}

/** Paths of the mapped files of this process whose name matches, read from /proc/self/maps (Linux). */
export function mappedLibraries(host: HostFiles, pattern: RegExp): string[] {
  const maps = host.readText('/proc/self/maps') ?? '';
  const paths = new Set<string>();
  for (const line of maps.split('\n')) {
    const path = line.slice(line.indexOf('/'));
    if (line.includes('/') && pattern.test(path)) paths.add(path.trim());
  }
  return [...paths];
}
