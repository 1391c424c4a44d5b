/**
 * Every gradient method by name: the one place that knows the names, what
 * network each trains, and the options each declares. The command line, the
 * comparison and the browser app list and build methods through it.
 *
 * A 'discrete' method is a GradientMethod on the discrete-time network (the
 * training loop of src/train/trainer.ts); 'event' (EventProp) trains the
 * continuous-time network on spike times with its own trainer
 * (src/train/event-trainer.ts) and options (src/cli/train-event.ts).
 */
import { bptt } from './bptt.js';
import { PROPAGATION_NAMES } from './bptt-propagation.js';
import { eligibility, LEARNING_SIGNALS, type LearningSignal } from './eligibility.js';
import type { GradientMethod } from './method.js';
import { rtrl } from './rtrl.js';

export { PROPAGATION_NAMES } from './bptt-propagation.js';

/** The method options that names and flags can set. */
export interface MethodByNameOptions {
  /** eligibility: learning signal */
  signal?: string;
  /** eligibility: online updates every k steps */
  updateEvery?: number;
  /** bptt: how spikes propagate (BpttOptions.propagation): auto, fused, adaptive, event or dense */
  propagation?: string;
}

/** An option a method declares: its command-line flag, its key in MethodByNameOptions, its help. */
export interface MethodOptionSpec {
  readonly flag: string;
  readonly key: keyof MethodByNameOptions;
  readonly help: string;
  /** what the value is, for messages ('learning signal') */
  readonly label: string;
  /** the values a string option takes */
  readonly choices?: readonly string[];
}

export interface MethodEntry {
  readonly name: string;
  /** one line for listings and help */
  readonly summary: string;
  readonly network: 'discrete' | 'event';
  readonly options: readonly MethodOptionSpec[];
  /** a discrete method with options `o` (already checked against `options`) */
  build?(o: MethodByNameOptions): GradientMethod;
}

const BPTT: MethodEntry = {
  name: 'bptt',
  summary: 'surrogate BPTT',
  network: 'discrete',
  options: [{
    flag: 'propagation', key: 'propagation', label: 'propagation', choices: PROPAGATION_NAMES,
    help: 'bptt: fused time scans, event-driven or dense spike products, or chosen by measured activity [auto]',
  }],
  build: (o) => bptt(o.propagation === undefined ? {} : { propagation: o.propagation as (typeof PROPAGATION_NAMES)[number] }),
};

const RTRL: MethodEntry = { name: 'rtrl', summary: 'exact forward mode (small networks)', network: 'discrete', options: [], build: () => rtrl() };

const ELIGIBILITY: MethodEntry = {
  name: 'eligibility',
  summary: 'eligibility traces (e-prop)',
  network: 'discrete',
  options: [
    { flag: 'signal', key: 'signal', label: 'learning signal', choices: LEARNING_SIGNALS, help: `eligibility learning signal: ${LEARNING_SIGNALS.join(', ')} [symmetric]` },
    { flag: 'update-every', key: 'updateEvery', label: 'online update interval', help: 'eligibility: update the weights every k steps (online)' },
  ],
  build: (o) => eligibility({ signal: o.signal as LearningSignal | undefined, updateEvery: o.updateEvery }),
};

const EVENTPROP: MethodEntry = { name: 'eventprop', summary: 'EventProp (exact, continuous time)', network: 'event', options: [] };

export const METHODS: readonly MethodEntry[] = [BPTT, RTRL, ELIGIBILITY, EVENTPROP];
export const METHOD_NAMES = METHODS.map((m) => m.name);
/** the methods on the discrete-time network (GradientMethods) */
export const DISCRETE_METHOD_NAMES = METHODS.filter((m) => m.network === 'discrete').map((m) => m.name);
export type MethodName = 'bptt' | 'rtrl' | 'eligibility' | 'eventprop';
/** the method of `webspike train` and `grad` without --method */
export const DEFAULT_METHOD = 'bptt' satisfies MethodName;
/** the method on the continuous-time event network */
export const EVENT_METHOD = 'eventprop' satisfies MethodName;

export function methodEntry(name: string): MethodEntry {
  const entry = METHODS.find((m) => m.name === name);
  if (!entry) throw new Error(`unknown gradient method '${name}' (available: ${METHOD_NAMES.join(', ')})`);
  return entry;
}

/** Whether `name` is the method of the continuous-time event network (its own trainer and options). */
export function isEventMethod(name: string | undefined): boolean {
  return name !== undefined && METHODS.some((m) => m.name === name && m.network === 'event');
}

/** Refuses options that `name` does not declare, naming the methods that do, and values outside an option's choices. */
export function checkMethodOptions(name: string, o: MethodByNameOptions): void {
  const entry = methodEntry(name);
  for (const key of Object.keys(o) as (keyof MethodByNameOptions)[]) {
    const value = o[key];
    if (value === undefined) continue;
    const own = entry.options.find((x) => x.key === key);
    if (!own) {
      const owners = METHODS.filter((m) => m.options.some((x) => x.key === key));
      const flag = owners[0]?.options.find((x) => x.key === key)?.flag ?? key;
      throw new Error(`--${flag} applies to --method ${owners.map((m) => m.name).join(' or ')} only, not '${name}'`);
    }
    if (own.choices && !own.choices.includes(String(value))) {
      throw new Error(`unknown ${own.label} '${String(value)}' (available: ${own.choices.join(', ')})`);
    }
  }
}

/** The GradientMethod of a discrete method `name` with options `o`. */
export function methodByName(name: string, o: MethodByNameOptions = {}): GradientMethod {
  const entry = methodEntry(name);
  if (!entry.build) {
    throw new Error(`'${name}' trains the continuous-time network on spike times: use \`webspike train/grad --method ${name}\` or trainEvents() (src/train/event-trainer.ts), not a discrete-time GradientMethod`);
  }
  checkMethodOptions(name, o);
  return entry.build(o);
}

/** The `--method` help line and each declared option's, for the command line. */
export function methodHelp(pad: number): string {
  // the help starts in column `pad`, on the next line where the flag is longer
  const line = (flag: string, help: string) => (flag.length < pad ? flag.padEnd(pad) : `${flag}\n${' '.repeat(pad)}`) + help;
  const lines = [line(`  --method <${METHOD_NAMES.join('|')}>`, `gradient method [${DEFAULT_METHOD}]: ${METHODS.map((m) => m.summary).join(', ')}`)];
  for (const m of METHODS) for (const o of m.options) lines.push(line(`  --${o.flag} <${o.key === 'signal' ? 'name' : o.choices ? o.choices.join('|') : 'k'}>`, o.help));
  return lines.join('\n');
}
