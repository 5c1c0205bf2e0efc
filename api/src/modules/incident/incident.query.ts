import { Brackets, type DataSource, type SelectQueryBuilder } from "typeorm";
import { badInput } from "../../platform/errors";
import { decodeCursor, encodeCursor, isSafeInteger, isTimestamp, type SortValue } from "../../platform/graphql/connection";
import { rowMapper } from "../../platform/database/row-mapper";
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

function sortValue(incident: Incident, field: IncidentSortField): string | number {
  if (field === IncidentSortField.slaDueAt) {
    if (incident.slaDueAt) return incident.slaDueAt.toISOString();
    if (incident.slaPausedLeftSeconds !== null && incident.slaPausedLeftSeconds !== undefined) return new Date(Date.parse(PAUSED_SLA_BASE) + incident.slaPausedLeftSeconds * 1000).toISOString();
    return NO_SLA_DEADLINE;
  }
  const value = incident[field];
  return value instanceof Date ? value.toISOString() : (value as number);
}

export function applyIncidentFilter(qb: SelectQueryBuilder<Incident>, filter: IncidentFilter | undefined): SelectQueryBuilder<Incident> {
  if (!filter) return qb;
  if (filter.stage?.length) qb.andWhere("i.stage IN (:...stages)", { stages: filter.stage });
  if (filter.priority?.length) qb.andWhere("i.priority IN (:...priorities)", { priorities: filter.priority });
  if (filter.severity?.length) qb.andWhere("i.severity IN (:...severities)", { severities: filter.severity });
  if (filter.serviceId) qb.andWhere("i.service_id = :serviceId", { serviceId: filter.serviceId });
  if (filter.teamId) qb.andWhere("i.team_id = :teamId", { teamId: filter.teamId });
  if (filter.assigneeId) qb.andWhere("i.assignee_id = :assigneeId", { assigneeId: filter.assigneeId });
  if (filter.unassigned) qb.andWhere("i.assignee_id IS NULL");
  if (filter.isMajor !== undefined && filter.isMajor !== null) qb.andWhere("i.is_major = :isMajor", { isMajor: filter.isMajor });
  if (filter.createdAfter) qb.andWhere("i.created_at >= :createdAfter", { createdAfter: filter.createdAfter });
  if (filter.createdBefore) qb.andWhere("i.created_at < :createdBefore", { createdBefore: filter.createdBefore });
  if (filter.search?.trim()) {
    // Same expression as IDX_incident_search, so the GIN index serves it.
    qb.andWhere(`to_tsvector('english', i.title || ' ' || i.description) @@ websearch_to_tsquery('english', :search)`, { search: filter.search.trim() });
  }
  return qb;
}

/** Entities the page statement brings along, so the resolvers' DataLoaders find them without another round trip. */
export interface PagePrimes {
  service: { prime(id: string, value: Service | null): unknown };
  team: { prime(id: string, value: Team | null): unknown };
  user: { prime(id: string, value: User | null): unknown };
  latestTimelineEntry: { prime(incidentId: string, value: TimelineEntry | null): unknown };
}

const mappers = new WeakMap<DataSource, { incident: (r: Record<string, unknown>) => Incident; service: (r: Record<string, unknown>) => Service; team: (r: Record<string, unknown>) => Team; user: (r: Record<string, unknown>) => User; timeline: (r: Record<string, unknown>) => TimelineEntry; columns: string[] }>();
function mappersFor(dataSource: DataSource) {
  let m = mappers.get(dataSource);
  if (!m) {
    m = {
      incident: rowMapper(dataSource, Incident),
      service: rowMapper(dataSource, Service),
      team: rowMapper(dataSource, Team),
      user: rowMapper(dataSource, User),
      timeline: rowMapper(dataSource, TimelineEntry),
      columns: dataSource.getMetadata(Incident).columns.map((c) => c.databaseName),
    };
    mappers.set(dataSource, m);
  }
  return m;
}

/**
 * Keyset pagination: the cursor holds (sort value, id), so pages stay stable while rows are
 * inserted, and the id breaks ties between equal sort values.
 *
 * One statement serves the page: the rows (plain SQL, mapped without TypeORM's hydration), the total
 * (an uncorrelated subquery PostgreSQL runs once), and, when `primes` is given, each row's service,
 * team, assignee and latest timeline entry (index lookups per row), handed to the DataLoaders. A
 * queue page used to take six statements and as many round trips.
 */
export async function listIncidents(
  dataSource: DataSource,
  args: { filter?: IncidentFilter; sort?: IncidentSort; first?: number; after?: string },
  primes?: PagePrimes,
): Promise<IncidentPage> {
  const first = args.first ?? 50;
  if (first < 1 || first > MAX_PAGE_SIZE) throw badInput("first", `must be between 1 and ${MAX_PAGE_SIZE}`);
  const field = args.sort?.field ?? IncidentSortField.createdAt;
  const direction = args.sort?.direction ?? SortDirection.DESC;
  const column = SORT_COLUMN[field];
  const base = applyIncidentFilter(dataSource.getRepository(Incident).createQueryBuilder("i"), args.filter);
  const map = mappersFor(dataSource);

  const page = base.clone().select([]);
  for (const name of map.columns) page.addSelect(`i.${name}`, name);
  page.addSelect(`(${base.clone().select("count(*)").getQuery()})`, "_total_count");
  if (primes) {
    page
      .addSelect("(SELECT to_jsonb(s) FROM service s WHERE s.id = i.service_id)", "_service")
      .addSelect("(SELECT to_jsonb(t) FROM team t WHERE t.id = i.team_id)", "_team")
      .addSelect("(SELECT to_jsonb(u) FROM app_user u WHERE u.id = i.assignee_id)", "_assignee")
      .addSelect("(SELECT to_jsonb(e) FROM timeline_entry e WHERE e.incident_id = i.id ORDER BY e.created_at DESC LIMIT 1)", "_latest");
  }
  if (args.after) {
    const [value, id] = decodeCursor(args.after, "after", SORT_VALUE_CHECK[field]);
    const op = direction === SortDirection.DESC ? "<" : ">";
    page.andWhere(
      new Brackets((w) => {
        w.where(`${column} ${op} :cursorValue`, { cursorValue: value }).orWhere(`(${column} = :cursorValue AND i.id ${op} :cursorId)`, { cursorId: id });
      }),
    );
  }
  const raw = await page
    .orderBy(column, direction)
    .addOrderBy("i.id", direction)
    .limit(first + 1)
    .getRawMany<Record<string, unknown>>();
  // An empty page carries no total; only then does the count take a statement of its own.
  const totalCount = raw.length ? Number(raw[0]!._total_count) : await base.clone().getCount();
  const hasNextPage = raw.length > first;
  const rows = raw.slice(0, first);
  const nodes = rows.map((row) => {
    const incident = map.incident(row);
    if (primes) {
      const [service, team, assignee, latest] = [row._service, row._team, row._assignee, row._latest] as Array<Record<string, unknown> | null>;
      if (service) primes.service.prime(incident.serviceId!, map.service(service));
      if (team) primes.team.prime(incident.teamId!, map.team(team));
      if (assignee) primes.user.prime(incident.assigneeId!, map.user(assignee));
      primes.latestTimelineEntry.prime(incident.id, latest ? map.timeline(latest) : null);
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
