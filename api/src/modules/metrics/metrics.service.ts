import type { DataSource } from "typeorm";
import { badInput } from "../../platform/errors";
import { MetricsGroupBy, type DurationStats, type IncidentMetrics, type IncidentMetricsGroup } from "./metrics.types";

const MAX_WINDOW_DAYS = 3 * 366;

/** The SQL expression each grouping uses as its key. */
const GROUP_KEY: Record<MetricsGroupBy, string> = {
  [MetricsGroupBy.none]: `'all'`,
  [MetricsGroupBy.priority]: `'P' || i.priority`,
  [MetricsGroupBy.severity]: `coalesce(i.severity::text, 'unset')`,
  [MetricsGroupBy.service]: `coalesce(s.name, 'no service')`,
  [MetricsGroupBy.team]: `coalesce(t.name, 'no team')`,
  [MetricsGroupBy.month]: `to_char(i.identified_at AT TIME ZONE 'UTC', 'YYYY-MM')`,
};

/** Durations measured from identification, per stamp column. */
const DURATIONS = {
  timeToAcknowledge: "acknowledged_at",
  timeToAssess: "assessed_at",
  timeToContain: "contained_at",
  timeToRecover: "recovered_at",
  timeToClose: "closed_at",
} as const;

function durationSql(alias: string, column: string): string {
  const minutes = `extract(epoch FROM (i.${column} - i.identified_at)) / 60`;
  // Quoted aliases: unquoted ones would come back lowercased.
  return `count(i.${column})::int AS "${alias}_count",
    avg(${minutes})::float8 AS "${alias}_mean",
    percentile_cont(0.5) WITHIN GROUP (ORDER BY ${minutes})::float8 AS "${alias}_median",
    percentile_cont(0.9) WITHIN GROUP (ORDER BY ${minutes})::float8 AS "${alias}_p90"`;
}

const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);

/**
 * MTTA, MTTR and the other stage durations, computed in one SQL statement over the incidents
 * identified in the window (cancelled duplicates are counted but never timed).
 */
export async function incidentMetrics(dataSource: DataSource, window: { from: Date; to: Date }, groupBy: MetricsGroupBy): Promise<IncidentMetrics> {
  if (!(window.from < window.to)) throw badInput("window", "`from` must be before `to`");
  if (window.to.getTime() - window.from.getTime() > MAX_WINDOW_DAYS * 86_400_000) throw badInput("window", `at most ${MAX_WINDOW_DAYS} days at a time`);
  const rows = (await dataSource.query(
    `SELECT ${GROUP_KEY[groupBy]} AS key,
       count(*)::int AS incidents,
       count(*) FILTER (WHERE i.stage NOT IN ('closed', 'cancelled'))::int AS open,
       count(*) FILTER (WHERE i.is_major)::int AS major,
       count(*) FILTER (WHERE i.reopen_count > 0)::int AS reopened,
       count(*) FILTER (WHERE i.duplicate_of_id IS NOT NULL)::int AS duplicates,
       ${Object.entries(DURATIONS).map(([alias, column]) => durationSql(alias, column)).join(",\n")}
     FROM incident i
     LEFT JOIN service s ON s.id = i.service_id
     LEFT JOIN team t ON t.id = i.team_id
     WHERE i.identified_at >= $1 AND i.identified_at < $2
     GROUP BY 1
     ORDER BY 1`,
    [window.from, window.to],
  )) as Array<Record<string, number | string | null>>;
  const groups: IncidentMetricsGroup[] = rows.map((row) => {
    const stats = (alias: string): DurationStats => ({
      count: Number(row[`${alias}_count`]),
      meanMinutes: round(row[`${alias}_mean`] as number | null),
      medianMinutes: round(row[`${alias}_median`] as number | null),
      p90Minutes: round(row[`${alias}_p90`] as number | null),
    });
    const incidents = Number(row.incidents);
    return {
      key: String(row.key),
      incidents,
      open: Number(row.open),
      major: Number(row.major),
      reopened: Number(row.reopened),
      reopenRate: incidents ? Number(row.reopened) / incidents : 0,
      duplicates: Number(row.duplicates),
      timeToAcknowledge: stats("timeToAcknowledge"),
      timeToAssess: stats("timeToAssess"),
      timeToContain: stats("timeToContain"),
      timeToRecover: stats("timeToRecover"),
      timeToClose: stats("timeToClose"),
    };
  });
  return { from: window.from, to: window.to, groupBy, groups };
}
