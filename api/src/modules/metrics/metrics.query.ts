import { badInput } from "../../platform/errors";
import { groupingsOf, MetricsBucket, MetricsGrouping, type MeasureDefinition, type MetricSource, type MetricsFilterName } from "./metrics.registry";

/** Longest range one query may cover, and most rows it may return: big asks are refused, not attempted. */
export const MAX_RANGE_DAYS = 3 * 366;
export const MAX_ROWS = 5000;
/** A year of days, seven years of weeks: more buckets than a chart can show is a mistake, not a request. */
export const MAX_BUCKETS = 370;
const DAY_MS = 86_400_000;

export interface MetricsRequest {
  measures: string[];
  groupBy: MetricsGrouping;
  thenBy: MetricsGrouping;
  bucket: MetricsBucket | null;
  from: Date;
  to: Date;
  filter: Partial<Record<MetricsFilterName, Array<string | number>>>;
}

/** One SQL statement per source: its measures' values keyed by bucket and groups. */
export interface SourceStatement {
  source: MetricSource;
  measures: MeasureDefinition[];
  sql: string;
  params: unknown[];
}

const isUtcMidnight = (d: Date) => d.getTime() % DAY_MS === 0;

/** Where a measure is read from for this request: its rollup when the request fits it, else its own rows. */
export function plannedSource(req: MetricsRequest, m: MeasureDefinition): { source: MetricSource; aggregate: string } {
  const r = m.rollup;
  const fits =
    r &&
    req.bucket !== null &&
    isUtcMidnight(req.from) &&
    isUtcMidnight(req.to) &&
    [req.groupBy, req.thenBy].every((g) => g === MetricsGrouping.none || r.source.dimensions[g]) &&
    Object.entries(req.filter).every(([name, values]) => !values?.length || r.source.filters[name as MetricsFilterName]);
  return fits ? r : { source: m.source, aggregate: m.aggregate };
}

/** Bucket starts (UTC) covering [from, to): the first one may start before `from`. */
export function bucketStarts(bucket: MetricsBucket, from: Date, to: Date): Date[] {
  const d = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), bucket === MetricsBucket.month ? 1 : from.getUTCDate()));
  if (bucket === MetricsBucket.week) d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  const starts: Date[] = [];
  while (d < to) {
    starts.push(new Date(d));
    if (bucket === MetricsBucket.month) d.setUTCMonth(d.getUTCMonth() + 1);
    else d.setUTCDate(d.getUTCDate() + (bucket === MetricsBucket.week ? 7 : 1));
  }
  return starts;
}

/** Refuses what makes no sense, naming the argument; returns the measures' definitions in request order. */
export function validateRequest(req: MetricsRequest, registry: readonly MeasureDefinition[]): MeasureDefinition[] {
  if (Number.isNaN(req.from.getTime()) || Number.isNaN(req.to.getTime())) throw badInput("from", "is not a valid time");
  if (!(req.from < req.to)) throw badInput("to", "must be after `from`");
  if (req.to.getTime() - req.from.getTime() > MAX_RANGE_DAYS * DAY_MS) throw badInput("to", `the range may cover at most ${MAX_RANGE_DAYS} days`);
  if (req.thenBy !== MetricsGrouping.none && req.groupBy === MetricsGrouping.none) throw badInput("thenBy", "needs a groupBy first");
  if (req.thenBy !== MetricsGrouping.none && req.thenBy === req.groupBy) throw badInput("thenBy", `is the same as groupBy (${req.groupBy})`);
  if (new Set(req.measures).size !== req.measures.length) throw badInput("measures", "lists a measure twice");
  if (req.bucket) {
    const buckets = bucketStarts(req.bucket, req.from, req.to).length;
    if (buckets > MAX_BUCKETS) throw badInput("bucket", `this range holds ${buckets} ${req.bucket} buckets; at most ${MAX_BUCKETS}: use a coarser bucket or a shorter range`);
  }
  const measures = req.measures.map((id) => {
    const m = registry.find((d) => d.id === id);
    if (!m) throw badInput("measures", `${id} is not a measure`);
    return m;
  });
  for (const m of measures) {
    const supported = groupingsOf(m);
    for (const [arg, grouping] of [["groupBy", req.groupBy], ["thenBy", req.thenBy]] as const) {
      if (!supported.includes(grouping)) throw badInput(arg, `${m.id} cannot be grouped by ${grouping}; it can by ${supported.join(", ")}`);
    }
    if (m.requires && req.groupBy !== m.requires && req.thenBy !== m.requires) throw badInput("groupBy", `${m.id} is defined per ${m.requires}: group by ${m.requires}`);
    for (const [name, values] of Object.entries(req.filter)) {
      if (values?.length && !m.source.filters[name as MetricsFilterName]) throw badInput(`filter.${name}`, `${m.id} has no ${name} to filter on`);
    }
  }
  return measures;
}

const TRUNC_UNIT: Record<MetricsBucket, string> = { day: "day", week: "week", month: "month" };

/**
 * The SQL for the bucket an event row falls in. A source of whole UTC days buckets its date column as
 * a date: no time-zone arithmetic per row, and a week is date arithmetic from a known Monday
 * (1970-01-05) rather than date_trunc over a timestamp (about a tenth of the rollup statement's time
 * at a year of days × 40 services).
 */
function eventBucket(source: MetricSource, unit: string): string {
  const day = source.utcDay;
  if (!day) return `date_trunc('${unit}', ${source.at} AT TIME ZONE 'UTC')`;
  if (unit === "day") return day;
  if (unit === "week") return `${day} - ((${day} - date '1970-01-05') % 7 + 7) % 7`;
  return `date_trunc('${unit}', ${day}::timestamp)::date`;
}

/** The statements for a validated request: measures sharing a source share one scan. */
export function buildStatements(req: MetricsRequest, measures: MeasureDefinition[]): SourceStatement[] {
  const bySource = new Map<MetricSource, MeasureDefinition[]>();
  const aggregateOf = new Map<MeasureDefinition, string>();
  for (const m of measures) {
    const { source, aggregate } = plannedSource(req, m);
    aggregateOf.set(m, aggregate);
    bySource.set(source, [...(bySource.get(source) ?? []), m]);
  }
  return [...bySource].map(([source, ms]) => {
    const params: unknown[] = [req.from, req.to];
    const where: string[] = [];
    for (const [name, values] of Object.entries(req.filter)) {
      if (!values?.length) continue;
      params.push(values);
      where.push(`${source.filters[name as MetricsFilterName]} = ANY($${params.length})`);
    }
    const groups = [req.groupBy, req.thenBy].filter((g) => g !== MetricsGrouping.none).map((g) => source.dimensions[g]!);
    const unit = req.bucket ? TRUNC_UNIT[req.bucket] : null;
    const keys = [
      ...(source.kind === "event" ? (unit ? [eventBucket(source, unit)] : ["NULL::timestamp"]) : ["b.bucket"]),
      ...groups.map((g) => g.key),
    ];
    const values = ms.map((m, n) => `(${aggregateOf.get(m)})::float8 AS m${n}`);
    let from: string;
    if (source.kind === "event") {
      from = source.utcDay
        ? `FROM ${source.from} WHERE ${source.utcDay} >= ($1::timestamptz AT TIME ZONE 'UTC')::date AND ${source.utcDay} < ($2::timestamptz AT TIME ZONE 'UTC')::date`
        : `FROM ${source.from} WHERE ${source.at} >= $1 AND ${source.at} < $2`;
    } else {
      const buckets = unit
        ? `SELECT bs AS bucket, least((bs + interval '1 ${unit}') AT TIME ZONE 'UTC', $2) AS bucket_end
             FROM generate_series(date_trunc('${unit}', $1::timestamptz AT TIME ZONE 'UTC'), $2::timestamptz AT TIME ZONE 'UTC', interval '1 ${unit}') bs
            WHERE bs < $2::timestamptz AT TIME ZONE 'UTC'`
        : `SELECT NULL::timestamp AS bucket, $2::timestamptz AS bucket_end WHERE $1::timestamptz IS NOT NULL`;
      from = `FROM (${buckets}) b, ${source.from} WHERE ${source.openAt}`;
    }
    const keyNames = ["bucket", "g1", "g2"].slice(0, keys.length);
    // Each group's label once (l1, l2), not once per bucket: a service × week year would look up
    // every service 52 times. The NULL group (no service...) can't match a join; it gets its own.
    const labelSets = groups.map((g, n) => {
      const k = `g${n + 1}`;
      return `l${n + 1} AS (SELECT d.${k}, ${g.label ? g.label(`d.${k}`) : `d.${k}::text`} AS label FROM (SELECT DISTINCT ${k} FROM agg) d)`;
    });
    const labels = groups.map((_, n) => {
      const k = `g${n + 1}`;
      return `CASE WHEN agg.${k} IS NULL THEN (SELECT label FROM l${n + 1} WHERE ${k} IS NULL) ELSE l${n + 1}.label END AS ${k}_label, agg.${k}::text AS ${k}_id`;
    });
    const joins = groups.map((_, n) => ` LEFT JOIN l${n + 1} ON l${n + 1}.g${n + 1} = agg.g${n + 1}`).join("");
    const sql = `WITH agg AS (
        SELECT ${keys.map((k, n) => `${k} AS ${keyNames[n]}`).join(", ")}, ${values.join(", ")}
        ${from}${where.length ? ` AND ${where.join(" AND ")}` : ""}
        GROUP BY ${keys.map((_, n) => n + 1).join(", ")}
      )${labelSets.map((l) => `, ${l}`).join("")}
      SELECT ${source.utcDay && unit ? `(agg.bucket - date '1970-01-01')::float8 * ${DAY_MS}` : `date_part('epoch', agg.bucket) * 1000`} AS bucket_start_ms${labels.length ? `, ${labels.join(", ")}` : ""}, ${ms.map((_, n) => `agg.m${n}`).join(", ")}
        FROM agg${joins} LIMIT ${MAX_ROWS + 1}`;
    return { source, measures: ms, sql, params };
  });
}
