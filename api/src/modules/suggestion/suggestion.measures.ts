import { MetricsGrouping, type MeasureDefinition, type MetricSource } from "../metrics/metrics.registry";

/** People's decisions on suggestions, in the bucket they were made in; abstentions are not decisions. */
const DECISIONS: MetricSource = {
  id: "suggestion.decided",
  from: "suggestion s JOIN incident i ON i.id = s.incident_id",
  kind: "event",
  at: "s.decided_at",
  dimensions: {
    [MetricsGrouping.suggestionKind]: { key: "s.kind::text" },
    [MetricsGrouping.service]: { key: "i.service_id", label: (k) => `coalesce((SELECT name FROM service WHERE id = ${k}), 'no service')` },
    [MetricsGrouping.team]: { key: "i.team_id", label: (k) => `coalesce((SELECT name FROM team WHERE id = ${k}), 'no team')` },
  },
  filters: { services: "i.service_id", teams: "i.team_id", priorities: "i.priority" },
};

export const SUGGESTION_MEASURES: MeasureDefinition[] = [
  {
    id: "suggestionAcceptanceRate",
    description: "Share of the suggestions decided in the bucket (`decidedAt`, abstentions left out) that people accepted as they were; corrected and dismissed ones count against. Group by `suggestionKind` for the rate per kind. Unit: ratio 0–1.",
    unit: "ratio",
    source: DECISIONS,
    aggregate: "avg((s.status = 'accepted')::int) FILTER (WHERE NOT s.abstained AND s.status <> 'pending')",
    empty: null,
  },
  {
    id: "suggestionsDecided",
    description: "Suggestions accepted, corrected or dismissed in the bucket (`decidedAt`), abstentions left out. Unit: count.",
    unit: "count",
    source: DECISIONS,
    aggregate: "count(*) FILTER (WHERE NOT s.abstained AND s.status <> 'pending')",
    empty: 0,
  },
];
