import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase, openDatabase } from "../../src/platform/database/data-source";
import { seedDemoData } from "../../src/modules/demo/demo.seed";
import { ProblemStage } from "../../src/modules/problem/problem.lifecycle";
import { dropSchema, testConfig } from "../support/harness";

describe("demo seed: problems", () => {
  const config = testConfig();
  let dataSource: Awaited<ReturnType<typeof openDatabase>>;
  beforeAll(async () => {
    dataSource = await openDatabase(config);
    await seedDemoData(dataSource, { incidentCount: 320, now: new Date("2026-11-28T12:00:00Z") });
  });
  afterAll(async () => {
    await closeDatabase(dataSource);
    await dropSchema(config);
  });

  it("has a problem in every stage, each with linked incidents, and known errors with workarounds", async () => {
    const rows = (await dataSource.query(
      `SELECT p.stage::text AS stage, p.workaround, count(l.incident_id)::int AS linked
         FROM problem p LEFT JOIN problem_incident l ON l.problem_id = p.id GROUP BY p.id ORDER BY p.number`,
    )) as Array<{ stage: string; workaround: string | null; linked: number }>;
    expect(rows.map((r) => r.stage).sort()).toEqual(Object.values(ProblemStage).sort());
    for (const r of rows) expect(r.linked, r.stage).toBeGreaterThan(0);
    expect(rows.find((r) => r.stage === ProblemStage.known_error)!.workaround).toBeTruthy();
  });

  it("stamps and records every move of each seeded problem", async () => {
    const [closed] = await dataSource.query(`SELECT id, resolved_at, closed_at, fix_description FROM problem WHERE stage = 'closed'`);
    expect(closed.fix_description).toBeTruthy();
    expect(new Date(closed.closed_at) > new Date(closed.resolved_at)).toBe(true);
    const moves = await dataSource.query(`SELECT to_stage::text AS to FROM problem_transition WHERE problem_id = $1 ORDER BY at`, [closed.id]);
    expect(moves.map((m: { to: string }) => m.to)).toEqual(["new", "investigating", "root_cause_known", "known_error", "resolved", "closed"]);
  });

  it("gives every closed demo incident a resolution and a closure code, as closing requires", async () => {
    const [row] = (await dataSource.query(
      `SELECT count(*)::int AS closed, count(*) FILTER (WHERE closure_code IS NULL OR coalesce(resolution, '') = '')::int AS missing FROM incident WHERE stage = 'closed'`,
    )) as Array<{ closed: number; missing: number }>;
    expect(row.closed).toBeGreaterThan(100);
    expect(row.missing).toBe(0);
  });
});
