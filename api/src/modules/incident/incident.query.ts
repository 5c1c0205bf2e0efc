import { Brackets, type DataSource, type SelectQueryBuilder } from "typeorm";
import { badInput } from "../../platform/errors";
import { decodeCursor, encodeCursor, isSafeInteger, isTimestamp, type SortValue } from "../../platform/graphql/connection";
import { Incident } from "./incident.entity";
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

const SORT_COLUMN: Record<IncidentSortField, string> = {
  [IncidentSortField.createdAt]: "i.created_at",
  [IncidentSortField.updatedAt]: "i.updated_at",
  [IncidentSortField.priority]: "i.priority",
  [IncidentSortField.number]: "i.number",
  [IncidentSortField.slaDueAt]: `COALESCE(i.sla_due_at, CAST('${NO_SLA_DEADLINE}' AS timestamptz))`,
};

function sortValue(incident: Incident, field: IncidentSortField): string | number {
  if (field === IncidentSortField.slaDueAt) return incident.slaDueAt?.toISOString() ?? NO_SLA_DEADLINE;
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

/**
 * Keyset pagination: the cursor holds (sort value, id), so pages stay stable while rows are
 * inserted, and the id breaks ties between equal sort values.
 */
export async function listIncidents(
  dataSource: DataSource,
  args: { filter?: IncidentFilter; sort?: IncidentSort; first?: number; after?: string },
): Promise<IncidentPage> {
  const first = args.first ?? 50;
  if (first < 1 || first > MAX_PAGE_SIZE) throw badInput("first", `must be between 1 and ${MAX_PAGE_SIZE}`);
  const field = args.sort?.field ?? IncidentSortField.createdAt;
  const direction = args.sort?.direction ?? SortDirection.DESC;
  const column = SORT_COLUMN[field];
  const base = applyIncidentFilter(dataSource.getRepository(Incident).createQueryBuilder("i"), args.filter);
  const totalCount = await base.clone().getCount();

  const page = base.clone();
  if (args.after) {
    const [value, id] = decodeCursor(args.after, "after", SORT_VALUE_CHECK[field]);
    const op = direction === SortDirection.DESC ? "<" : ">";
    page.andWhere(
      new Brackets((w) => {
        w.where(`${column} ${op} :cursorValue`, { cursorValue: value }).orWhere(`(${column} = :cursorValue AND i.id ${op} :cursorId)`, { cursorId: id });
      }),
    );
  }
  const rows = await page
    .orderBy(column, direction)
    .addOrderBy("i.id", direction)
    .limit(first + 1)
    .getMany();
  const hasNextPage = rows.length > first;
  const nodes = rows.slice(0, first);
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
