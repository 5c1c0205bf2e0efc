import { classificationMetrics } from "./metrics";

/** What a model's validation predictions are judged by: routing wants the top answer right, severity every class found. */
export type ValidationObjective = "accuracy" | "macro_f1";

/** Score of predicted class indices against true ones under an objective. */
export function objectiveScore(objective: ValidationObjective, truth: readonly number[], predicted: readonly number[], nClasses: number): number {
  if (objective === "accuracy") {
    let hits = 0;
    for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) hits++;
    return truth.length ? hits / truth.length : 0;
  }
  const names = Array.from({ length: nClasses }, (_, c) => String(c));
  return classificationMetrics(
    truth.map((c) => names[c]),
    predicted.map((c) => names[c]),
    names,
  ).macroF1;
}

/**
 * Per-class offsets added to the logits, chosen on the validation split by coordinate ascent to
 * maximise the objective (default macro-F1). Class weights already balance the loss, but the argmax that is best for
 * macro-F1 still differs from the one that is best for likelihood (Lipton et al., 2014, on
 * F1-optimal thresholds); a few offsets close most of that gap. Returns zeros when it cannot help.
 */
export function tuneClassOffsets(
  logits: readonly ArrayLike<number>[],
  labels: readonly number[],
  nClasses: number,
  rounds = 3,
  minGain = 1e-4,
  objective: ValidationObjective = "macro_f1",
): Float64Array {
  const offsets = new Float64Array(nClasses);
  const f1 = () => objectiveScore(objective, labels, logits.map((l) => argmaxWith(l, offsets)), nClasses);
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
