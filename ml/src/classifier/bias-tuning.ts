import { classificationMetrics } from "./metrics";

/**
 * Per-class offsets added to the logits, chosen on the validation split by coordinate ascent to
 * maximise macro-F1. Class weights already balance the loss, but the argmax that is best for
 * macro-F1 still differs from the one that is best for likelihood (Lipton et al., 2014, on
 * F1-optimal thresholds); a few offsets close most of that gap. Returns zeros when it cannot help.
 */
export function tuneClassOffsets(
  logits: readonly ArrayLike<number>[],
  labels: readonly number[],
  nClasses: number,
  rounds = 3,
  minGain = 1e-4,
): Float64Array {
  const offsets = new Float64Array(nClasses);
  const names = Array.from({ length: nClasses }, (_, c) => String(c));
  const truth = labels.map((c) => names[c]);
  const f1 = () => classificationMetrics(truth, logits.map((l) => names[argmaxWith(l, offsets)]), names).macroF1;
  let best = f1();
  for (let r = 0; r < rounds; r++) {
    let improved = false;
    for (let c = 0; c < nClasses; c++) {
      const base = offsets[c];
      let bestDelta = 0;
      for (let delta = -1.5; delta <= 1.5 + 1e-9; delta += 0.1) {
        offsets[c] = base + delta;
        const s = f1();
        // Demand a real gain, so noise in a small validation split does not move the offsets.
        if (s > best + minGain) {
          best = s;
          bestDelta = delta;
          improved = true;
        }
      }
      offsets[c] = base + bestDelta;
    }
    if (!improved) break;
  }
  return offsets;
}

function argmaxWith(l: ArrayLike<number>, offsets: Float64Array): number {
  let top = 0;
  for (let c = 1; c < l.length; c++) if (l[c] + offsets[c] > l[top] + offsets[top]) top = c;
  return top;
}
