/** The version in the package.json beside the sources (or the built files), for `info` and `--version`. */
export async function packageVersion(): Promise<string> {
  try {
    const nodeFs = 'node:fs';
    const fs = (await import(/* @vite-ignore */ nodeFs)) as typeof import('node:fs');
    // src/cli/ in a checkout, dist/src/cli/ in the package
    for (const up of ['../../package.json', '../../../package.json']) {
      const url = new URL(up, import.meta.url);
      if (!fs.existsSync(url)) continue;
      const pkg = JSON.parse(fs.readFileSync(url, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'webspike' && pkg.version) return pkg.version;
    }
  } catch {
    // not readable here (a browser bundle)
  }
  return 'unknown';
}
