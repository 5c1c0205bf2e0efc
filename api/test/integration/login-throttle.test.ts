import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, type QuellApi } from "../../src/app";
import { codeOf, dropSchema, gqlClient, seedFixture, startTestApi, testConfig, TEST_PASSWORD, type Fixture, type Gql } from "../support/harness";

const LOGIN = `mutation($i: LoginInput!) { login(input: $i) { token } }`;
const login = (gql: Gql, email: string, password: string) => gql(LOGIN, { i: { email, password } });

describe("login throttling and audit (in-process counters)", () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let f: Fixture;
  beforeAll(async () => {
    t = await startTestApi({ loginFailuresPerAccount: 3, loginFailuresPerAddress: 8 });
    f = await seedFixture(t.api);
  });
  afterAll(async () => t?.stop());

  it("refuses an account after its failures with RATE_LIMITED, even with the right password, while other accounts still sign in", async () => {
    const email = f.users.agent.email;
    for (let i = 0; i < 3; i++) expect(codeOf(await login(t.gql, email, `wrong-${i}`))).toBe("UNAUTHENTICATED");
    const refused = await login(t.gql, email, TEST_PASSWORD);
    expect(codeOf(refused)).toBe("RATE_LIMITED");
    expect(refused.errors![0].extensions!.retryAfterSeconds).toBeGreaterThan(0);
    expect(codeOf(await login(t.gql, f.users.analyst.email, TEST_PASSWORD))).toBeUndefined();
  });

  it("audits successful and failed logins without the password", async () => {
    await login(t.gql, f.users.problem_manager.email, "hunter2-not-the-password");
    await login(t.gql, f.users.problem_manager.email, TEST_PASSWORD);
    const rows = await t.api.dataSource.query(`SELECT action, actor_id, "after" FROM audit_log WHERE entity_id = $1 AND action LIKE 'auth.%' ORDER BY seq`, [f.users.problem_manager.id]);
    expect(rows.map((r: { action: string }) => r.action)).toEqual(["auth.login_failed", "auth.login"]);
    expect(rows[0].after).toMatchObject({ email: f.users.problem_manager.email, reason: "wrong_password" });
    expect(rows[1].actor_id).toBe(f.users.problem_manager.id);
    const all = JSON.stringify(await t.api.dataSource.query(`SELECT * FROM audit_log`));
    expect(all).not.toContain("hunter2-not-the-password");
    expect(all).not.toContain(TEST_PASSWORD);
  });

  it("counts parallel guesses before checking them: no more than the limit get an answer", async () => {
    const email = f.users.change_manager.email;
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => login(t.gql, email, `parallel-${i}`)));
    const codes = results.map(codeOf);
    expect(codes.filter((c) => c === "UNAUTHENTICATED").length).toBeLessThanOrEqual(3);
    expect(codes.filter((c) => c === "RATE_LIMITED").length).toBeGreaterThanOrEqual(9);
  });

  it("refuses a client address that sprays guesses across many accounts", async () => {
    // The earlier tests used some of this address's 8 failures; spend the rest on unknown accounts.
    const codes: Array<string | undefined> = [];
    for (let i = 0; i < 10; i++) codes.push(codeOf(await login(t.gql, `spray-${i}@example.test`, "guess")));
    expect(codes).toContain("RATE_LIMITED");
    expect(codeOf(await login(t.gql, f.users.admin.email, TEST_PASSWORD))).toBe("RATE_LIMITED");
  });
});

describe.runIf(!!process.env.DATABASE_URL && !!process.env.REDIS_URL)("login throttling shared across API replicas (Redis)", () => {
  const config = testConfig({ redisUrl: process.env.REDIS_URL, loginFailuresPerAccount: 4, loginThrottlePrefix: `quell-test:${randomBytes(4).toString("hex")}:login` });
  let a: QuellApi;
  let b: QuellApi;
  let f: Fixture;
  beforeAll(async () => {
    a = await startApi(config);
    b = await startApi({ ...config, httpPort: 0 });
    f = await seedFixture(a);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await dropSchema(config);
  });

  it("counts failures on either replica against one limit", async () => {
    const onA = gqlClient(a.http.url);
    const onB = gqlClient(b.http.url);
    const email = f.users.agent.email;
    expect(codeOf(await login(onA, email, "wrong-1"))).toBe("UNAUTHENTICATED");
    expect(codeOf(await login(onB, email, "wrong-2"))).toBe("UNAUTHENTICATED");
    expect(codeOf(await login(onA, email, "wrong-3"))).toBe("UNAUTHENTICATED");
    expect(codeOf(await login(onB, email, "wrong-4"))).toBe("UNAUTHENTICATED");
    // Each replica alone has seen two failures (under the limit of four): only a shared count refuses these.
    expect(codeOf(await login(onA, email, TEST_PASSWORD))).toBe("RATE_LIMITED");
    expect(codeOf(await login(onB, email, TEST_PASSWORD))).toBe("RATE_LIMITED");
    expect(codeOf(await login(onB, f.users.analyst.email, TEST_PASSWORD))).toBeUndefined();
  });
});
