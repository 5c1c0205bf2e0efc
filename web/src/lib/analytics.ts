import { stringify } from "csv-stringify/browser/esm/sync";
import type { MetricsFilter, MetricsInput } from "../graphql/generated";

/** What the analyst chose; it lives in the URL so a view can be shared. Dates are UTC days (YYYY-MM-DD). */
export interface AnalyticsFilters {
  from: string;
  to: string;
  service: string;
  team: string;
  priority: string;
}

const DAY_MS = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The last 26 weeks up to and including today (UTC), when the URL says nothing. */
export function defaultFilters(now = Date.now()): AnalyticsFilters {
  const to = Math.floor(now / DAY_MS) * DAY_MS + DAY_MS;
  return { from: isoDay(to - 182 * DAY_MS), to: isoDay(to), service: "", team: "", priority: "" };
}

export function parseFilters(get: (name: string) => string | null, now = Date.now()): AnalyticsFilters {
  const d = defaultFilters(now);
  const day = (v: string | null, fallback: string) => (v && DAY.test(v) && !Number.isNaN(Date.parse(v)) ? v : fallback);
  return { from: day(get("from"), d.from), to: day(get("to"), d.to), service: get("service") ?? "", team: get("team") ?? "", priority: /^[1-5]$/.test(get("priority") ?? "") ? get("priority")! : "" };
}

/** Only what differs from the defaults goes into the URL. */
export function filtersToSearch(f: AnalyticsFilters, now = Date.now()): string {
  const d = defaultFilters(now);
  const params = new URLSearchParams();
  for (const key of ["from", "to", "service", "team", "priority"] as const) if (f[key] && f[key] !== d[key]) params.set(key, f[key]);
  return params.toString();
}

/** The metrics input for a chart under the chosen filters (range on UTC midnights, so the daily rollup serves it). */
export function metricsInput(f: AnalyticsFilters, chart: Pick<MetricsInput, "measures" | "bucket" | "groupBy">): MetricsInput {
  const filter: MetricsFilter = {};
  if (f.service) filter.services = [f.service];
  if (f.team) filter.teams = [f.team];
  if (f.priority) filter.priorities = [Number(f.priority)];
  return { ...chart, from: `${f.from}T00:00:00.000Z`, to: `${f.to}T00:00:00.000Z`, ...(Object.keys(filter).length ? { filter } : {}) };
}

/** A table as CSV text: a header line, then one line per row (quoting by csv-stringify). */
export function toCsv(header: string[], rows: Array<Array<string | number | null>>): string {
  return stringify([header, ...rows.map((r) => r.map((v) => (v === null ? "" : v)))]);
}

const ENUM_FIELDS = new Set(["measures", "bucket", "groupBy", "thenBy", "severities"]);

/** A value as a GraphQL literal; fields named in ENUM_FIELDS hold enum values, written bare. */
export function graphqlLiteral(value: unknown, asEnum = false): string {
  if (Array.isArray(value)) return `[${value.map((v) => graphqlLiteral(v, asEnum)).join(", ")}]`;
  if (value && typeof value === "object") {
    return `{ ${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${k}: ${graphqlLiteral(v, ENUM_FIELDS.has(k))}`)
      .join(", ")} }`;
  }
  if (typeof value === "string") return asEnum ? value : JSON.stringify(value);
  return String(value);
}

/**
 * The GraphQL IDE on the API, opened with the page's query and its input written into it (so the
 * query runs as it is, whatever the IDE keeps from earlier sessions).
 */
export function graphiqlHref(apiBase: string, operationName: string, selection: string, input: MetricsInput): string {
  const query = `query ${operationName} {\n  metrics(input: ${graphqlLiteral(input)}) ${selection}\n}\n`;
  return `${apiBase}/graphiql?${new URLSearchParams({ query })}`;
}

export const weekLabel = (iso: string) => iso.slice(0, 10);
export const monthLabel = (iso: string) => iso.slice(0, 7);
/** Minutes as people read them: 45 min, 3.2 h, 2.1 d. */
export function minutesLabel(v: number | null | undefined): string {
  if (v === null || v === undefined) return "–";
  if (v < 90) return `${Math.round(v)} min`;
  if (v < 48 * 60) return `${(v / 60).toFixed(1)} h`;
  return `${(v / 1440).toFixed(1)} d`;
}
