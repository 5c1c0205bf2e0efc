import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Incident } from "../../src/modules/incident/incident.entity";
import { TimelineEntry, TimelineKind } from "../../src/modules/incident/timeline.entity";
import { Stage } from "../../src/modules/incident/incident.lifecycle";
import { Severity } from "../../src/modules/incident/incident.entity";
import { codeOf, seedFixture, startTestApi, type Fixture } from "../support/harness";

const PAGE_QUERY = `query($first: Int, $after: String, $filter: IncidentFilter, $sort: IncidentSort) {
  incidents(first: $first, after: $after, filter: $filter, sort: $sort) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id key title priority stage service { name } team { name } assignee { name } latestTimelineEntry { message } } }
  }
}`;

describe("incident list: filters, sorting, cursors and batching", () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let f: Fixture;
  const created: Incident[] = [];

  beforeAll(async () => {
    t = await startTestApi();
    f = await seedFixture(t.api);
    // 120 incidents written straight to the tables (fast), spread over 120 hours.
    const repo = t.api.dataSource.getRepository(Incident);
    const start = Date.UTC(2026, 5, 1);
    for (let i = 0; i < 120; i++) {
      const at = new Date(start + i * 3_600_000);
      const incident = await repo.save(
        repo.create({
          title: i % 10 === 0 ? `Database replication lag on replica ${i}` : `Printer jam number ${i}`,
          description: i % 10 === 0 ? "Postgres replica is far behind the primary" : "Paper stuck in tray",
          impact: (i % 3) + 1,
          urgency: 2,
          priority: (i % 3) + 2,
          severity: i % 2 ? Severity.SEV3 : null,
          stage: i % 4 === 0 ? Stage.closed : Stage.identified,
          serviceId: i % 2 ? f.service.id : null,
          teamId: f.team.id,
          assigneeId: i % 3 === 0 ? f.users.agent.id : null,
          createdAt: at,
          identifiedAt: at,
        }),
      );
      await t.api.dataSource.getRepository(TimelineEntry).save({ incidentId: incident.id, kind: TimelineKind.created, message: `opened ${i}`, actorId: null, data: null });
      created.push(incident);
    }
    await t.gql("{ __typename }", {}, f.tokens.analyst); // the analyst's session is read once, here
  });
  afterAll(async () => t?.stop());

  const page = (vars: Record<string, unknown>) => t.gql(PAGE_QUERY, vars, f.tokens.analyst);

  it("serves a page of 5 or 50, with each row's relations, in one SQL statement, and a known session from memory", async () => {
    const fresh = await t.api.services.users.sessions.open(f.users.agent);
    const first = await t.gql(PAGE_QUERY, { first: 5 }, fresh.token);
    const small = await t.gql(PAGE_QUERY, { first: 5 }, fresh.token);
    const large = await t.gql(PAGE_QUERY, { first: 50 }, fresh.token);
    expect(small.errors).toBeUndefined();
    expect(large.data!.incidents.edges).toHaveLength(50);
    expect(large.data!.incidents.edges.every((e: { node: { latestTimelineEntry: unknown } }) => e.node.latestTimelineEntry)).toBe(true);
    // The token's first request reads its session and user; later ones do not.
    expect(first.sqlStatements).toBe(2);
    // One page statement: total, rows, service, team, assignee and latest timeline entry.
    expect(small.sqlStatements).toBe(1);
    expect(large.sqlStatements).toBe(1);
  });

  it("brings each row's service, team, assignee and latest entry with the page, the same as loading them one by one", async () => {
    const res = await page({ first: 50, filter: { stage: ["identified"] }, sort: { field: "priority", direction: "ASC" } });
    expect(res.errors).toBeUndefined();
    expect(res.sqlStatements).toBe(1);
    const conn = res.data!.incidents;
    expect(conn.totalCount).toBe(90);
    const byId = new Map(created.map((c) => [c.id, c]));
    for (const { node } of conn.edges) {
      const incident = byId.get(node.id)!;
      expect(node.stage).toBe("identified");
      expect(node.service?.name ?? null).toBe(incident.serviceId ? f.service.name : null);
      expect(node.team.name).toBe(f.team.name);
      expect(node.assignee?.name ?? null).toBe(incident.assigneeId ? f.users.agent.name : null);
      expect(node.latestTimelineEntry.message).toBe(`opened ${created.indexOf(incident)}`);
    }
    const priorities = conn.edges.map((e: { node: { priority: number } }) => e.node.priority);
    expect(priorities).toEqual([...priorities].sort((a, b) => a - b));
    // An empty page still knows its total (zero) and has no cursors, in the same one statement.
    const empty = await page({ first: 5, filter: { stage: ["cancelled"] } });
    expect(empty.data!.incidents).toMatchObject({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
    expect(empty.sqlStatements).toBe(1);
    // So is a page past the last row (a cursor after everything) and a filtered view of the queue.
    const past = await page({ first: 50, after: conn.pageInfo.endCursor, filter: { stage: ["identified"] }, sort: { field: "priority", direction: "ASC" } });
    expect(past.data!.incidents).toMatchObject({ totalCount: 90, pageInfo: { hasNextPage: false } });
    const last = await page({ first: 50, after: past.data!.incidents.pageInfo.endCursor, filter: { stage: ["identified"] }, sort: { field: "priority", direction: "ASC" } });
    expect(last.data!.incidents).toMatchObject({ totalCount: 90, edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
    expect([past.sqlStatements, last.sqlStatements]).toEqual([1, 1]);
    const mine = await page({ first: 5, filter: { stage: ["identified"], assigneeId: f.users.agent.id } });
    expect(mine.data!.incidents.totalCount).toBe(created.filter((c) => c.stage === Stage.identified && c.assigneeId === f.users.agent.id).length);
    expect(mine.sqlStatements).toBe(1);
  });

  it("batches the problem relations: a page of 5 costs the same SQL as a page of 50, for incidents with their problem and for problems", async () => {
    const pm = { kind: "user" as const, userId: f.users.problem_manager.id, role: f.users.problem_manager.role, label: "pm" };
    for (let p = 0; p < 12; p++) {
      await t.api.services.problems.createFromIncidents(pm, { incidentIds: created.slice(p * 8, p * 8 + 8).map((c) => c.id) });
    }
    const incidentPage = (first: number) =>
      t.gql(`query($first: Int) { incidents(first: $first, sort: { field: createdAt, direction: ASC }) { edges { node { id problem { key linkedIncidentCount } similarIncidentProblems { similarIncidents } } } } }`, { first }, f.tokens.analyst);
    const [small, large] = [await incidentPage(5), await incidentPage(50)];
    expect(large.errors).toBeUndefined();
    expect(large.data!.incidents.edges.filter((e: { node: { problem: unknown } }) => e.node.problem)).toHaveLength(50);
    expect(large.sqlStatements).toBe(small.sqlStatements);

    const problemPage = (first: number) =>
      t.gql(`query($first: Int) { problems(first: $first) { totalCount edges { node { key owner { name } services { name } linkedIncidentCount openIncidentCount isKnownError } } } }`, { first }, f.tokens.analyst);
    const [few, many] = [await problemPage(2), await problemPage(12)];
    expect(many.errors).toBeUndefined();
    expect(many.data!.problems.edges).toHaveLength(12);
    expect(many.data!.problems.edges[0].node.linkedIncidentCount).toBe(8);
    // count + page + owners + services (links, then rows) + incident counts (the session is cached)
    expect(few.sqlStatements).toBe(6);
    expect(many.sqlStatements).toBe(few.sqlStatements);
  });

  it("reads only the selected columns, through fragments and aliases, and answers as the whole rows do", async () => {
    const fields = "id key title priority stage createdAt service { id name } team { name } assignee { name email } latestTimelineEntry { message createdAt }";
    const vars = { first: 60, sort: { field: "priority", direction: "ASC" } };
    const lean = await t.gql(`query($first: Int, $sort: IncidentSort) { incidents(first: $first, sort: $sort) { edges { node { ${fields} } } } }`, vars, f.tokens.analyst);
    // allowedTransitions and service.ownerTeam are not plain columns: these rows come whole.
    const whole = await t.gql(`query($first: Int, $sort: IncidentSort) { incidents(first: $first, sort: $sort) { edges { node { ${fields} allowedTransitions service { ownerTeam { name } } } } } }`, vars, f.tokens.analyst);
    expect(lean.errors).toBeUndefined();
    expect(whole.errors).toBeUndefined();
    const strip = (edges: Array<{ node: Record<string, any> }>) => edges.map(({ node }) => ({ ...node, allowedTransitions: undefined, service: node.service && { id: node.service.id, name: node.service.name } }));
    expect(strip(lean.data!.incidents.edges)).toEqual(strip(whole.data!.incidents.edges));
    expect(lean.data!.incidents.edges.some((e: { node: { service: unknown } }) => e.node.service)).toBe(true);

    // Fragments and aliases select columns too; a service of a few columns never reaches the loader
    // that a later field (the duplicate's service, with its owner team) reads.
    const [duplicate, original] = [created[1]!, created[3]!];
    await t.api.dataSource.getRepository(Incident).update(duplicate.id, { duplicateOfId: original.id });
    const mixed = await t.gql(
      `query { incidents(first: 200, sort: { field: createdAt, direction: ASC }) { edges { node { ...Row svc: service { id } duplicateOf { service { name ownerTeam { name } } } } } } }
      fragment Row on Incident { id service { ...Named } }
      fragment Named on Service { name }`,
      {},
      f.tokens.analyst,
    );
    await t.api.dataSource.getRepository(Incident).update(duplicate.id, { duplicateOfId: null });
    expect(mixed.errors).toBeUndefined();
    const rows = mixed.data!.incidents.edges.map((e: { node: any }) => e.node);
    expect(rows.filter((r: any) => r.service).length).toBeGreaterThan(10);
    expect(rows.filter((r: any) => r.service).every((r: any) => r.service.name === f.service.name && r.svc.id === f.service.id)).toBe(true);
    expect(rows.find((r: any) => r.id === duplicate.id).duplicateOf.service).toEqual({ name: f.service.name, ownerTeam: { name: f.team.name } });

    // Cursors from rows of a few columns still carry the sort value.
    const walked: string[] = [];
    let after: string | undefined;
    for (;;) {
      const res = await t.gql(`query($after: String) { incidents(first: 7, after: $after, sort: { field: priority, direction: ASC }) { pageInfo { hasNextPage endCursor } edges { node { id } } } }`, { after }, f.tokens.analyst);
      walked.push(...res.data!.incidents.edges.map((e: { node: { id: string } }) => e.node.id));
      if (!res.data!.incidents.pageInfo.hasNextPage || walked.length >= 60) break;
      after = res.data!.incidents.pageInfo.endCursor;
    }
    expect(walked.slice(0, 60)).toEqual(whole.data!.incidents.edges.map((e: { node: { id: string } }) => e.node.id));
  });

  it("walks every incident exactly once with cursors, even when new ones arrive mid-walk", async () => {
    const seen: string[] = [];
    let after: string | undefined;
    let first = true;
    for (;;) {
      const res = await page({ first: 25, after, sort: { field: "createdAt", direction: "ASC" } });
      const conn = res.data!.incidents;
      seen.push(...conn.edges.map((e: { node: { id: string } }) => e.node.id));
      if (first) {
        // A newer incident inserted during the walk must not shift the pages already read.
        await t.gql(`mutation { createIncident(input: { title: "Arrived mid-walk", impact: 3, urgency: 3 }) { id } }`, {}, f.tokens.agent);
        first = false;
      }
      if (!conn.pageInfo.hasNextPage) break;
      after = conn.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.slice(0, 120)).toEqual(created.map((c) => c.id));
  });

  it("filters by stage, priority, severity, service, assignee, text and creation range", async () => {
    const ids = async (filter: Record<string, unknown>) =>
      ((await page({ first: 200, filter })).data!.incidents.edges as Array<{ node: { id: string } }>).map((e) => e.node.id).sort();
    const expectIds = (pred: (i: Incident, n: number) => boolean) => created.filter((c, n) => pred(c, n)).map((c) => c.id).sort();
    expect(await ids({ stage: ["closed"] })).toEqual(expectIds((c) => c.stage === Stage.closed));
    expect(await ids({ priority: [2] })).toEqual(expectIds((c) => c.priority === 2));
    expect(await ids({ severity: ["SEV3"] })).toEqual(expectIds((c) => c.severity === Severity.SEV3));
    expect(await ids({ serviceId: f.service.id })).toEqual(expectIds((c) => c.serviceId === f.service.id));
    expect(await ids({ assigneeId: f.users.agent.id })).toEqual(expectIds((c) => c.assigneeId === f.users.agent.id));
    expect(await ids({ search: "replication lag" })).toEqual(expectIds((_c, n) => n % 10 === 0));
    expect(await ids({ createdAfter: created[10].createdAt.toISOString(), createdBefore: created[20].createdAt.toISOString() })).toEqual(expectIds((_c, n) => n >= 10 && n < 20));
    expect(await ids({ stage: ["closed"], search: "replica" })).toEqual(expectIds((c, n) => c.stage === Stage.closed && n % 10 === 0));
  });

  it("sorts by priority with a stable tie-break", async () => {
    const res = await page({ first: 200, filter: { createdBefore: "2026-07-01T00:00:00Z" }, sort: { field: "priority", direction: "ASC" } });
    const priorities = res.data!.incidents.edges.map((e: { node: { priority: number } }) => e.node.priority);
    expect(priorities).toEqual([...priorities].sort((a, b) => a - b));
  });

  it("refuses a forged cursor and an oversized page with BAD_USER_INPUT", async () => {
    expect(codeOf(await page({ first: 10, after: "not-a-cursor" }))).toBe("BAD_USER_INPUT");
    expect(codeOf(await page({ first: 10_000 }))).toBe("BAD_USER_INPUT");
  });
});
