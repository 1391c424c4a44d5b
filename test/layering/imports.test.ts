/**
 * The direction of the imports between the project's layers: kernels/ (one
 * WGSL shader and its host module per kernel) depends on nothing in src/, so
 * a kernel can be read, compiled and tested on its own; and production code
 * takes its types from model/ and methods/, not from the float64 reference,
 * which is the tests' oracle. The modules that still run the reference are
 * listed in REFERENCE_USERS with the reason; a new one fails this test.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** The module specifiers of every static or dynamic import and re-export in `file`. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g)) found.push(m[1]);
  return found;
}

/** production modules that still call into src/reference, and why */
const REFERENCE_USERS: Record<string, string> = {
  'src/compare/runner.ts': 'compare: the float64 gradients are one side of the comparison',
  'src/compare/event-runner.ts': 'compare: the float64 EventProp gradients are one side of the comparison',
  'src/compare/common.ts': 'compare: names parameters as the reference does (ParamRef)',
  'src/model/discretize.ts': 'runs the float64 event simulator and the discrete reference to measure discretisation error',
};

describe('layering', () => {
  it('production code imports src/reference only where REFERENCE_USERS says why', () => {
    const users = new Set<string>();
    for (const file of tsFiles(join(root, 'src'))) {
      const path = relative(root, file);
      if (path.startsWith('src/reference/')) continue;
      for (const spec of importsOf(file)) {
        if (spec.startsWith('.') && relative(root, resolve(join(file, '..'), spec)).startsWith('src/reference/')) users.add(path);
      }
    }
    expect([...users].sort()).toEqual(Object.keys(REFERENCE_USERS).sort());
  });

  it('kernels/ imports nothing from src/', () => {
    const offending: string[] = [];
    for (const file of tsFiles(join(root, 'kernels'))) {
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const target = relative(root, resolve(join(file, '..'), spec));
        if (target.startsWith('src/') || target === 'src') offending.push(`${relative(root, file)} → ${spec}`);
      }
    }
    expect(offending).toEqual([]);
  });

  it('the import scanner sees the imports it is meant to check', () => {
    // a scanner that finds nothing would pass the test above for any tree
    const imports = importsOf(join(root, 'kernels', 'linear', 'matmul.ts'));
    expect(imports).toContain('../adapter.js');
    expect(importsOf(join(root, 'src', 'gpu', 'buffers.ts'))).toContain('../../kernels/buffers.js');
  });
});
