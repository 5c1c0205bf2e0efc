import { durationMeasures, MetricsGrouping, type DurationRollup, type MeasureDefinition, type MetricDimension, type MetricSource } from "../metrics/metrics.registry";

const INCIDENT_DIMENSIONS: Partial<Record<MetricsGrouping, MetricDimension>> = {
  [MetricsGrouping.service]: { key: "i.service_id", label: (k) => `coalesce((SELECT name FROM service WHERE id = ${k}), 'no service')` },
  [MetricsGrouping.team]: { key: "i.team_id", label: (k) => `coalesce((SELECT name FROM team WHERE id = ${k}), 'no team')` },
  [MetricsGrouping.severity]: { key: "i.severity::text", label: (k) => `coalesce(${k}, 'unset')` },
  [MetricsGrouping.priority]: { key: "i.priority", label: (k) => `'P' || ${k}` },
  [MetricsGrouping.category]: { key: "i.category", label: (k) => `coalesce(${k}, 'uncategorised')` },
  [MetricsGrouping.assignee]: { key: "i.assignee_id", label: (k) => `coalesce((SELECT name FROM app_user WHERE id = ${k}), 'unassigned')` },
};

const INCIDENT_FILTERS: MetricSource["filters"] = {
  services: "i.service_id",
  teams: "i.team_id",
  priorities: "i.priority",
  severities: "i.severity::text",
  categories: "i.category",
};

/** Whole UTC days per service, team, priority and severity (migration IncidentMetricsRollup keeps it). */
const DAILY: MetricSource = {
  id: "incident.daily",
  from: "incident_daily_rollup r",
  kind: "event",
  at: "(r.day::timestamp AT TIME ZONE 'UTC')",
  utcDay: "r.day",
  dimensions: {
    [MetricsGrouping.service]: { key: "r.service_id", label: INCIDENT_DIMENSIONS.service!.label },
    [MetricsGrouping.team]: { key: "r.team_id", label: INCIDENT_DIMENSIONS.team!.label },
    [MetricsGrouping.severity]: { key: "r.severity", label: INCIDENT_DIMENSIONS.severity!.label },
    [MetricsGrouping.priority]: { key: "r.priority", label: INCIDENT_DIMENSIONS.priority!.label },
  },
  filters: { services: "r.service_id", teams: "r.team_id", priorities: "r.priority", severities: "r.severity" },
};
const daily = (column: string): DurationRollup => ({ source: DAILY, count: `r.${column}_n`, sumSeconds: `r.${column}_sum_s` });

export interface IncidentSources {
  /** Incidents in the bucket they were identified in. */
  identified: MetricSource;
  /** Incidents in the bucket they were closed in. */
  closed: MetricSource;
  /** Incidents open at the end of each bucket. */
  open: MetricSource;
}

/** The incident row sets; other modules add dimensions over incidents (an incident's problem). */
export function incidentSources(extraDimensions: Partial<Record<MetricsGrouping, MetricDimension>> = {}): IncidentSources {
  const dimensions = { ...INCIDENT_DIMENSIONS, ...extraDimensions };
  return {
    identified: { id: "incident.identified", from: "incident i", kind: "event", at: "i.identified_at", dimensions, filters: INCIDENT_FILTERS },
    closed: { id: "incident.closed", from: "incident i", kind: "event", at: "i.closed_at", dimensions, filters: INCIDENT_FILTERS },
    open: {
      id: "incident.open",
      from: "incident i",
      kind: "snapshot",
      openAt: "i.identified_at < b.bucket_end AND coalesce(i.closed_at, i.cancelled_at, 'infinity') >= b.bucket_end",
      dimensions,
      filters: INCIDENT_FILTERS,
    },
  };
}

const COHORT = "Over incidents identified in the bucket (by `identifiedAt`), whatever their stage now.";

export function incidentMeasures(s: IncidentSources): MeasureDefinition[] {
  return [
    {
      id: "incidentsCreated",
      description: `Incidents identified in the bucket (\`identifiedAt\`), open or not, cancelled ones included. Unit: count.`,
      unit: "count",
      source: s.identified,
      aggregate: "count(*)",
      empty: 0,
      rollup: { source: DAILY, aggregate: "sum(r.incidents)" },
    },
    {
      id: "incidentsResolved",
      description: "Incidents closed in the bucket (`closedAt`), whenever they were identified; a reopened incident counts when it is closed again (its earlier closing is cleared on reopen). Unit: count.",
      unit: "count",
      source: s.closed,
      aggregate: "count(*)",
      empty: 0,
    },
    {
      id: "incidentBacklog",
      description: "Incidents open at the end of the bucket (or of the range, when it ends first): identified before it and neither closed nor cancelled by then. Uses the current stamps, so an incident reopened and not yet closed again counts as open since it was identified. Unit: count.",
      unit: "count",
      source: s.open,
      aggregate: "count(*)",
      empty: 0,
    },
    ...durationMeasures("mtta", s.identified, "i.identified_at", "i.acknowledged_at", `Time to acknowledge (MTTA): \`identifiedAt\` → \`acknowledgedAt\` (first assignment or classification). ${COHORT}`, daily("ack")),
    ...durationMeasures("mttr", s.identified, "i.identified_at", "i.closed_at", `Time to resolve (MTTR): \`identifiedAt\` → \`closedAt\`. ${COHORT}`, daily("close")),
    ...durationMeasures("timeToContain", s.identified, "i.identified_at", "i.contained_at", `Time to contain: \`identifiedAt\` → \`containedAt\`. ${COHORT}`, daily("contain")),
    ...durationMeasures("timeToRecover", s.identified, "i.identified_at", "i.recovered_at", `Time to recover (service restored): \`identifiedAt\` → \`recoveredAt\`. ${COHORT}`, daily("recover")),
    {
      id: "mtbfHours",
      description: "Mean time between failures per service: the hours between the first and last `identifiedAt` of the service's incidents in the bucket divided by the gaps between them (count − 1), which is the mean gap between consecutive incidents. Null with fewer than two incidents. Needs `service` as one of the groupings. Unit: hours.",
      unit: "hours",
      source: s.identified,
      aggregate: "date_part('epoch', max(i.identified_at) - min(i.identified_at)) / 3600.0 / nullif(count(*) - 1, 0)",
      empty: null,
      requires: MetricsGrouping.service,
    },
    {
      id: "reopenRate",
      description: `Share of incidents reopened at least once (\`reopenCount\` > 0). ${COHORT} Unit: ratio 0–1.`,
      unit: "ratio",
      source: s.identified,
      aggregate: "avg((i.reopen_count > 0)::int)",
      empty: null,
      rollup: { source: DAILY, aggregate: "sum(r.reopened)::float8 / nullif(sum(r.incidents), 0)" },
    },
    {
      id: "firstTimeRightAssignmentRate",
      description: `Share of incidents with a team or assignee whose assignment was set at most once and never moved (at most one \`assigned\` timeline entry). Incidents with neither are left out. ${COHORT} Unit: ratio 0–1.`,
      unit: "ratio",
      source: s.identified,
      aggregate: "avg(((SELECT count(*) FROM timeline_entry te WHERE te.incident_id = i.id AND te.kind = 'assigned') <= 1)::int) FILTER (WHERE i.assignee_id IS NOT NULL OR i.team_id IS NOT NULL)",
      empty: null,
    },
  ];
}
