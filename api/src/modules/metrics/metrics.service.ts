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
const tooManyRows = () => badInput("groupBy", `this asks for more than ${MAX_ROWS} rows; use a coarser bucket, a shorter range or fewer groups`);

/** A group pair's values: one array of measure values per bucket, in bucket order. */
interface GroupSeries {
  group: MetricsGroupKey | null;
  group2: MetricsGroupKey | null;
  values: Array<Array<number | null>>;
}

/**
 * Runs the `metrics` query: one statement per source, merged into one row per bucket × group × group.
 * With a bucket, every group seen gets every bucket (counts 0, averages null), so a chart needs no gap filling.
 * Rows are merged per group pair into arrays indexed by bucket, and come out as buckets × group pairs
 * sorted once: sorting thousands of rows with label comparisons, and a string key per row, showed in
 * profiles at a year of weeks × 40 services.
 */
export async function runMetrics(dataSource: DataSource, input: MetricsInput): Promise<MetricsResult> {
  const req = normaliseRequest(input);
  const measures = validateRequest(req, MEASURES);
  const statements = buildStatements(req, measures);
  // Bucket starts as epoch ms (NaN stands for "no bucket"), and each one's index.
  const startsMs = req.bucket ? bucketStarts(req.bucket, req.from, req.to).map((d) => d.getTime()) : [NaN];
  const bucketIndex = new Map(startsMs.map((ms, n) => [ms, n]));
  const series = new Map<string, GroupSeries>();
  const empties = measures.map((m) => m.empty);
  const seriesFor = (g1: MetricsGroupKey | null, g2: MetricsGroupKey | null) => {
    const key = g2 ? `${g1?.id ?? ""}|${g2.id ?? ""}` : (g1?.id ?? "");
    let s = series.get(key);
    if (!s) {
      if ((series.size + 1) * startsMs.length > MAX_ROWS) throw tooManyRows();
      s = { group: g1, group2: g2, values: [] };
      series.set(key, s);
    }
    return s;
  };
  if (req.groupBy === MetricsGrouping.none) seriesFor(null, null);
  for (const st of statements) {
    const result = (await dataSource.query(st.sql, st.params)) as Raw[];
    if (result.length > MAX_ROWS) throw tooManyRows();
    const slots = st.measures.map((m) => measures.indexOf(m));
    for (const r of result) {
      const s = seriesFor(groupOf(r, 1), groupOf(r, 2));
      // Bucket starts come as epoch milliseconds: parsing thousands of timestamp strings showed in profiles.
      const startMs = r.bucket_start_ms === null ? NaN : Number(r.bucket_start_ms);
      const b = bucketIndex.get(startMs);
      if (b === undefined) throw new Error(`metrics: bucket ${startMs} is outside the range's buckets`);
      const values = (s.values[b] ??= [...empties]);
      for (let n = 0; n < slots.length; n++) {
        const v = r[`m${n}`] as number | null;
        values[slots[n]] = v === null ? st.measures[n].empty : Number(v);
      }
    }
  }
  const label = (g: MetricsGroupKey | null) => g?.label ?? "";
  const pairs = [...series.values()].sort((a, b) => COLLATOR.compare(label(a.group), label(b.group)) || COLLATOR.compare(label(a.group2), label(b.group2)));
  const sorted: MetricsRow[] = [];
  const records: Array<Record<string, unknown>> = [];
  startsMs.forEach((ms, b) => {
    const bucketStart = req.bucket ? new Date(ms) : null;
    const iso = bucketStart?.toISOString();
    for (const s of pairs) {
      const values = s.values[b] ?? [...empties];
      sorted.push({ bucketStart, group: s.group, group2: s.group2, values });
      const record: Record<string, unknown> = {};
      if (iso !== undefined) record.bucketStart = iso;
      if (s.group) (record.group = s.group.label), (record.groupId = s.group.id);
      if (s.group2) (record.group2 = s.group2.label), (record.group2Id = s.group2.id);
      for (let n = 0; n < measures.length; n++) record[measures[n].id] = values[n];
      records.push(record);
    }
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
