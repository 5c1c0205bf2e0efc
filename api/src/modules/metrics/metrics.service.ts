import type { DataSource } from "typeorm";
import { MEASURES } from "../../measures";
import { badInput } from "../../platform/errors";
import { buildStatements, bucketStarts, MAX_ROWS, validateRequest, type MetricsRequest } from "./metrics.query";
import { MetricsGrouping } from "./metrics.registry";
import type { MetricsGroupKey, MetricsInput, MetricsResult, MetricsRow } from "./metrics.query.types";
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


/** The request with defaults for what was left out or sent as null. */
export function normaliseRequest(input: MetricsInput): MetricsRequest {
  const f = input.filter ?? {};
  return {
    measures: input.measures,
    groupBy: input.groupBy ?? MetricsGrouping.none,
    thenBy: input.thenBy ?? MetricsGrouping.none,
    bucket: input.bucket ?? null,
    from: input.from,
    to: input.to,
    filter: { services: f.services ?? [], teams: f.teams ?? [], priorities: f.priorities ?? [], severities: f.severities ?? [], categories: f.categories ?? [] },
  };
}

type Raw = Record<string, unknown>;
/** One collator for every sort: String.localeCompare builds one per call, which showed at thousands of rows. */
const COLLATOR = new Intl.Collator("en");
const groupOf = (row: Raw, n: 1 | 2): MetricsGroupKey | null =>
  row[`g${n}_label`] === undefined ? null : { id: (row[`g${n}_id`] as string | null) ?? null, label: String(row[`g${n}_label`]) };

/**
 * Runs the `metrics` query: one statement per source, merged into one row per bucket × group × group.
 * With a bucket, every group seen gets every bucket (counts 0, averages null), so a chart needs no gap filling.
 */
export async function runMetrics(dataSource: DataSource, input: MetricsInput): Promise<MetricsResult> {
  const req = normaliseRequest(input);
  const measures = validateRequest(req, MEASURES);
  const statements = buildStatements(req, measures);
  const rows = new Map<string, MetricsRow>();
  const groupPairs = new Map<string, [MetricsGroupKey | null, MetricsGroupKey | null]>();
  const keyOf = (bucket: Date | null, g1: MetricsGroupKey | null, g2: MetricsGroupKey | null) => `${bucket?.getTime() ?? ""}|${g1?.id ?? ""}|${g2?.id ?? ""}`;
  const empties = measures.map((m) => m.empty);
  const rowFor = (bucket: Date | null, g1: MetricsGroupKey | null, g2: MetricsGroupKey | null) => {
    const key = keyOf(bucket, g1, g2);
    let row = rows.get(key);
    if (!row) {
      if (rows.size >= MAX_ROWS) throw badInput("groupBy", `this asks for more than ${MAX_ROWS} rows; use a coarser bucket, a shorter range or fewer groups`);
      row = { bucketStart: bucket, group: g1, group2: g2, values: [...empties] };
      rows.set(key, row);
    }
    return row;
  };
  for (const st of statements) {
    const result = (await dataSource.query(st.sql, st.params)) as Raw[];
    if (result.length > MAX_ROWS) throw badInput("groupBy", `this asks for more than ${MAX_ROWS} rows; use a coarser bucket, a shorter range or fewer groups`);
    for (const r of result) {
      const g1 = groupOf(r, 1);
      const g2 = groupOf(r, 2);
      groupPairs.set(`${g1?.id ?? ""}|${g2?.id ?? ""}`, [g1, g2]);
      // Bucket starts come as epoch milliseconds: parsing thousands of timestamp strings showed in profiles.
      const startMs = r.bucket_start_ms as number | null;
      const row = rowFor(startMs === null ? null : new Date(startMs), g1, g2);
      st.measures.forEach((m, n) => {
        const v = r[`m${n}`] as number | null;
        row.values[measures.indexOf(m)] = v === null ? m.empty : Number(v);
      });
    }
  }
  const starts = req.bucket ? bucketStarts(req.bucket, req.from, req.to) : [null];
  if (req.groupBy === MetricsGrouping.none) groupPairs.set("|", [null, null]);
  for (const [g1, g2] of groupPairs.values()) for (const start of starts) rowFor(start, g1, g2);
  const label = (g: MetricsGroupKey | null) => g?.label ?? "";
  const sorted = [...rows.values()].sort(
    (a, b) => (a.bucketStart?.getTime() ?? 0) - (b.bucketStart?.getTime() ?? 0) || COLLATOR.compare(label(a.group), label(b.group)) || COLLATOR.compare(label(a.group2), label(b.group2)),
  );
  const records = sorted.map((r) => {
    const record: Record<string, unknown> = {};
    if (req.bucket) record.bucketStart = r.bucketStart!.toISOString();
    if (r.group) Object.assign(record, { group: r.group.label, groupId: r.group.id });
    if (r.group2) Object.assign(record, { group2: r.group2.label, group2Id: r.group2.id });
    measures.forEach((m, n) => (record[m.id] = r.values[n]));
    return record;
  });
  return {
    from: req.from,
    to: req.to,
    bucket: req.bucket,
    groupBy: req.groupBy,
    thenBy: req.thenBy,
    columns: measures.map((m) => ({ measure: m.id, unit: m.unit })),
    rows: sorted,
    records,
  };
}
