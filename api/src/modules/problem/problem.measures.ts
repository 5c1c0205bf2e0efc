import { MetricsGrouping, type MeasureDefinition, type MetricDimension, type MetricSource } from "../metrics/metrics.registry";

/** Splits incident measures by the problem an incident is linked to (an incident has at most one). */
export const INCIDENT_PROBLEM_DIMENSION: MetricDimension = {
  key: "(SELECT pi.problem_id FROM problem_incident pi WHERE pi.incident_id = i.id)",
  label: (k) => `coalesce((SELECT 'PRB-' || lpad(p.number::text, 6, '0') || ' ' || p.title FROM problem p WHERE p.id = ${k}), 'no problem')`,
};

const PROBLEM_DIMENSIONS: MetricSource["dimensions"] = {
  [MetricsGrouping.priority]: { key: "p.priority", label: (k) => `'P' || ${k}` },
  [MetricsGrouping.assignee]: { key: "p.owner_id", label: (k) => `coalesce((SELECT name FROM app_user WHERE id = ${k}), 'no owner')` },
};

const OPEN_PROBLEMS: MetricSource = {
  id: "problem.open",
  from: "problem p",
  kind: "snapshot",
  openAt: "p.created_at < b.bucket_end AND coalesce(p.resolved_at, p.closed_at, p.cancelled_at, 'infinity') >= b.bucket_end",
  dimensions: PROBLEM_DIMENSIONS,
  filters: { priorities: "p.priority" },
};

/** Recurrence over incidents, and the problem backlog. */
export function problemMeasures(identifiedIncidents: MetricSource): MeasureDefinition[] {
  return [
    {
      id: "recurrenceRate",
      description: "Share of incidents identified in the bucket (`identifiedAt`) that are linked to a problem now (open or not). Unit: ratio 0–1.",
      unit: "ratio",
      source: identifiedIncidents,
      aggregate: "avg((EXISTS (SELECT 1 FROM problem_incident pi WHERE pi.incident_id = i.id))::int)",
      empty: null,
    },
    {
      id: "problemBacklog",
      description: "Problems open at the end of the bucket (or of the range): created before it and not resolved, closed or cancelled by then. Unit: count.",
      unit: "count",
      source: OPEN_PROBLEMS,
      aggregate: "count(*)",
      empty: 0,
    },
    {
      id: "problemAgeMeanDays",
      description: "Mean age of the problems open at the end of the bucket (see problemBacklog): days from `createdAt` to the bucket's end. Null when none is open. Unit: days.",
      unit: "days",
      source: OPEN_PROBLEMS,
      aggregate: "avg(date_part('epoch', b.bucket_end - p.created_at)) / 86400.0",
      empty: null,
    },
  ];
}
