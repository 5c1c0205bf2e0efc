import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeOf, seedFixture, startTestApi, type Fixture } from "../support/harness";

const QUEUE = `query Queue($first: Int, $filter: IncidentFilter) {
  incidents(first: $first, filter: $filter, sort: { field: priority, direction: ASC }) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id key number title priority severity stage createdAt allowedTransitions
      service { id name } team { id name } assignee { id name }
      latestTimelineEntry { message createdAt } } }
  }
}`;

/**
 * Queries run compiled (graphql-jit) from their second run on: the compiled run must answer exactly
 * as the first, interpreted one, and keep every check the interpreter path has (auth, argument
 * hygiene, error codes, masking).
 */
describe("compiled query execution", () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let f: Fixture;
  beforeAll(async () => {
    t = await startTestApi();
    f = await seedFixture(t.api);
    for (let k = 0; k < 4; k++) {
      const res = await t.gql(`mutation($input: CreateIncidentInput!) { createIncident(input: $input) { id } }`, { input: { title: `Compiled path incident ${k}`, impact: 1 + (k % 3), urgency: 2, serviceId: f.service.id, teamId: f.team.id, assigneeId: k % 2 ? f.users.agent.id : null } }, f.tokens.agent);
      expect(res.errors).toBeUndefined();
    }
  });
  afterAll(async () => t?.stop());

  it("answers a query the same on every run, interpreted first, compiled after", async () => {
    const vars = { first: 3, filter: { stage: ["identified"] } };
    const runs = [];
    for (let k = 0; k < 4; k++) runs.push(await t.gql(QUEUE, vars, f.tokens.agent));
    expect(runs[0]!.errors).toBeUndefined();
    expect(runs[0]!.data!.incidents.edges).toHaveLength(3);
    expect(runs[0]!.data!.incidents.totalCount).toBe(4);
    for (const run of runs.slice(1)) expect(run.data).toEqual(runs[0]!.data);
  });

  it("keeps access rules, argument checks and error codes on a compiled document", async () => {
    const q = `query($first: Int, $filter: IncidentFilter) { incidents(first: $first, filter: $filter) { totalCount edges { node { id } } } }`;
    for (let k = 0; k < 3; k++) expect((await t.gql(q, { first: 2 }, f.tokens.agent)).errors).toBeUndefined();
    // Anonymous: refused by the root field's rule.
    expect(codeOf(await t.gql(q, { first: 2 }))).toBe("UNAUTHENTICATED");
    // A page size out of range: the resolver's BAD_USER_INPUT.
    expect(codeOf(await t.gql(q, { first: 100_000 }, f.tokens.agent))).toBe("BAD_USER_INPUT");
    // A variable of the wrong type: refused before anything runs, as graphql-js words it.
    const badVariable = await t.gql(q, { first: "many" }, f.tokens.agent);
    expect(codeOf(badVariable)).toBe("BAD_USER_INPUT");
    expect(badVariable.errors![0].message).toMatch(/\$first/);
    // An argument that fails input hygiene (not a UUID).
    expect(codeOf(await t.gql(q, { first: 2, filter: { teamId: "not-a-uuid" } }, f.tokens.agent))).toBe("BAD_USER_INPUT");
  });
});
