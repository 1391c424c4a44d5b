/**
 * Before any work starts: every file a command will write is checked against
 * every file it reads and against the other outputs, and its folder must exist
 * and be writable. A clash is refused naming both options, so that no run can
 * replace its own model, data or report with something else.
 */
import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** option name (e.g. '--checkpoint') → path, undefined where the option is not given */
export type PathOptions = Readonly<Record<string, string | undefined>>;

export class OutputPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutputPathError';
  }
}

/** The same file for two spellings of it: symbolic links and relative parts resolved. */
function canonical(path: string): string {
  const abs = resolve(path);
  try {
    return realpathSync(abs);
  } catch {
    // not there yet: resolve its folder, which must exist
    try {
      return resolve(realpathSync(dirname(abs)), abs.slice(dirname(abs).length + 1));
    } catch {
      return abs;
    }
  }
}

function checkWritable(option: string, path: string): void {
  const dir = dirname(resolve(path));
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new OutputPathError(`${option} ${path}: the folder ${dir} does not exist`);
  }
  if (!isDir) throw new OutputPathError(`${option} ${path}: ${dir} is not a folder`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new OutputPathError(`${option} ${path}: the folder ${dir} is not writable`);
  }
  try {
    if (statSync(path).isDirectory()) throw new OutputPathError(`${option} ${path}: is a folder, not a file`);
  } catch (e) {
    if (e instanceof OutputPathError) throw e;
  }
}

/**
 * Throws an OutputPathError unless every output is writable, differs from every
 * input and from every other output. `sameAllowed` lists [output, input] option
 * pairs that may name one file (a checkpoint updated in place by --resume).
 */
export function checkOutputPaths(inputs: PathOptions, outputs: PathOptions, sameAllowed: readonly [string, string][] = []): void {
  const given = (o: PathOptions) => Object.entries(o).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '');
  const ins = given(inputs).map(([opt, p]) => [opt, p, canonical(p)] as const);
  const outs = given(outputs).map(([opt, p]) => [opt, p, canonical(p)] as const);
  for (const [opt, p] of outs) checkWritable(opt, p);
  outs.forEach(([opt, p, c], i) => {
    for (const [inOpt, inPath, inC] of ins) {
      if (c === inC && !sameAllowed.some(([o, x]) => o === opt && x === inOpt)) {
        throw new OutputPathError(`${opt} ${p} is the same file as ${inOpt} ${inPath}: writing it would destroy that input; choose another path`);
      }
    }
    for (const [otherOpt, otherPath, otherC] of outs.slice(i + 1)) {
      if (c === otherC) throw new OutputPathError(`${opt} ${p} and ${otherOpt} ${otherPath} are the same file: one output would replace the other; choose two paths`);
    }
  });
}

/** --data when it names a file (not a data set name or a folder), to check outputs against. */
export function dataFile(data: string | undefined): string | undefined {
  if (!data) return undefined;
  try {
    return statSync(data).isFile() ? data : undefined;
  } catch {
    return undefined;
  }
}
