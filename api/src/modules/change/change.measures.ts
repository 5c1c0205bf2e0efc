import type { MeasureDefinition, MetricSource } from "../metrics/metrics.registry";

/** Changes whose implementation ended (implemented, failed or rolled back), in the bucket it ended in. */
const IMPLEMENTED_CHANGES: MetricSource = {
  id: "change.implemented",
  from: "change_request c",
  kind: "event",
  at: "coalesce(c.actual_end, c.failed_at, c.rolled_back_at)",
  dimensions: {},
  filters: {},
};

export function changeMeasures(identifiedIncidents: MetricSource): MeasureDefinition[] {
  return [
    {
      id: "changeSuccessRate",
      description: "Share of changes whose implementation ended in the bucket (`actualEnd`, else `failedAt` or `rolledBackAt`) that neither failed, nor were rolled back, nor were reviewed as unsuccessful. Changes never implemented (rejected, cancelled, still open) are left out. Unit: ratio 0–1.",
      unit: "ratio",
      source: IMPLEMENTED_CHANGES,
      aggregate: "avg((c.failed_at IS NULL AND c.rolled_back_at IS NULL AND NOT EXISTS (SELECT 1 FROM change_review r WHERE r.change_id = c.id AND r.outcome = 'unsuccessful'))::int)",
      empty: null,
    },
    {
      id: "changesImplemented",
      description: "Changes whose implementation ended in the bucket (`actualEnd`, else `failedAt` or `rolledBackAt`), successful or not. Unit: count.",
      unit: "count",
      source: IMPLEMENTED_CHANGES,
      aggregate: "count(*)",
      empty: 0,
    },
    {
      id: "incidentsCausedByChanges",
      description: "Incidents identified in the bucket (`identifiedAt`) that are recorded as caused by a change. Unit: count.",
      unit: "count",
      source: identifiedIncidents,
      aggregate: "count(*) FILTER (WHERE EXISTS (SELECT 1 FROM incident_cause ic WHERE ic.incident_id = i.id))",
      empty: 0,
    },
  ];
}
