import { Brackets, type DataSource, type SelectQueryBuilder } from "typeorm";
import { badInput } from "../../platform/errors";
import { decodeCursor, encodeCursor } from "../../platform/graphql/connection";
import { Incident } from "../incident/incident.entity";
import { MAX_PAGE_SIZE } from "../incident/incident.query";
import { Problem } from "./problem.entity";
import type { ProblemFilter } from "./problem.inputs";
import { KNOWN_ERROR_STAGES } from "./problem.rules";

export interface Page<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
}

/** Same expression as IDX_problem_search, so the GIN index serves it. */
const SEARCH_VECTOR = (a: string) =>
  `to_tsvector('english', ${a}.title || ' ' || ${a}.statement || ' ' || coalesce(${a}.root_cause, '') || ' ' || coalesce(${a}.workaround, ''))`;
const KNOWN_ERROR_SQL = (a: string) => `(${a}.stage IN (${KNOWN_ERROR_STAGES.map((s) => `'${s}'`).join(", ")}) AND coalesce(btrim(${a}.workaround), '') <> '')`;

function applyProblemFilter(qb: SelectQueryBuilder<Problem>, filter: ProblemFilter | undefined): SelectQueryBuilder<Problem> {
  if (!filter) return qb;
  if (filter.stage?.length) qb.andWhere("p.stage IN (:...stages)", { stages: filter.stage });
  if (filter.ownerId) qb.andWhere("p.owner_id = :ownerId", { ownerId: filter.ownerId });
  if (filter.serviceId) {
    qb.andWhere("EXISTS (SELECT 1 FROM problem_affected_service ps WHERE ps.problem_id = p.id AND ps.service_id = :serviceId)", { serviceId: filter.serviceId });
  }
  if (filter.knownError === true) qb.andWhere(KNOWN_ERROR_SQL("p"));
  if (filter.knownError === false) qb.andWhere(`NOT ${KNOWN_ERROR_SQL("p")}`);
  if (filter.text?.trim()) qb.andWhere(`${SEARCH_VECTOR("p")} @@ websearch_to_tsquery('english', :text)`, { text: filter.text.trim() });
  return qb;
}

/** Keyset pages over (created_at, id), newest first: stable while rows arrive. */
async function keysetPage<T extends { id: string; createdAt: Date }>(base: SelectQueryBuilder<T>, alias: string, first: number, after?: string): Promise<Page<T>> {
  if (first < 1 || first > MAX_PAGE_SIZE) throw badInput("first", `must be between 1 and ${MAX_PAGE_SIZE}`);
  const totalCount = await base.clone().getCount();
  const page = base.clone();
  if (after) {
    const [value, id] = decodeCursor(after);
    page.andWhere(
      new Brackets((w) => {
        w.where(`${alias}.created_at < :cursorValue`, { cursorValue: value }).orWhere(`(${alias}.created_at = :cursorValue AND ${alias}.id < :cursorId)`, { cursorId: id });
      }),
    );
  }
  const rows = await page.orderBy(`${alias}.created_at`, "DESC").addOrderBy(`${alias}.id`, "DESC").limit(first + 1).getMany();
  const nodes = rows.slice(0, first);
  const edges = nodes.map((node) => ({ cursor: encodeCursor(node.createdAt.toISOString(), node.id), node }));
  return {
    edges,
    totalCount,
    pageInfo: { hasNextPage: rows.length > first, hasPreviousPage: !!after, startCursor: edges[0]?.cursor ?? null, endCursor: edges[edges.length - 1]?.cursor ?? null },
  };
}

export function listProblems(dataSource: DataSource, args: { filter?: ProblemFilter; first?: number; after?: string }): Promise<Page<Problem>> {
  const base = applyProblemFilter(dataSource.getRepository(Problem).createQueryBuilder("p"), args.filter);
  return keysetPage(base, "p", args.first ?? 50, args.after);
}

/** The incidents linked to one problem, newest first. */
export function linkedIncidents(dataSource: DataSource, problemId: string, args: { first?: number; after?: string }): Promise<Page<Incident>> {
  const base = dataSource
    .getRepository(Incident)
    .createQueryBuilder("i")
    .innerJoin("problem_incident", "l", "l.incident_id = i.id")
    .where("l.problem_id = :problemId", { problemId });
  return keysetPage(base, "i", args.first ?? 50, args.after);
}

/** The known-error database: best text match first when searching, else the newest known errors. */
export async function searchKnownErrors(dataSource: DataSource, search: string | undefined, first: number): Promise<Problem[]> {
  if (first < 1 || first > MAX_PAGE_SIZE) throw badInput("first", `must be between 1 and ${MAX_PAGE_SIZE}`);
  const qb = dataSource.getRepository(Problem).createQueryBuilder("p").where(KNOWN_ERROR_SQL("p"));
  const text = search?.trim();
  if (text) {
    qb.andWhere(`${SEARCH_VECTOR("p")} @@ websearch_to_tsquery('english', :text)`, { text })
      .addSelect(`ts_rank(${SEARCH_VECTOR("p")}, websearch_to_tsquery('english', :text))`, "rank")
      .orderBy("rank", "DESC");
  } else {
    qb.orderBy("p.known_error_at", "DESC", "NULLS LAST");
  }
  return qb.addOrderBy("p.created_at", "DESC").limit(first).getMany();
}

/** Linked incidents per ISO week (Monday, UTC) from the first to the last week that has any: shows whether the fix worked. */
export async function incidentsPerWeek(dataSource: DataSource, problemId: string): Promise<Array<{ weekStart: Date; count: number }>> {
  const rows = (await dataSource.query(
    `WITH weeks AS (
       SELECT date_trunc('week', i.identified_at AT TIME ZONE 'UTC') AS week, count(*)::int AS n
         FROM problem_incident l JOIN incident i ON i.id = l.incident_id
        WHERE l.problem_id = $1 GROUP BY 1)
     SELECT to_char(g.week, 'YYYY-MM-DD') AS week, coalesce(w.n, 0)::int AS count
       FROM (SELECT generate_series(min(week), max(week), interval '1 week') AS week FROM weeks) g
       LEFT JOIN weeks w ON w.week = g.week
      ORDER BY g.week`,
    [problemId],
  )) as Array<{ week: string; count: number }>;
  return rows.map((r) => ({ weekStart: new Date(`${r.week}T00:00:00Z`), count: r.count }));
}
