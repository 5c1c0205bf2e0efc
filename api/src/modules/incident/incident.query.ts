import type { DataSource } from "typeorm";
import { badInput } from "../../platform/errors";
import { decodeCursor, encodeCursor, isSafeInteger, isTimestamp, type SortValue } from "../../platform/graphql/connection";
import { rowMapper } from "../../platform/database/row-mapper";
import { subSelection, type NodeSelection } from "../../platform/graphql/selection";
import { Service } from "../catalog/catalog.entity";
import { Team } from "../team/team.entity";
import { User } from "../user/user.entity";
import { Incident } from "./incident.entity";
import { TimelineEntry } from "./timeline.entity";
import { IncidentSortField, SortDirection, type IncidentFilter, type IncidentSort } from "./incident.inputs";

export const MAX_PAGE_SIZE = 200;

export interface IncidentPage {
  edges: Array<{ cursor: string; node: Incident }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
}

/** What a cursor's sort value must be for each sort (see sortValue). */
const SORT_VALUE_CHECK: Record<IncidentSortField, (v: SortValue) => boolean> = {
  [IncidentSortField.createdAt]: isTimestamp,
  [IncidentSortField.updatedAt]: isTimestamp,
  [IncidentSortField.priority]: isSafeInteger,
  [IncidentSortField.number]: isSafeInteger,
  [IncidentSortField.slaDueAt]: isTimestamp,
};

/** Incidents with no running SLA clock sort as if due at the end of time, so the keyset cursor never holds a null. */
const NO_SLA_DEADLINE = "9999-12-31T00:00:00.000Z";
/** Incidents whose clocks are all paused sort after every real deadline, by time left: this base plus that time. */
const PAUSED_SLA_BASE = "9000-01-01T00:00:00.000Z";

const SORT_COLUMN: Record<IncidentSortField, string> = {
  [IncidentSortField.createdAt]: "i.created_at",
  [IncidentSortField.updatedAt]: "i.updated_at",
  [IncidentSortField.priority]: "i.priority",
  [IncidentSortField.number]: "i.number",
  [IncidentSortField.slaDueAt]: `COALESCE(i.sla_due_at, CAST('${PAUSED_SLA_BASE}' AS timestamptz) + i.sla_paused_left_seconds * interval '1 second', CAST('${NO_SLA_DEADLINE}' AS timestamptz))`,
};

/** The entity fields sortValue reads for a sort field, where they are more than the field itself. */
const CURSOR_READS: Partial<Record<IncidentSortField, Array<keyof Incident & string>>> = {
  [IncidentSortField.slaDueAt]: ["slaDueAt", "slaPausedLeftSeconds"],
};

function sortValue(incident: Incident, field: IncidentSortField): string | number {
  if (field === IncidentSortField.slaDueAt) {
    if (incident.slaDueAt) return incident.slaDueAt.toISOString();
    if (incident.slaPausedLeftSeconds !== null && incident.slaPausedLeftSeconds !== undefined) return new Date(Date.parse(PAUSED_SLA_BASE) + incident.slaPausedLeftSeconds * 1000).toISOString();
    return NO_SLA_DEADLINE;
  }
  const value = incident[field];
  return value instanceof Date ? value.toISOString() : (value as number);
}

/**
 * The filter as SQL conditions on `incident i`, its values appended to `params` ($n placeholders).
 * Plain SQL rather than a TypeORM query builder: building the queue's statement with one took 6% of
 * a page's CPU.
 */
export function incidentFilterConditions(filter: IncidentFilter | undefined, params: unknown[]): string[] {
  const where: string[] = [];
  if (!filter) return where;
  const p = (value: unknown) => `$${params.push(value)}`;
  const list = (values: readonly unknown[]) => values.map(p).join(", ");
  if (filter.stage?.length) where.push(`i.stage IN (${list(filter.stage)})`);
  if (filter.priority?.length) where.push(`i.priority IN (${list(filter.priority)})`);
  if (filter.severity?.length) where.push(`i.severity IN (${list(filter.severity)})`);
  if (filter.serviceId) where.push(`i.service_id = ${p(filter.serviceId)}`);
  if (filter.teamId) where.push(`i.team_id = ${p(filter.teamId)}`);
  if (filter.assigneeId) where.push(`i.assignee_id = ${p(filter.assigneeId)}`);
  if (filter.unassigned) where.push("i.assignee_id IS NULL");
  if (filter.isMajor !== undefined && filter.isMajor !== null) where.push(`i.is_major = ${p(filter.isMajor)}`);
  if (filter.createdAfter) where.push(`i.created_at >= ${p(filter.createdAfter)}`);
  if (filter.createdBefore) where.push(`i.created_at < ${p(filter.createdBefore)}`);
  if (filter.search?.trim()) {
    // Same expression as IDX_incident_search, so the GIN index serves it.
    where.push(`to_tsvector('english', i.title || ' ' || i.description) @@ websearch_to_tsquery('english', ${p(filter.search.trim())})`);
  }
  return where;
}

const whereClause = (conditions: string[]) => (conditions.length ? ` WHERE ${conditions.join(" AND ")}` : "");

/** Filter fields `incident_stage_count` keys its counts by; any other field set means counting rows. */
const KEPT_COUNT_FIELDS = new Set<string>(["stage", "teamId", "assigneeId", "unassigned"]);
const isUnset = (value: unknown) => value === undefined || value === null || (Array.isArray(value) && value.length === 0);

/**
 * The filter's total as a SQL expression, its values appended to `params`. The queue's common views
 * (stages alone, or with one team, one assignee or "unassigned") read the counts that migration
 * IncidentStageCounts keeps, a few rows whatever the table holds; any other filter counts its rows.
 */
export function incidentTotalSql(filter: IncidentFilter | undefined, params: unknown[]): string {
  const f = filter ?? {};
  const kept = Object.entries(f).every(([key, value]) => KEPT_COUNT_FIELDS.has(key) || isUnset(value));
  const subjects = [f.teamId ? "team" : null, f.assigneeId ? "assignee" : null, f.unassigned ? "unassigned" : null].filter((d) => d !== null);
  if (!kept || subjects.length > 1) return `(SELECT count(*) FROM incident i${whereClause(incidentFilterConditions(filter, params))})`;
  const p = (value: unknown) => `$${params.push(value)}`;
  const where =
    subjects[0] === "team" ? [`c.dimension = 'team'`, `c.subject_id = ${p(f.teamId)}`]
    : subjects[0] === "assignee" ? [`c.dimension = 'assignee'`, `c.subject_id = ${p(f.assigneeId)}`]
    : subjects[0] === "unassigned" ? [`c.dimension = 'assignee'`, "c.subject_id IS NULL"]
    : [`c.dimension = 'all'`, "c.subject_id IS NULL"];
  if (f.stage?.length) where.push(`c.stage IN (${f.stage.map(p).join(", ")})`);
  return `(SELECT coalesce(sum(c.incidents), 0) FROM incident_stage_count c WHERE ${where.join(" AND ")})`;
}

/** Entities the page statement brings along, so the resolvers' DataLoaders find them without another round trip. */
export interface PagePrimes {
  service: { prime(id: string, value: Service | null): unknown };
  team: { prime(id: string, value: Team | null): unknown };
  user: { prime(id: string, value: User | null): unknown };
  latestTimelineEntry: { prime(incidentId: string, value: TimelineEntry | null): unknown };
}

/** The relations a page row carries (see `pageRelation`). */
interface PageRelations {
  service?: Service | null;
  team?: Team | null;
  assignee?: User | null;
  latestTimelineEntry?: TimelineEntry | null;
}
const PAGE_RELATIONS = Symbol("pageRelations");

/**
 * The related row the page statement brought for this incident: `undefined` when it brought none
 * (the resolver then asks its DataLoader). It may hold only the columns the request selected, so
 * only the resolver of that field on that row uses it.
 */
export function pageRelation<K extends keyof PageRelations>(incident: Incident, field: K): PageRelations[K] | undefined {
  return (incident as unknown as { [PAGE_RELATIONS]?: PageRelations })[PAGE_RELATIONS]?.[field];
}

/** Incident fields served by a field resolver that reads nothing but these properties (and the id). */
const RESOLVED_FIELD_READS: Record<string, string[]> = {
  key: ["number"],
  service: ["serviceId"],
  team: ["teamId"],
  assignee: ["assigneeId"],
  reporter: ["reporterId"],
  commander: ["commanderId"],
  communicationsLead: ["communicationsLeadId"],
  scribe: ["scribeId"],
  duplicateOf: ["duplicateOfId"],
  latestTimelineEntry: [],
};

interface EntityShape<T> {
  map: (r: Record<string, unknown>) => T;
  /** Column name by property name. */
  columns: Map<string, string>;
}
function shapeOf<T extends object>(dataSource: DataSource, entity: new () => T): EntityShape<T> {
  return { map: rowMapper(dataSource, entity), columns: new Map(dataSource.getMetadata(entity).columns.map((c) => [c.propertyName, c.databaseName])) };
}
const shapes = new WeakMap<DataSource, { incident: EntityShape<Incident>; service: EntityShape<Service>; team: EntityShape<Team>; user: EntityShape<User>; timeline: EntityShape<TimelineEntry> }>();
function shapesFor(dataSource: DataSource) {
  let m = shapes.get(dataSource);
  if (!m) {
    m = { incident: shapeOf(dataSource, Incident), service: shapeOf(dataSource, Service), team: shapeOf(dataSource, Team), user: shapeOf(dataSource, User), timeline: shapeOf(dataSource, TimelineEntry) };
    shapes.set(dataSource, m);
  }
  return m;
}

/**
 * The columns a selection needs when every selected field is a column (or `__typename`), or a field
 * resolver listed in `resolved`; undefined (all columns) when anything else is selected.
 */
function selectedColumns(selection: Map<string, unknown> | undefined, columns: Map<string, string>, resolved: Record<string, string[]> = {}): string[] | undefined {
  if (!selection) return undefined;
  const needed = new Set<string>(["id"]);
  for (const field of selection.keys()) {
    if (field === "__typename") continue;
    const reads = resolved[field] ?? (columns.has(field) ? [field] : undefined);
    if (!reads) return undefined;
    for (const property of reads) needed.add(property);
  }
  return [...needed].map((property) => columns.get(property)!);
}

/** A related row as JSON: only `columns` when given, else the whole row. */
const rowJson = (alias: string, columns: string[] | undefined) => (columns ? `json_build_object(${columns.map((c) => `'${c}', ${alias}.${c}`).join(", ")})` : `to_jsonb(${alias})`);

/**
 * Keyset pagination: the cursor holds (sort value, id), so pages stay stable while rows are
 * inserted, and the id breaks ties between equal sort values.
 *
 * One statement serves the page: the rows (plain SQL, mapped without TypeORM's hydration), the total
 * (kept counts or a count, see incidentTotalSql, run once), and, when `primes` is given, each row's service,
 * team, assignee and latest timeline entry that the request selects (index lookups per row). A
 * queue page used to take six statements and as many round trips.
 *
 * With `selection` (the fields the request selects on each node) the statement reads only the
 * columns those fields need, when all of them are plain columns or known field resolvers; a related
 * row whose selection is all plain columns comes as just those columns and serves only this page's
 * resolvers (`pageRelation`), else it comes whole and also primes the DataLoaders.
 */
export async function listIncidents(
  dataSource: DataSource,
  args: { filter?: IncidentFilter; sort?: IncidentSort; first?: number; after?: string },
  primes?: PagePrimes,
  selection?: NodeSelection,
): Promise<IncidentPage> {
  const first = args.first ?? 50;
  if (first < 1 || first > MAX_PAGE_SIZE) throw badInput("first", `must be between 1 and ${MAX_PAGE_SIZE}`);
  const field = args.sort?.field ?? IncidentSortField.createdAt;
  const direction = args.sort?.direction ?? SortDirection.DESC;
  const column = SORT_COLUMN[field];
  const params: unknown[] = [];
  const total = incidentTotalSql(args.filter, params);
  const filterWhere = incidentFilterConditions(args.filter, params);
  const shape = shapesFor(dataSource);
  const sub = (field: string, entity: EntityShape<unknown>) => {
    const nodes = selection?.fields.get(field);
    return nodes ? selectedColumns(subSelection(nodes, selection!.fragments), entity.columns) : undefined;
  };

  const incidentColumns = selectedColumns(selection?.fields, shape.incident.columns, RESOLVED_FIELD_READS);
  // The cursor holds the sort value: read every field sortValue needs for it.
  if (incidentColumns) for (const read of CURSOR_READS[field] ?? [field]) incidentColumns.push(shape.incident.columns.get(read)!);
  const selects = [...new Set(incidentColumns ?? shape.incident.columns.values())].map((name) => `i.${name} AS "${name}"`);
  selects.push("t.n AS _total_count");
  const lean = { service: sub("service", shape.service), team: sub("team", shape.team), assignee: sub("assignee", shape.user), latest: sub("latestTimelineEntry", shape.timeline) };
  // A relation the request does not select is not fetched (without a selection, all four are).
  const wanted = (relation: string) => !!primes && (!selection || selection.fields.has(relation));
  const want = { service: wanted("service"), team: wanted("team"), assignee: wanted("assignee"), latest: wanted("latestTimelineEntry") };
  if (want.service) selects.push(`(SELECT ${rowJson("s", lean.service)} FROM service s WHERE s.id = i.service_id) AS _service`);
  if (want.team) selects.push(`(SELECT ${rowJson("t", lean.team)} FROM team t WHERE t.id = i.team_id) AS _team`);
  if (want.assignee) selects.push(`(SELECT ${rowJson("u", lean.assignee)} FROM app_user u WHERE u.id = i.assignee_id) AS _assignee`);
  if (want.latest) selects.push(`(SELECT ${rowJson("e", lean.latest)} FROM timeline_entry e WHERE e.incident_id = i.id ORDER BY e.created_at DESC LIMIT 1) AS _latest`);
  const pageWhere = [...filterWhere];
  if (args.after) {
    const [value, id] = decodeCursor(args.after, "after", SORT_VALUE_CHECK[field]);
    const op = direction === SortDirection.DESC ? "<" : ">";
    const [v, cursorId] = [`$${params.push(value)}`, `$${params.push(id)}`];
    pageWhere.push(`(${column} ${op} ${v} OR (${column} = ${v} AND i.id ${op} ${cursorId}))`);
  }
  const order = direction === SortDirection.DESC ? "DESC" : "ASC";
  // The total is the outer row source (computed once), the page joins it: an empty page is one row
  // with the total and no incident, so every page, empty or not, is one statement.
  const raw: Array<Record<string, unknown>> = await dataSource.query(
    `SELECT ${selects.join(", ")} FROM (SELECT ${total} AS n) t` +
      ` LEFT JOIN LATERAL (SELECT i.* FROM incident i${whereClause(pageWhere)} ORDER BY ${column} ${order}, i.id ${order} LIMIT ${first + 1}) i ON true` +
      ` ORDER BY ${column} ${order}, i.id ${order}`,
    params,
  );
  const totalCount = Number(raw[0]!._total_count);
  const found = raw[0]!.id === null ? [] : raw;
  const hasNextPage = found.length > first;
  const rows = found.slice(0, first);
  const nodes = rows.map((row) => {
    const incident = shape.incident.map(row);
    if (primes) {
      const json = (value: unknown) => value as Record<string, unknown> | null;
      const relations: PageRelations = {};
      if (want.service) relations.service = row._service ? shape.service.map(json(row._service)!) : null;
      if (want.team) relations.team = row._team ? shape.team.map(json(row._team)!) : null;
      if (want.assignee) relations.assignee = row._assignee ? shape.user.map(json(row._assignee)!) : null;
      if (want.latest) relations.latestTimelineEntry = row._latest ? shape.timeline.map(json(row._latest)!) : null;
      Object.defineProperty(incident, PAGE_RELATIONS, { value: relations });
      // Whole rows are good for anyone in this request; rows of a few columns are not.
      if (relations.service && !lean.service) primes.service.prime(incident.serviceId!, relations.service);
      if (relations.team && !lean.team) primes.team.prime(incident.teamId!, relations.team);
      if (relations.assignee && !lean.assignee) primes.user.prime(incident.assigneeId!, relations.assignee);
      if (want.latest && !lean.latest) primes.latestTimelineEntry.prime(incident.id, relations.latestTimelineEntry ?? null);
    }
    return incident;
  });
  const edges = nodes.map((node) => ({ cursor: encodeCursor(sortValue(node, field), node.id), node }));
  return {
    edges,
    totalCount,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: !!args.after,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
