import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeOf, seedFixture, startTestApi, type Fixture } from "../support/harness";

const SET = `mutation($cells: [SetPriorityCellInput!]!) { setPriorityMatrix(cells: $cells) { impact urgency priority } }`;

describe("setPriorityMatrix", () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let f: Fixture;
  beforeAll(async () => {
    t = await startTestApi();
    f = await seedFixture(t.api);
  });
  afterAll(async () => t?.stop());

  const matrix = (priorityOf: (impact: number, urgency: number) => number) =>
    [1, 2, 3].flatMap((impact) => [1, 2, 3].map((urgency) => ({ impact, urgency, priority: priorityOf(impact, urgency) })));

  it("replaces the matrix, audits it, and new incidents take their priority from it", async () => {
    const everythingP5 = matrix(() => 5);
    const res = await t.gql(SET, { cells: everythingP5 }, f.tokens.admin);
    expect(res.errors).toBeUndefined();
    expect(res.data!.setPriorityMatrix).toHaveLength(9);
    expect(new Set(res.data!.setPriorityMatrix.map((c: { priority: number }) => c.priority))).toEqual(new Set([5]));

    const created = await t.gql(`mutation { createIncident(input: { title: "Everything is P5 now", impact: 1, urgency: 1 }) { priority } }`, {}, f.tokens.agent);
    expect(created.data!.createIncident.priority).toBe(5);

    const again = await t.gql(SET, { cells: matrix((i, u) => Math.min(5, i + u - 1)) }, f.tokens.admin);
    expect(again.errors).toBeUndefined();
    const read = await t.gql(`query { priorityMatrix { impact urgency priority } }`, {}, f.tokens.analyst);
    expect(read.data!.priorityMatrix.find((c: { impact: number; urgency: number }) => c.impact === 1 && c.urgency === 1).priority).toBe(1);
    const audit = await t.api.dataSource.query(`SELECT count(*)::int AS n FROM audit_log WHERE action = 'priority_matrix.set'`);
    expect(audit[0].n).toBe(2);
  });

  it("refuses an incomplete matrix with BAD_USER_INPUT and keeps the one in force", async () => {
    const before = await t.gql(`query { priorityMatrix { impact urgency priority } }`, {}, f.tokens.admin);
    const res = await t.gql(SET, { cells: matrix(() => 3).slice(0, 8) }, f.tokens.admin);
    expect(codeOf(res)).toBe("BAD_USER_INPUT");
    const after = await t.gql(`query { priorityMatrix { impact urgency priority } }`, {}, f.tokens.admin);
    expect(after.data).toEqual(before.data);
  });
});
