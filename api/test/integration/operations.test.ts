import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi } from "../../src/app";
import { codeOf, dropSchema, gqlClient, seedFixture, startTestApi, testConfig, type Fixture } from "../support/harness";

describe("operations: probes, limits and error masking", () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let f: Fixture;
  beforeAll(async () => {
    // Apollo's own default hides stack traces only under NODE_ENV test/production; start as a developer would.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = "development";
    t = await startTestApi({ maxQueryDepth: 6, maxQueryComplexity: 1_000, bodyLimitBytes: 20_000 }).finally(() => {
      process.env.NODE_ENV = nodeEnv;
    });
    f = await seedFixture(t.api);
  });
  afterAll(async () => t?.stop());

  it("answers /healthz and /readyz", async () => {
    const health = await fetch(`${t.api.http.url}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${t.api.http.url}/readyz`);
    expect(await ready.json()).toEqual({ status: "ready", database: "ok" });
  });

  it("serves the GraphQL IDE from the package, with no CDN", async () => {
    const page = await (await fetch(`${t.api.http.url}/graphiql`, { headers: { accept: "text/html" } })).text();
    expect(page).toContain("Quell GraphQL IDE");
    expect(page).not.toMatch(/<script[^>]+src="https?:\/\//);
    expect(page).not.toMatch(/<link[^>]+href="https?:\/\//);
  });

  it("refuses a body over the size limit with PAYLOAD_TOO_LARGE", async () => {
    const res = await fetch(`${t.api.http.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${f.tokens.agent}` },
      body: JSON.stringify({ query: "query { me { id } }", variables: { pad: "x".repeat(30_000) } }),
    });
    expect(res.status).toBe(413);
    expect((await res.json()).errors[0].extensions.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("refuses text containing NUL with BAD_USER_INPUT instead of a database error", async () => {
    const res = await t.gql(`mutation($t: String!) { createIncident(input: { title: $t }) { id } }`, { t: "bad\u0000title" }, f.tokens.agent);
    expect(res.status).toBe(400);
    expect(codeOf(res)).toBe("BAD_USER_INPUT");
    expect(res.errors![0].message).toMatch(/NUL/);
  });

  it("refuses a query deeper than the limit before running it", async () => {
    const deep = `query { incidents { edges { node { duplicateOf { duplicateOf { duplicateOf { duplicateOf { id } } } } } } } }`;
    const res = await t.gql(deep, {}, f.tokens.agent);
    expect(codeOf(res)).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(res.errors![0].message).toMatch(/depth limit of 6 exceeded/);
  });

  it("refuses a query more complex than the limit, counting `first`", async () => {
    const wide = `query { incidents(first: 200) { edges { node { id title timeline { id message } tasks { id } service { name } } } } }`;
    const res = await t.gql(wide, {}, f.tokens.agent);
    expect(codeOf(res)).toBe("BAD_USER_INPUT");
    expect(res.errors![0].message).toMatch(/too complex/);
    const narrow = await t.gql(`query { incidents(first: 5) { edges { node { id title } } } }`, {}, f.tokens.agent);
    expect(narrow.errors).toBeUndefined();
  });

  it("masks database errors: the client gets an error id and no SQL", async () => {
    await t.api.dataSource.query(`ALTER TABLE team RENAME TO team_moved`);
    try {
      const res = await t.gql(`query { teams { id name } }`, {}, f.tokens.agent);
      expect(codeOf(res)).toBe("INTERNAL_SERVER_ERROR");
      const text = JSON.stringify(res.errors);
      expect(text).not.toMatch(/SELECT|relation|team_moved|"team"/i);
      expect(res.errors![0].extensions!.errorId).toMatch(/^[a-z0-9]+$/);
      // Nor stack traces, even for errors that pass through (validation).
      const invalid = await t.gql(`query { teams { nosuchfield } }`, {}, f.tokens.agent);
      expect(codeOf(invalid)).toBe("GRAPHQL_VALIDATION_FAILED");
      expect(JSON.stringify(invalid.errors)).not.toMatch(/stacktrace|node_modules/);
    } finally {
      await t.api.dataSource.query(`ALTER TABLE team_moved RENAME TO team`);
    }
  });
});

describe("a restarted API", () => {
  it("has lost nothing: incidents, their history and an intact audit chain", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "quell-restart-"));
    const config = testConfig({ dataDir });
    try {
      const first = await startApi(config);
      const f = await seedFixture(first);
      const gql = gqlClient(first.http.url);
      const created = await gql(`mutation { createIncident(input: { title: "Survives a restart", impact: 2, urgency: 2 }) { id version } }`, {}, f.tokens.agent);
      const { id } = created.data!.createIncident;
      await gql(`mutation($i: TransitionIncidentInput!) { transitionIncident(input: $i) { stage } }`, { i: { id, version: 1, to: "classified", note: "before restart" } }, f.tokens.agent);
      await first.close();

      const second = await startApi({ ...config, httpPort: 0 });
      try {
        const gql2 = gqlClient(second.http.url);
        const { token } = await second.services.users.sessions.open(f.users.admin);
        const res = await gql2(`query($id: ID!) { incident(id: $id) { title stage version transitions { toStage reason } timeline { kind } } verifyAuditLog { ok checked } }`, { id }, token);
        expect(res.errors).toBeUndefined();
        expect(res.data!.incident).toMatchObject({ title: "Survives a restart", stage: "classified", version: 2 });
        expect(res.data!.incident.transitions.map((x: { toStage: string }) => x.toStage)).toEqual(["identified", "classified"]);
        expect(res.data!.verifyAuditLog.ok).toBe(true);
        expect(res.data!.verifyAuditLog.checked).toBeGreaterThan(5);
      } finally {
        await second.close();
      }
    } finally {
      await dropSchema(config);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
