/**
 * The package's entries mapped to their TypeScript sources, for the tools that run this
 * repository's examples and tests without a build (Vite, Vitest). tsc and tsx read the same
 * mapping from tsconfig.json's "paths". A consumer of the package gets dist/ through "exports".
 */
import { fileURLToPath } from 'node:url';

const ENTRIES: Record<string, string> = {
  webspike: 'src/index.ts',
  'webspike/node': 'src/node.ts',
  'webspike/reference': 'src/reference/index.ts',
  'webspike/compare': 'src/compare/index.ts',
};

export function sourceAliases(): { find: RegExp; replacement: string }[] {
  const root = fileURLToPath(new URL('..', import.meta.url));
  return Object.entries(ENTRIES).map(([name, file]) => ({ find: new RegExp(`^${name}$`), replacement: `${root}${file}` }));
}
