import { Brackets, type DataSource } from "typeorm";
import { badInput } from "../../platform/errors";
import { decodeCursor, encodeCursor, isTimestamp } from "../../platform/graphql/connection";
import { Alert } from "./alert.entity";
import type { AlertFilter } from "./alert.inputs";

export const MAX_ALERT_PAGE = 200;

export interface AlertPage {
  edges: Array<{ cursor: string; node: Alert }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
}

/** Most recently seen first, keyset-paged on (last seen, id). */
export async function listAlerts(dataSource: DataSource, args: { filter?: AlertFilter | null; first?: number | null; after?: string | null }): Promise<AlertPage> {
  const first = args.first ?? 50;
  if (first < 1 || first > MAX_ALERT_PAGE) throw badInput("first", `must be between 1 and ${MAX_ALERT_PAGE}`);
  const f = args.filter;
  const qb = dataSource.getRepository(Alert).createQueryBuilder("a");
  if (f?.status) qb.andWhere("a.status = :status", { status: f.status });
  if (f?.serviceId) qb.andWhere("a.service_id = :serviceId", { serviceId: f.serviceId });
  if (f?.source) qb.andWhere("a.source = :source", { source: f.source });
  if (f?.incidentId) qb.andWhere("a.incident_id = :incidentId", { incidentId: f.incidentId });
  if (f?.unplaced) qb.andWhere("a.incident_id IS NULL");
  const totalCount = await qb.clone().getCount();
  if (args.after) {
    const [seen, id] = decodeCursor(args.after, "after", isTimestamp);
    qb.andWhere(new Brackets((w) => w.where("a.last_seen_at < :seen", { seen }).orWhere("a.last_seen_at = :seen AND a.id < :id", { seen, id })));
  }
  const rows = await qb.orderBy("a.last_seen_at", "DESC").addOrderBy("a.id", "DESC").limit(first + 1).getMany();
  const nodes = rows.slice(0, first);
  const edges = nodes.map((node) => ({ cursor: encodeCursor(node.lastSeenAt.toISOString(), node.id), node }));
  return {
    edges,
    totalCount,
    pageInfo: { hasNextPage: rows.length > first, hasPreviousPage: !!args.after, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
  };
}
