import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeOf, seedFixture, startTestApi, type Fixture } from "../support/harness";
import { wsCodeOf, wsOnce } from "../support/ws";

const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** Each kind of bad input the security probe turned into HTTP 500 / INTERNAL_SERVER_ERROR. */
describe("bad input gets a 4xx and a client error code, never a 500", () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let f: Fixture;
  let incident: { id: string; version: number; title: string };
  beforeAll(async () => {
    t = await startTestApi();
    f = await seedFixture(t.api);
    const created = await t.gql(`mutation { createIncident(input: { title: "Printer on fire", impact: 2, urgency: 2 }) { id version title } }`, {}, f.tokens.agent);
    incident = created.data!.createIncident;
  });
  afterAll(async () => t?.stop());

  it("refuses an unknown input field in variables (login(input: { …, remember: true })) with 400 BAD_USER_INPUT", async () => {
    const res = await t.gql(`mutation($i: LoginInput!) { login(input: $i) { token } }`, { i: { email: f.users.agent.email, password: "correct-horse-battery", remember: true } });
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe("BAD_USER_INPUT");
    expect(res.errors![0].message).toMatch(/Field "remember" is not defined by type "LoginInput"/);
  });

  it("refuses a variable of the wrong type, and a 30-digit integer, with 400 BAD_USER_INPUT", async () => {
    const query = `query($n: Int) { incidents(first: $n) { totalCount } }`;
    for (const n of ["ten", 123456789012345678901234567890, { x: 1 }]) {
      const res = await t.gql(query, { n }, f.tokens.agent);
      expect(res.status, JSON.stringify(n)).toBe(400);
      expect(codeOf(res)).toBe("BAD_USER_INPUT");
    }
    const literal = await t.gql(`query { incidents(first: 123456789012345678901234567890) { totalCount } }`, {}, f.tokens.agent);
    expect(literal.status).toBe(400);
    expect(codeOf(literal)).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("refuses a non-UUID id before it reaches PostgreSQL, in arguments and in inputs", async () => {
    for (const [query, variables] of [
      [`query($id: ID) { incident(id: $id) { id } }`, { id: "1" }],
      [`mutation($id: ID!) { retriageIncident(id: $id) }`, { id: "'; DROP TABLE incident; --" }],
      [`query($id: ID!) { trainingRun(id: $id) { id } }`, { id: "00000000-0000-4000-8000-00000000000g" }],
      [`query { incidents(filter: { serviceId: "abc" }) { totalCount } }`, {}],
    ] as const) {
      const res = await t.gql(query, variables, f.tokens.admin);
      expect(codeOf(res), query).toBe("BAD_USER_INPUT");
      expect(res.errors![0].message).toMatch(/is not an id this API issued/);
    }
  });

  it("refuses cursors that were not issued for the sort in use", async () => {
    const query = `query($after: String, $sort: IncidentSort) { incidents(after: $after, sort: $sort) { totalCount } }`;
    const issued = await t.gql(`query { incidents(first: 1) { pageInfo { endCursor } } }`, {}, f.tokens.agent);
    const good = issued.data!.incidents.pageInfo.endCursor as string;
    expect((await t.gql(query, { after: good }, f.tokens.agent)).errors).toBeUndefined();
    for (const after of [cursor([{ a: 1 }, 5]), cursor(["2026-01-01T00:00:00.000Z", "x"]), cursor([1e30, incident.id]), "!!!"]) {
      expect(codeOf(await t.gql(query, { after }, f.tokens.agent)), after).toBe("BAD_USER_INPUT");
    }
    // A createdAt cursor used with the priority sort.
    expect(codeOf(await t.gql(query, { after: good, sort: { field: "priority" } }, f.tokens.agent))).toBe("BAD_USER_INPUT");
  });

  it("refuses null for fields that cannot be cleared, and changes nothing", async () => {
    for (const field of ["title", "description", "impact", "isMajor"]) {
      const res = await t.gql(`mutation($i: UpdateIncidentInput!) { updateIncident(input: $i) { id } }`, { i: { id: incident.id, version: incident.version, [field]: null } }, f.tokens.agent);
      expect(codeOf(res), field).toBe("BAD_USER_INPUT");
      expect(res.errors![0].message).toMatch(/may be left out, but cannot be null/);
    }
    const after = await t.gql(`query($id: ID) { incident(id: $id) { title version description isMajor impact } }`, { id: incident.id }, f.tokens.agent);
    expect(after.data!.incident).toMatchObject({ title: "Printer on fire", version: incident.version, description: "", isMajor: false, impact: 2 });
  });

  it("refuses lone UTF-16 surrogates and NUL over HTTP variables, document literals and WebSocket", async () => {
    const create = `mutation($t: String!) { createIncident(input: { title: $t }) { id } }`;
    const variable = await t.gql(create, { t: "Broken \uD83D emoji" }, f.tokens.agent);
    expect(variable.status).toBe(400);
    expect(codeOf(variable)).toBe("BAD_USER_INPUT");
    expect(variable.errors![0].message).toMatch(/lone UTF-16 surrogate/);
    const literal = await t.gql(`mutation { createIncident(input: { title: "NUL \\u0000 in a literal" }) { id } }`, {}, f.tokens.agent);
    expect(codeOf(literal)).toBe("BAD_USER_INPUT");
    expect(literal.errors![0].message).toMatch(/NUL/);
    const overWs = await wsOnce(t.api.http.url, create, { t: "Low half \uDC00 alone" }, f.tokens.agent);
    expect(wsCodeOf(overWs)).toBe("BAD_USER_INPUT");
    const whole = await t.gql(create, { t: "Whole emoji 😀 is fine" }, f.tokens.agent);
    expect(whole.errors).toBeUndefined();
  });

  it("trims text inputs before validating: whitespace-only titles are refused, padded ones stored trimmed", async () => {
    const create = `mutation($t: String!) { createIncident(input: { title: $t }) { title } }`;
    const blank = await t.gql(create, { t: "    \t  " }, f.tokens.agent);
    expect(codeOf(blank)).toBe("BAD_USER_INPUT");
    expect(JSON.stringify(blank.errors![0].extensions!.fields)).toMatch(/title/);
    const padded = await t.gql(create, { t: "   VPN down   " }, f.tokens.agent);
    expect(padded.data!.createIncident.title).toBe("VPN down");
    const team = await t.gql(`mutation { createTeam(input: { name: "   " }) { id } }`, {}, f.tokens.admin);
    expect(codeOf(team)).toBe("BAD_USER_INPUT");
  });

  it("does not echo megabytes of input back in error messages", async () => {
    const huge = "A".repeat(900_000);
    const res = await t.gql(`query($n: Int) { incidents(first: $n) { totalCount } }`, { n: huge }, f.tokens.agent);
    expect(codeOf(res)).toBe("BAD_USER_INPUT");
    expect(res.errors![0].message.length).toBeLessThan(1_200);
    expect(res.errors![0].message).toMatch(/900000 characters/);
    const ws = await wsOnce(t.api.http.url, `query($n: Int) { incidents(first: $n) { totalCount } }`, { n: "B".repeat(500_000) }, f.tokens.agent);
    expect(wsCodeOf(ws)).toBe("BAD_USER_INPUT");
    expect(JSON.stringify(ws.errors).length).toBeLessThan(1_500);
  });
});
