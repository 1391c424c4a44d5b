import { describe, expect, it } from 'vitest';
import { CollapseWatch } from '../../src/train/collapse-watch.js';

// the per-epoch training loss and test accuracy of the Yin-Yang run that collapsed (seed 2, epochs 1–10)
const COLLAPSE = [
  [0.7674, 0.785], [0.516, 0.857], [0.3409, 0.95], [0.4213, 0.962], [0.376, 0.953],
  [0.428, 0.967], [0.3473, 0.958], [0.5152, 0.966], [0.7249, 0.954], [11.9002, 0.599],
];

describe('CollapseWatch', () => {
  it('stays quiet on a healthy run and reports none at its end', () => {
    const w = new CollapseWatch();
    [[0.8, 0.8], [0.5, 0.9], [0.4, 0.95], [0.42, 0.945], [0.35, 0.96]].forEach(([loss, acc], i) => {
      w.add({ epoch: i + 1, loss, testAccuracy: acc });
      expect(w.warning()).toBeUndefined();
    });
    expect(w.endWarning()).toBeUndefined();
    expect(w.best?.epoch).toBe(5);
  });

  it('reports the collapsing epoch and, at the end, how far below its best the run ended', () => {
    const w = new CollapseWatch();
    const warnings = COLLAPSE.map(([loss, acc], i) => {
      const improved = w.add({ epoch: i + 1, loss, testAccuracy: acc });
      return { improved, warning: w.warning() };
    });
    expect(warnings.slice(0, 8).every((x) => x.warning === undefined)).toBe(true);
    // one epoch before the collapse the loss has already doubled
    expect(warnings[8].warning).toBe('the run is degrading: training loss 0.7249 is 2.1× its best (0.3409, epoch 3)');
    expect(warnings[9].warning).toMatch(/training loss 11\.9002 is 34\.9× its best \(0\.3409, epoch 3\).*test accuracy 59\.90% is 36\.8 points below its best \(96\.70%, epoch 6\)/);
    expect(warnings.map((x) => x.improved)).toEqual([true, true, true, true, false, true, false, false, false, false]);
    expect(w.endWarning('ck.best.json')).toBe('the run ended at 59.90% test accuracy, 36.8 points below its best (96.70% at epoch 6); the best weights are in ck.best.json');
  });

  it('a non-finite loss is a warning', () => {
    const w = new CollapseWatch();
    w.add({ epoch: 1, loss: 0.5, testAccuracy: 0.9 });
    w.add({ epoch: 2, loss: NaN, testAccuracy: 0.9 });
    expect(w.warning()).toMatch(/training loss NaN/);
  });
});
