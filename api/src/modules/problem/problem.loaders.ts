import DataLoader from "dataloader";
import { In, type DataSource } from "typeorm";
import type { QuellContext } from "../../platform/graphql/context";
import { Service } from "../catalog/catalog.entity";
import { Problem } from "./problem.entity";

export interface ProblemCount {
  problemId: string;
  count: number;
}

/** Batched lookups for the problem fields: one query per relation per request, whatever the page size. */
function createProblemLoaders(dataSource: DataSource) {
  return {
    problem: new DataLoader<string, Problem | null>(async (ids) => {
      const rows = await dataSource.getRepository(Problem).find({ where: { id: In([...ids]) } });
      return ids.map((id) => rows.find((r) => r.id === id) ?? null);
    }),
    /** incident id → the id of its problem. */
    problemIdOfIncident: new DataLoader<string, string | null>(async (incidentIds) => {
      const rows = (await dataSource.query(`SELECT incident_id, problem_id FROM problem_incident WHERE incident_id = ANY($1::uuid[])`, [[...incidentIds]])) as Array<{ incident_id: string; problem_id: string }>;
      const found = new Map(rows.map((r) => [r.incident_id, r.problem_id]));
      return incidentIds.map((id) => found.get(id) ?? null);
    }),
    /** problem id → linked incidents, all and still open. */
    incidentCounts: new DataLoader<string, { total: number; open: number }>(async (problemIds) => {
      const rows = (await dataSource.query(
        `SELECT l.problem_id, count(*)::int AS total, count(*) FILTER (WHERE i.stage NOT IN ('closed', 'cancelled'))::int AS open
           FROM problem_incident l JOIN incident i ON i.id = l.incident_id WHERE l.problem_id = ANY($1::uuid[]) GROUP BY l.problem_id`,
        [[...problemIds]],
      )) as Array<{ problem_id: string; total: number; open: number }>;
      return problemIds.map((id) => rows.find((r) => r.problem_id === id) ?? { total: 0, open: 0 });
    }),
    /** problem id → its affected services, by name. */
    services: new DataLoader<string, Service[]>(async (problemIds) => {
      const links = (await dataSource.query(`SELECT problem_id, service_id FROM problem_affected_service WHERE problem_id = ANY($1::uuid[])`, [[...problemIds]])) as Array<{ problem_id: string; service_id: string }>;
      const services = links.length ? await dataSource.getRepository(Service).find({ where: { id: In([...new Set(links.map((l) => l.service_id))]) }, order: { name: "ASC" } }) : [];
      return problemIds.map((id) => services.filter((s) => links.some((l) => l.problem_id === id && l.service_id === s.id)));
    }),
    /**
     * incident id → the problems linked to its similar past incidents (the CASE casts only similar
     * values, which are incident ids, so the join can use problem_incident's key) (from its latest triage),
     * with how many of those similar incidents each problem has.
     */
    similarProblems: new DataLoader<string, ProblemCount[]>(async (incidentIds) => {
      const rows = (await dataSource.query(
        `SELECT s.incident_id, l.problem_id, count(*)::int AS n
           FROM suggestion s JOIN problem_incident l ON l.incident_id = (CASE WHEN s.kind = 'similar' THEN s.value::uuid END)
          WHERE s.incident_id = ANY($1::uuid[]) AND s.kind = 'similar' AND NOT s.abstained
          GROUP BY s.incident_id, l.problem_id
          ORDER BY n DESC, l.problem_id`,
        [[...incidentIds]],
      )) as Array<{ incident_id: string; problem_id: string; n: number }>;
      return incidentIds.map((id) => rows.filter((r) => r.incident_id === id).map((r) => ({ problemId: r.problem_id, count: r.n })));
    }),
  };
}

export type ProblemLoaders = ReturnType<typeof createProblemLoaders>;
const perRequest = new WeakMap<object, ProblemLoaders>();

/** The request's problem loaders, made on first use (requests that never touch problems pay nothing). */
export function problemLoaders(ctx: QuellContext): ProblemLoaders {
  let loaders = perRequest.get(ctx);
  if (!loaders) {
    loaders = createProblemLoaders(ctx.dataSource);
    perRequest.set(ctx, loaders);
  }
  return loaders;
}
