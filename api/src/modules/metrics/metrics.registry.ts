import { registerEnumType } from "type-graphql";

/** What rows can be split by. A measure lists the groupings its source can answer. */
export enum MetricsGrouping {
  none = "none",
  service = "service",
  team = "team",
  severity = "severity",
  priority = "priority",
  category = "category",
  assignee = "assignee",
  problem = "problem",
  suggestionKind = "suggestionKind",
}
registerEnumType(MetricsGrouping, { name: "MetricsGrouping", description: "A dimension to split metrics rows by; `none` keeps everything together." });

export enum MetricsBucket {
  day = "day",
  week = "week",
  month = "month",
}
registerEnumType(MetricsBucket, {
  name: "MetricsBucket",
  description: "A calendar bucket in UTC. Weeks start on Monday (ISO); a bucket's row carries its start even when the range starts inside it.",
});

/** Filters a source can apply; each maps to a column of the source. */
export type MetricsFilterName = "services" | "teams" | "priorities" | "severities" | "categories";

export interface MetricDimension {
  /** SQL for the group's key over the source's rows (an id or a value). */
  key: string;
  /** SQL that turns the key (given as SQL text) into the label people read. Defaults to the key itself. */
  label?: (key: string) => string;
}

/**
 * A set of rows measures aggregate over, contributed by the module that owns the data.
 * `event` sources put each row in the bucket of its timestamp `at`; `snapshot` sources count
 * the rows open at the end of each bucket (`b.bucket_end` in the SQL), such as a backlog.
 */
export interface MetricSource {
  id: string;
  /** FROM clause (with joins) over the source's own tables. */
  from: string;
  kind: "event" | "snapshot";
  /** event: the timestamp that places a row in a bucket and in the range. */
  at?: string;
  /**
   * event, rows that are whole UTC days (a daily rollup): the date column. Range and buckets then
   * compare dates, with no time-zone arithmetic per row, and an index on it serves the range.
   * Only for requests whose range starts and ends at UTC midnight (as a rollup is only used then).
   */
  utcDay?: string;
  /** snapshot: the condition for a row to be open at `b.bucket_end`. */
  openAt?: string;
  dimensions: Partial<Record<MetricsGrouping, MetricDimension>>;
  filters: Partial<Record<MetricsFilterName, string>>;
}

export type MetricUnit = "minutes" | "hours" | "days" | "count" | "ratio";

/**
 * One measure: adding a measure is adding one of these to a module's list (the composition root
 * `api/src/measures.ts` collects the lists); the query, CSV and schema pick it up from there.
 */
export interface MeasureDefinition {
  /** GraphQL enum value: camelCase, says what and how (mttrMean). */
  id: string;
  /** The definition shown in the schema: which timestamps, how open items count, the unit. */
  description: string;
  unit: MetricUnit;
  source: MetricSource;
  /** An SQL aggregate over the source's rows; null when nothing in the bucket qualifies. */
  aggregate: string;
  /** What the measure is in a bucket with no rows at all (0 for counts, null for averages). */
  empty: 0 | null;
  /** Groupings the measure answers; by default every dimension of its source (plus none). */
  groupings?: readonly MetricsGrouping[];
  /** A grouping that must be present (MTBF is per service). */
  requires?: MetricsGrouping;
  /**
   * The same numbers from a rollup of whole UTC days, used when the request is bucketed, its range
   * starts and ends at UTC midnight, and the rollup has every grouping and filter asked for.
   */
  rollup?: { source: MetricSource; aggregate: string };
}

/** A rollup's columns for one duration: how many rows have it, and the sum of its seconds. */
export interface DurationRollup {
  source: MetricSource;
  count: string;
  sumSeconds: string;
}

export function groupingsOf(measure: MeasureDefinition): readonly MetricsGrouping[] {
  return measure.groupings ?? [MetricsGrouping.none, ...(Object.keys(measure.source.dimensions) as MetricsGrouping[])];
}

const STAT_SQL = {
  Mean: (x: string) => `avg(${x})`,
  Median: (x: string) => `percentile_cont(0.5) WITHIN GROUP (ORDER BY ${x})`,
  P90: (x: string) => `percentile_cont(0.9) WITHIN GROUP (ORDER BY ${x})`,
} as const;
const STAT_WORDS = { Mean: "mean", Median: "median", P90: "90th percentile" } as const;

/**
 * Mean, median and p90 of the minutes between two timestamps of one row, as three measures.
 * `date_part` rather than `extract`: extract returns numeric in PostgreSQL 14+, which is slower to aggregate.
 */
export function durationMeasures(prefix: string, source: MetricSource, from: string, to: string, definition: string, rollup?: DurationRollup): MeasureDefinition[] {
  const minutes = `date_part('epoch', ${to} - ${from}) / 60.0`;
  return (Object.keys(STAT_SQL) as Array<keyof typeof STAT_SQL>).map((stat) => ({
    id: `${prefix}${stat}`,
    description: `${definition} The ${STAT_WORDS[stat]}, in minutes, over the rows that have both timestamps; rows still open are left out (so null when none has got there).`,
    unit: "minutes" as const,
    source,
    aggregate: STAT_SQL[stat](minutes),
    empty: null,
    // A mean is a sum over a count, so it rolls up; a median or p90 does not.
    ...(rollup && stat === "Mean" ? { rollup: { source: rollup.source, aggregate: `sum(${rollup.sumSeconds}) / nullif(sum(${rollup.count}), 0) / 60.0` } } : {}),
  }));
}
