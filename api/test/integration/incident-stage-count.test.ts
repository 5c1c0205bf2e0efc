import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { countQueries } from "../../src/platform/database/query-counter";
import { Incident } from "../../src/modules/incident/incident.entity";
import { listIncidents } from "../../src/modules/incident/incident.query";
import { Stage } from "../../src/modules/incident/incident.lifecycle";
import { seedFixture, startTestApi, type Fixture } from "../support/harness";

const OPEN = ["identified", "classified", "assessed"];
const FIELDS = "id version stage";
type Row = { id: string; version: number; stage: string };

/**
 * The queue's total comes from `incident_stage_count` (migration IncidentStageCounts), kept by
 * triggers. After every kind of write it must hold exactly what counting the incidents gives, per
 * stage, overall, per team and per assignee, in the real PostgreSQL.
 */
describe("kept incident counts (incident_stage_count) equal count(*)", () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let f: Fixture;
  beforeAll(async () => {
    t = await startTestApi();
    f = await seedFixture(t.api);
  });
  afterAll(async () => t?.stop());

  /** Kept counts and counted rows, as "dimension subject stage = n" lines (zero counts left out). */
  async function keptAndCounted(): Promise<{ kept: string[]; counted: string[] }> {
    const ds = t.api.dataSource;
    const line = (r: { dimension: string; subject_id: string | null; stage: string; n: string }) => `${r.dimension} ${r.subject_id ?? "-"} ${r.stage} = ${Number(r.n)}`;
    const kept = await ds.query(`SELECT dimension, subject_id, stage, sum(incidents) n FROM incident_stage_count GROUP BY 1, 2, 3 HAVING sum(incidents) <> 0`);
    const counted = await ds.query(`
      SELECT 'all' dimension, NULL::uuid subject_id, stage, count(*) n FROM incident GROUP BY stage
      UNION ALL SELECT 'team', team_id, stage, count(*) FROM incident GROUP BY team_id, stage
      UNION ALL SELECT 'assignee', assignee_id, stage, count(*) FROM incident GROUP BY assignee_id, stage`);
    return { kept: kept.map(line).sort(), counted: counted.map(line).sort() };
  }
  const expectExact = async () => {
    const { kept, counted } = await keptAndCounted();
    expect(kept).toEqual(counted);
    return counted.length;
  };

  const create = async (input: Record<string, unknown>): Promise<Row> => {
    const res = await t.gql(`mutation($input: CreateIncidentInput!) { createIncident(input: $input) { ${FIELDS} } }`, { input }, f.tokens.agent);
    expect(res.errors).toBeUndefined();
    return res.data!.createIncident;
  };
  const move = async (i: Row, to: string, extra: Record<string, unknown> = {}): Promise<Row> => {
    const res = await t.gql(`mutation($input: TransitionIncidentInput!) { transitionIncident(input: $input) { ${FIELDS} } }`, { input: { id: i.id, version: i.version, to, ...extra } }, f.tokens.agent);
    expect(res.errors, to).toBeUndefined();
    return res.data!.transitionIncident;
  };
  const queueTotal = async (filter: Record<string, unknown>) => {
    const res = await t.gql(`query($filter: IncidentFilter) { incidents(first: 5, filter: $filter) { totalCount edges { node { id } } } }`, { filter }, f.tokens.agent);
    expect(res.errors).toBeUndefined();
    return { total: res.data!.incidents.totalCount as number, statements: res.sqlStatements };
  };

  it("stays exact through creates, stage changes, reassignment, reopening, duplicates and deletes", async () => {
    expect(await expectExact()).toBe(0);
    const a = await create({ title: "Checkout fails for card payments", impact: 1, urgency: 2, teamId: f.team.id, assigneeId: f.users.agent.id });
    const b = await create({ title: "Search results are slow", impact: 3, urgency: 3, teamId: f.team.id });
    const c = await create({ title: "VPN drops every hour", impact: 2, urgency: 2 });
    expect(await expectExact()).toBeGreaterThan(0);

    // Stage changes move the incident between stages in every dimension.
    let a2 = await move(a, "classified");
    a2 = await move(a2, "assessed");
    const b2 = await move(await move(await move(b, "classified"), "assessed"), "recovered");
    await expectExact();

    // Reassignment (the assignee and team keys move) and unassigning.
    const assigned = await t.gql(`mutation($input: AssignIncidentInput!) { assignIncident(input: $input) { ${FIELDS} } }`, { input: { id: c.id, version: c.version, assigneeId: f.users.agent.id, teamId: f.team.id } }, f.tokens.agent);
    expect(assigned.errors).toBeUndefined();
    const c2: Row = assigned.data!.assignIncident;
    const unassigned = await t.gql(`mutation($input: AssignIncidentInput!) { assignIncident(input: $input) { ${FIELDS} } }`, { input: { id: a2.id, version: a2.version, assigneeId: null, teamId: f.team.id } }, f.tokens.agent);
    expect(unassigned.errors).toBeUndefined();
    await expectExact();

    // Closing, then reopening (back to an open stage).
    const closed = await move(b2, "closed", { resolution: "Rebuilt the search index", closureCode: "solved_permanently" });
    await expectExact();
    const reopened = await t.gql(`mutation($input: ReopenIncidentInput!) { reopenIncident(input: $input) { ${FIELDS} } }`, { input: { id: closed.id, version: closed.version, reason: "Slow again" } }, f.tokens.agent);
    expect(reopened.errors).toBeUndefined();
    expect(reopened.data!.reopenIncident.stage).toBe("assessed");
    await expectExact();

    // A duplicate is merged into its original: cancelled, out of the queue.
    const merged = await t.gql(`mutation($input: MarkDuplicateInput!) { markDuplicate(input: $input) { ${FIELDS} } }`, { input: { id: c2.id, version: c2.version, duplicateOfId: a.id } }, f.tokens.agent);
    expect(merged.errors).toBeUndefined();
    expect(merged.data!.markDuplicate.stage).toBe("cancelled");
    await expectExact();

    // Deletes (no API deletes incidents; retention or an operator would, in SQL).
    await t.api.dataSource.query(`DELETE FROM incident WHERE id = $1`, [c.id]);
    await expectExact();
  });

  it("stays exact for bulk statements, concurrent writers on many connections, and a rolled-back transaction", async () => {
    const repo = t.api.dataSource.getRepository(Incident);
    // One statement inserting many rows over several stages, teams and assignees.
    await t.api.dataSource.query(
      `INSERT INTO incident (version, title, impact, urgency, priority, stage, team_id, assignee_id)
       SELECT 1, 'Bulk ' || g, 2, 2, 3, (ARRAY['identified', 'classified', 'assessed', 'closed']::stage[])[1 + g % 4], CASE WHEN g % 3 = 0 THEN NULL ELSE $1::uuid END, CASE WHEN g % 2 = 0 THEN $2::uuid END
         FROM generate_series(1, 200) g`,
      [f.team.id, f.users.agent.id],
    );
    await expectExact();
    // One statement moving many rows between stages and assignees at once.
    await t.api.dataSource.query(`UPDATE incident SET stage = 'contained', assignee_id = CASE WHEN assignee_id IS NULL THEN $1::uuid END WHERE title LIKE 'Bulk %' AND stage = 'classified'`, [f.users.admin.id]);
    await expectExact();
    // Writers on ten pooled connections at once (so on different count shards).
    await Promise.all(
      Array.from({ length: 20 }, (_, k) => create({ title: `Concurrent incident ${k}`, impact: 1 + (k % 3), urgency: 2, teamId: k % 2 ? f.team.id : undefined, assigneeId: k % 4 ? f.users.agent.id : undefined })),
    );
    await expectExact();
    // A rolled-back insert leaves the counts as they were.
    const before = await keptAndCounted();
    await t.api.dataSource
      .transaction(async (m) => {
        await m.getRepository(Incident).insert(repo.create({ title: "Never committed", impact: 1, urgency: 1, priority: 1, stage: Stage.identified, teamId: f.team.id }));
        throw new Error("roll back");
      })
      .catch(() => undefined);
    expect(await keptAndCounted()).toEqual(before);
    // An update that touches none of the counted columns writes no count.
    const rows = Number((await t.api.dataSource.query(`SELECT count(*) n FROM incident_stage_count`))[0].n);
    await t.api.dataSource.query(`UPDATE incident SET title = title || '.' WHERE title LIKE 'Bulk %'`);
    expect(Number((await t.api.dataSource.query(`SELECT count(*) n FROM incident_stage_count`))[0].n)).toBe(rows);
    await expectExact();
  });

  it("serves the queue's total from the kept counts in one statement, and counts rows for other filters, equal to count(*)", async () => {
    const count = async (where: string, params: unknown[] = []) => Number((await t.api.dataSource.query(`SELECT count(*) n FROM incident WHERE ${where}`, params))[0].n);
    const cases: Array<[Record<string, unknown>, string, unknown[]]> = [
      [{ stage: OPEN }, `stage IN ('identified', 'classified', 'assessed')`, []],
      [{}, "true", []],
      [{ stage: OPEN, teamId: f.team.id }, `stage IN ('identified', 'classified', 'assessed') AND team_id = $1`, [f.team.id]],
      [{ stage: OPEN, assigneeId: f.users.agent.id }, `stage IN ('identified', 'classified', 'assessed') AND assignee_id = $1`, [f.users.agent.id]],
      [{ stage: OPEN, unassigned: true }, `stage IN ('identified', 'classified', 'assessed') AND assignee_id IS NULL`, []],
      [{ stage: ["contained"], unassigned: false, priority: [] }, `stage = 'contained'`, []],
      // Not kept: counted, still exact.
      [{ stage: OPEN, priority: [3] }, `stage IN ('identified', 'classified', 'assessed') AND priority = 3`, []],
      [{ stage: OPEN, teamId: f.team.id, assigneeId: f.users.agent.id }, `stage IN ('identified', 'classified', 'assessed') AND team_id = $1 AND assignee_id = $2`, [f.team.id, f.users.agent.id]],
      [{ stage: OPEN, isMajor: false }, `stage IN ('identified', 'classified', 'assessed') AND NOT is_major`, []],
    ];
    await t.gql("{ __typename }", {}, f.tokens.agent); // the session is read once, here
    for (const [filter, where, params] of cases) {
      const expected = await count(where, params);
      const got = await queueTotal(filter);
      expect(got.total, JSON.stringify(filter)).toBe(expected);
      expect(got.statements, JSON.stringify(filter)).toBe(1);
    }
    expect(await count(`stage IN ('identified', 'classified', 'assessed')`)).toBeGreaterThan(0);
    // The queue's view reads the kept counts and counts no incident rows; a priority filter counts them.
    const kept = await countQueries(() => listIncidents(t.api.dataSource, { filter: { stage: OPEN as Stage[] }, first: 5 }));
    expect(kept.sql[0]).toContain("FROM incident_stage_count");
    expect(kept.sql[0]).not.toContain("count(*)");
    const counted = await countQueries(() => listIncidents(t.api.dataSource, { filter: { stage: OPEN as Stage[], priority: [3] }, first: 5 }));
    expect(counted.sql[0]).toContain("count(*)");
    // An empty page still carries its total, in the same one statement.
    const empty = await queueTotal({ stage: ["eradicated"] });
    expect(empty).toEqual({ total: 0, statements: 1 });
  });

  it("empties with the table on TRUNCATE", async () => {
    await t.api.dataSource.query(`TRUNCATE incident CASCADE`);
    expect(Number((await t.api.dataSource.query(`SELECT count(*) n FROM incident_stage_count`))[0].n)).toBe(0);
    await create({ title: "First incident after the purge", impact: 2, urgency: 2, teamId: f.team.id });
    await expectExact();
  });
});
