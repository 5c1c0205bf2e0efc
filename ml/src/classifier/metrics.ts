export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ClassificationMetrics {
  accuracy: number;
  macroF1: number;
  perClass: Record<string, ClassMetrics>;
}

/**
 * Accuracy, macro-F1 and per-class precision/recall/F1/support. Classes are those seen in the
 * truth or the predictions; a class never predicted has precision 0 (scikit-learn's zero_division=0).
 * Macro-F1 averages over the labels given (or, by default, the classes present in the truth).
 */
export function classificationMetrics(
  truth: readonly string[],
  predicted: readonly (string | null)[],
  labels?: readonly string[],
): ClassificationMetrics {
  if (truth.length !== predicted.length) throw new Error("truth and predictions differ in length");
  const classes = labels ? [...labels] : [...new Set(truth)].sort();
  const tp = new Map<string, number>();
  const predCount = new Map<string, number>();
  const support = new Map<string, number>();
  let correct = 0;
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i];
    const p = predicted[i];
    support.set(t, (support.get(t) ?? 0) + 1);
    if (p !== null) predCount.set(p, (predCount.get(p) ?? 0) + 1);
    if (p === t) {
      correct++;
      tp.set(t, (tp.get(t) ?? 0) + 1);
    }
  }
  const perClass: Record<string, ClassMetrics> = {};
  let f1Sum = 0;
  for (const c of classes) {
    const hit = tp.get(c) ?? 0;
    const pc = predCount.get(c) ?? 0;
    const sc = support.get(c) ?? 0;
    const precision = pc ? hit / pc : 0;
    const recall = sc ? hit / sc : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    perClass[c] = { precision, recall, f1, support: sc };
    f1Sum += f1;
  }
  return {
    accuracy: truth.length ? correct / truth.length : 0,
    macroF1: classes.length ? f1Sum / classes.length : 0,
    perClass,
  };
}

/**
 * Expected calibration error: bin predictions by confidence (10 equal-width bins), then average
 * |accuracy - mean confidence| per bin weighted by the bin's share of predictions.
 */
export function expectedCalibrationError(confidences: readonly number[], correct: readonly boolean[], bins = 10): number {
  const n = confidences.length;
  if (n === 0) return 0;
  const count = new Float64Array(bins);
  const confSum = new Float64Array(bins);
  const hitSum = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    const b = Math.min(bins - 1, Math.max(0, Math.ceil(confidences[i] * bins) - 1));
    count[b]++;
    confSum[b] += confidences[i];
    if (correct[i]) hitSum[b]++;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) {
    if (count[b]) ece += (count[b] / n) * Math.abs(hitSum[b] / count[b] - confSum[b] / count[b]);
  }
  return ece;
}
