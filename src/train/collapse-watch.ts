/**
 * Watches a run's per-epoch metrics for a collapse: a training loss that rises
 * far above its best, or a test accuracy that falls far below its best. It
 * says so when it happens and once more at the end, so a run that ends worse
 * than it was never passes silently; the trainer keeps the best weights.
 */

export interface CollapseWatchOptions {
  /** warn when the training loss exceeds best·lossFactor (default 2) … */
  lossFactor?: number;
  /** … and best + lossMargin (default 0.25), so tiny losses do not trip it */
  lossMargin?: number;
  /** warn when the test accuracy falls this far below its best (default 0.05 = 5 points) */
  accuracyDrop?: number;
  /** the end of a run counts as worse than its best below best − endDrop (default 0.02) */
  endDrop?: number;
}

export interface EpochScore {
  epoch: number;
  loss: number;
  testAccuracy: number;
}

export class CollapseWatch {
  private bestLoss: EpochScore | undefined;
  private bestAccuracy: EpochScore | undefined;
  private last: EpochScore | undefined;
  private readonly o: Required<CollapseWatchOptions>;

  constructor(options: CollapseWatchOptions = {}) {
    this.o = { lossFactor: 2, lossMargin: 0.25, accuracyDrop: 0.05, endDrop: 0.02, ...options };
  }

  /** Records an epoch; true when its test accuracy is the best so far (save it). */
  add(m: EpochScore): boolean {
    this.last = m;
    if (!this.bestLoss || m.loss < this.bestLoss.loss) this.bestLoss = m;
    const improved = !this.bestAccuracy || m.testAccuracy > this.bestAccuracy.testAccuracy;
    if (improved) this.bestAccuracy = m;
    return improved;
  }

  /** The epoch with the best test accuracy so far. */
  get best(): EpochScore | undefined {
    return this.bestAccuracy;
  }

  /** A warning for the last epoch added, or undefined when it looks healthy. */
  warning(): string | undefined {
    const m = this.last;
    if (!m) return undefined;
    const parts: string[] = [];
    const bl = this.bestLoss!;
    if (!Number.isFinite(m.loss) || (m.loss > bl.loss * this.o.lossFactor && m.loss > bl.loss + this.o.lossMargin)) {
      parts.push(`training loss ${m.loss.toFixed(4)} is ${(m.loss / bl.loss).toFixed(1)}× its best (${bl.loss.toFixed(4)}, epoch ${bl.epoch})`);
    }
    const ba = this.bestAccuracy!;
    if (m.testAccuracy < ba.testAccuracy - this.o.accuracyDrop) {
      parts.push(`test accuracy ${pct(m.testAccuracy)} is ${pts(ba.testAccuracy - m.testAccuracy)} below its best (${pct(ba.testAccuracy)}, epoch ${ba.epoch})`);
    }
    return parts.length ? `the run is degrading: ${parts.join('; ')}` : undefined;
  }

  /** At the end: a sentence when the last epoch is clearly worse than the best one. */
  endWarning(bestWhere?: string): string | undefined {
    const m = this.last;
    const ba = this.bestAccuracy;
    if (!m || !ba || m.testAccuracy >= ba.testAccuracy - this.o.endDrop) return undefined;
    const where = bestWhere ? `; the best weights are in ${bestWhere}` : '';
    return `the run ended at ${pct(m.testAccuracy)} test accuracy, ${pts(ba.testAccuracy - m.testAccuracy)} below its best (${pct(ba.testAccuracy)} at epoch ${ba.epoch})${where}`;
  }
}

const pct = (a: number) => `${(100 * a).toFixed(2)}%`;
const pts = (d: number) => `${(100 * d).toFixed(1)} points`;
