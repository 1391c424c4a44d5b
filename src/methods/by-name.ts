/** Gradient methods by name, for the command line and configuration files. */
import { bptt } from './bptt.js';
import { eligibility, LEARNING_SIGNALS, type LearningSignal } from './eligibility.js';
import type { GradientMethod } from './method.js';
import { rtrl } from './rtrl.js';

export const METHOD_NAMES = ['bptt', 'rtrl', 'eligibility'] as const;
export type MethodName = (typeof METHOD_NAMES)[number];

export interface MethodByNameOptions {
  /** eligibility: learning signal */
  signal?: string;
  /** eligibility: online updates every k steps */
  updateEvery?: number;
  /** bptt: how spikes propagate (BpttOptions.propagation): auto, fused, adaptive, event or dense */
  propagation?: string;
}

/** The propagation choices of bptt that a name selects (the per-phase object form is for the library). */
export const PROPAGATION_NAMES = ['auto', 'fused', 'adaptive', 'event', 'dense'] as const;

export function methodByName(name: string, o: MethodByNameOptions = {}): GradientMethod {
  if (name === 'eventprop') throw new Error("'eventprop' trains the continuous-time network on spike times: use `webspike train/grad --method eventprop` or trainEvents() (src/train/event-trainer.ts), not a discrete-time GradientMethod");
  if (!(METHOD_NAMES as readonly string[]).includes(name)) throw new Error(`unknown gradient method '${name}' (available: ${METHOD_NAMES.join(', ')}; eventprop through train/grad --method eventprop)`);
  if (name !== 'eligibility' && (o.signal !== undefined || o.updateEvery !== undefined)) {
    throw new Error(`--signal and --update-every apply to --method eligibility only, not '${name}'`);
  }
  if (name !== 'bptt' && o.propagation !== undefined) throw new Error(`--propagation applies to --method bptt only, not '${name}'`);
  if (name === 'bptt') {
    const p = o.propagation;
    if (p !== undefined && !(PROPAGATION_NAMES as readonly string[]).includes(p)) throw new Error(`unknown propagation '${p}' (available: ${PROPAGATION_NAMES.join(', ')})`);
    return bptt(p === undefined ? {} : { propagation: p as (typeof PROPAGATION_NAMES)[number] });
  }
  if (name === 'rtrl') return rtrl();
  if (o.signal !== undefined && !(LEARNING_SIGNALS as readonly string[]).includes(o.signal)) {
    throw new Error(`unknown learning signal '${o.signal}' (available: ${LEARNING_SIGNALS.join(', ')})`);
  }
  return eligibility({ signal: o.signal as LearningSignal | undefined, updateEvery: o.updateEvery });
}
