#!/usr/bin/env node
// The webspike command line: runs the built CLI (dist/, made by `npm run build`; `npm ci` runs it).
import { existsSync } from 'node:fs';

const main = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('webspike: the built CLI (dist/src/cli/main.js) is missing; run `npm run build` in the webspike folder first\n');
  process.exit(1);
}
const cli = await import(main.href);
process.exit(await cli.main(process.argv.slice(2)));
