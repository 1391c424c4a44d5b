/**
 * The command line as tests run it: the TypeScript sources through tsx, so that a test never
 * runs a stale dist/. `node ...CLI_ARGS, 'train', …` is `webspike train …`. The built bin is
 * tested by test/package/package.test.ts.
 */
import { fileURLToPath } from 'node:url';

export const CLI_ARGS: readonly string[] = ['--import', 'tsx', fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url))];
