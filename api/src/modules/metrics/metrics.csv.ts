import { stringify } from "csv-stringify/sync";
import type { GraphQLExport } from "../../platform/http/graphql-export";
import type { MetricsResult } from "./metrics.query.types";

const FILTER_PARAMS = ["services", "teams", "priorities", "severities", "categories"] as const;

/** A query-string value as a list: `a,b` or repeated `?x=a&x=b`. */
function list(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const items = (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(",")).map((v) => v.trim()).filter(Boolean);
  return items.length ? items : undefined;
}

function single(value: unknown): string | undefined {
  return Array.isArray(value) ? String(value[0]) : value === undefined ? undefined : String(value);
}

/** The `metrics` operation's input from a query string: the same names as MetricsInput, lists comma-separated. */
export function metricsInputFromQuery(query: Record<string, unknown>): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  for (const name of FILTER_PARAMS) {
    const values = list(query[name]);
    if (values) filter[name] = name === "priorities" ? values.map((v) => (/^\d+$/.test(v) ? Number(v) : v)) : values;
  }
  return {
    input: {
      measures: list(query.measures) ?? [],
      groupBy: single(query.groupBy),
      thenBy: single(query.thenBy),
      bucket: single(query.bucket),
      from: single(query.from),
      to: single(query.to),
      ...(Object.keys(filter).length ? { filter } : {}),
    },
  };
}

/** One line per row: bucket start, the groups (label and id), then each measure headed `name (unit)`. */
export function metricsCsv(result: MetricsResult): string {
  const grouped = [result.groupBy, result.thenBy].filter((g) => g !== "none");
  const header = ["bucket_start", ...grouped.flatMap((g) => [g, `${g}_id`]), ...result.columns.map((c) => `${c.measure} (${c.unit})`)];
  const lines = result.rows.map((r) => [
    r.bucketStart ? new Date(r.bucketStart).toISOString() : "",
    ...[r.group, r.group2].slice(0, grouped.length).flatMap((g) => [g?.label ?? "", g?.id ?? ""]),
    ...r.values.map((v) => (v === null ? "" : v)),
  ]);
  return stringify([header, ...lines]);
}

export const METRICS_CSV_EXPORT: GraphQLExport = {
  path: "/api/metrics.csv",
  document: `query MetricsCsv($input: MetricsInput!) {
    metrics(input: $input) { from to bucket groupBy thenBy columns { measure unit } rows { bucketStart group { id label } group2 { id label } values } }
  }`,
  variables: (query) => metricsInputFromQuery(query as Record<string, unknown>),
  render: (data) => {
    const result = data.metrics as MetricsResult;
    return { contentType: "text/csv; charset=utf-8", filename: `quell-metrics-${result.columns.map((c) => c.measure).join("-").slice(0, 80)}.csv`, body: metricsCsv(result) };
  },
};
