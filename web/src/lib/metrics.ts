/** Numbers from a model's holdout metrics (a free-form JSON object) as label/value pairs. */
export function holdoutFigures(metrics: Record<string, unknown>): Array<{ name: string; value: string; previous: string | null }> {
  const holdout = asRecord(metrics.holdout) ?? metrics;
  const before = asRecord(metrics.active_on_same_holdout);
  const out: Array<{ name: string; value: string; previous: string | null }> = [];
  for (const [name, raw] of Object.entries(holdout)) {
    if (typeof raw !== "number") continue;
    const prev = before?.[name];
    out.push({ name: name.replace(/_/g, " "), value: figure(raw), previous: typeof prev === "number" ? figure(prev) : null });
  }
  return out;
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
