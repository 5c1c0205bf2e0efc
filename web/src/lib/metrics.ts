/** How a holdout metric reads: shares as percentages, scores that are not shares as decimals, counts as they are. */
type MetricFormat = "share" | "score" | "count";

/**
 * The metrics the trainers write (ml/src/classifier/train-jobs.ts, ml/src/evaluate/ranking.ts), by
 * the names people use, in the order the models table shows them. MRR and ECE are not shares of
 * anything (a mean reciprocal rank, a calibration gap), so they stay decimals as in ml/README.md.
 */
const KNOWN_METRICS: ReadonlyArray<{ key: string; label: string; format: MetricFormat }> = [
  { key: "accuracy", label: "Accuracy", format: "share" },
  { key: "macro_f1", label: "Macro-F1", format: "share" },
  { key: "ece", label: "ECE", format: "score" },
  { key: "coverage", label: "Coverage", format: "share" },
  { key: "accuracy_when_answering", label: "Accuracy when answering", format: "share" },
  { key: "mrr", label: "MRR", format: "score" },
  { key: "rr_at_1", label: "RR@1", format: "share" },
  { key: "rr_at_10", label: "RR@10", format: "share" },
  { key: "rr_at_5", label: "RR@5", format: "share" },
  { key: "rr_at_20", label: "RR@20", format: "share" },
  { key: "pair_precision", label: "Pair precision", format: "share" },
  { key: "pair_recall", label: "Pair recall", format: "share" },
  { key: "pair_f1", label: "Pair F1", format: "share" },
  { key: "n_holdout", label: "Holdout size", format: "count" },
  { key: "duplicate_queries", label: "Holdout duplicates", format: "count" },
];

function formatMetric(n: number, format: MetricFormat | null): string {
  if (format === "share") return `${(n * 100).toFixed(1)}%`;
  if (format === "score") return n.toFixed(3);
  if (format === "count") return String(n);
  return figure(n);
}

/** Numbers from a model's holdout metrics (a free-form JSON object) as label/value pairs, known metrics first. */
export function holdoutFigures(metrics: Record<string, unknown>): Array<{ name: string; value: string; previous: string | null }> {
  const holdout = asRecord(metrics.holdout) ?? metrics;
  const before = asRecord(metrics.active_on_same_holdout);
  const rank = (key: string) => {
    const i = KNOWN_METRICS.findIndex((m) => m.key === key);
    return i < 0 ? KNOWN_METRICS.length : i;
  };
  const keys = Object.keys(holdout)
    .filter((key) => typeof holdout[key] === "number")
    .sort((a, b) => rank(a) - rank(b));
  return keys.map((key) => {
    const known = KNOWN_METRICS.find((m) => m.key === key);
    const name = known?.label ?? key.replace(/_/g, " ");
    const prev = before?.[key];
    return { name, value: formatMetric(holdout[key] as number, known?.format ?? null), previous: typeof prev === "number" ? formatMetric(prev, known?.format ?? null) : null };
  });
}

function asRecord(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** Shares (0..1) as percentages, counts as they are. */
export function figure(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) > 1) return String(n);
  if (n >= 0 && n <= 1) return `${(n * 100).toFixed(1)}%`;
  return n.toFixed(3);
}

/** "severity: activated", "team: not enough data — needs at least 50 labelled incidents". */
export function outcomeText(outcome: Record<string, unknown>): string {
  const kind = typeof outcome.kind === "string" ? outcome.kind : "model";
  const what = typeof outcome.outcome === "string" ? outcome.outcome.replace(/_/g, " ") : "unknown";
  const reason = typeof outcome.reason === "string" ? ` — ${outcome.reason}` : "";
  return `${kind}: ${what}${reason}`;
}
