/**
 * Picks the confidence below which the classifier abstains, on a validation split: the lowest
 * cut at which the predictions it keeps are right at least `targetPrecision` of the time. The
 * threshold sits halfway between the last kept and the first dropped confidence (or `floor`, e.g.
 * chance level, when all are kept), a margin so that a new case just below the last kept one is
 * not refused on a rounding difference.
 * When no threshold reaches the target with at least `minKept` predictions kept, it takes the
 * threshold with the best precision among those that keep `minKept` (so it never abstains on all).
 */
export function chooseAbstainThreshold(
  confidences: readonly number[],
  correct: readonly boolean[],
  targetPrecision: number,
  minKeptShare = 0.05,
  floor = 0,
): number {
  const n = confidences.length;
  if (n === 0) return 0;
  const order = confidences.map((_, i) => i).sort((a, b) => confidences[b] - confidences[a]);
  const minKept = Math.max(1, Math.ceil(n * minKeptShare));
  let hits = 0;
  let bestLowest: number | null = null;
  const cutAt = (k: number) => (confidences[order[k]] + (k + 1 < n ? confidences[order[k + 1]] : floor)) / 2;
  let fallback = cutAt(minKept - 1);
  let fallbackPrecision = -1;
  for (let k = 0; k < n; k++) {
    if (correct[order[k]]) hits++;
    const kept = k + 1;
    // Only cut between distinct confidence values: equal confidences are kept or dropped together.
    if (k + 1 < n && confidences[order[k + 1]] === confidences[order[k]]) continue;
    if (kept < minKept) continue;
    const precision = hits / kept;
    if (precision >= targetPrecision) bestLowest = cutAt(k);
    if (precision > fallbackPrecision) {
      fallbackPrecision = precision;
      fallback = cutAt(k);
    }
  }
  return bestLowest ?? fallback;
}
