import fs from "node:fs";
import path from "node:path";
import { getIntrospectionQuery, Kind, parse, typeFromAST, type GraphQLInputType, type OperationDefinitionNode } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/platform/config";
import { operationCost } from "../../src/platform/graphql/limits";
import { GraphQLPipeline } from "../../src/platform/graphql/pipeline";
import { buildQuellSchema } from "../../src/platform/graphql/schema";
import { codeOf, seedFixture, startTestApi, type Fixture } from "../support/harness";
import { sampleValue } from "../support/operations";
import { wsClient, wsCodeOf, wsOnce, wsRun } from "../support/ws";

const aliases = (n: number, field: string) => Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(" ");

/** The same limits, costs and masking over HTTP and over graphql-ws. */
describe("one set of GraphQL limits on HTTP and WebSocket", () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let f: Fixture;
  beforeAll(async () => {
    t = await startTestApi({ maxQueryDepth: 6, maxQueryComplexity: 500, maxAliases: 10, maxTokens: 400 });
    f = await seedFixture(t.api);
  });
  afterAll(async () => t?.stop());

  const overWs = (query: string, variables?: Record<string, unknown>, token = f.tokens.agent) => wsOnce(t.api.http.url, query, variables, token);

  it("refuses a query deeper than the limit over both transports", async () => {
    const deep = `query { incidents { edges { node { duplicateOf { duplicateOf { duplicateOf { duplicateOf { id } } } } } } } }`;
    const http = await t.gql(deep, {}, f.tokens.agent);
    expect(http.status).toBe(400);
    expect(codeOf(http)).toBe("GRAPHQL_VALIDATION_FAILED");
    const ws = await overWs(deep);
    expect(wsCodeOf(ws)).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(ws.errors![0].message).toMatch(/depth limit of 6 exceeded/);
  });

  it("refuses a too complex query with BAD_USER_INPUT (HTTP 400) over both transports, counting `first` from variables", async () => {
    const wide = `query($n: Int) { incidents(first: $n) { edges { node { id title timeline { id message } } } } }`;
    const http = await t.gql(wide, { n: 200 }, f.tokens.agent);
    expect(http.status).toBe(400);
    expect(codeOf(http)).toBe("BAD_USER_INPUT");
    expect(http.errors![0].message).toMatch(/too complex/);
    const ws = await overWs(wide, { n: 200 });
    expect(wsCodeOf(ws)).toBe("BAD_USER_INPUT");
    expect(ws.errors![0].message).toMatch(/too complex/);
    expect((await t.gql(wide, { n: 2 }, f.tokens.agent)).errors).toBeUndefined();
    expect((await overWs(wide, { n: 2 })).errors).toBeUndefined();
  });

  it("prices totalCount as the COUNT it runs: many aliases of incidents(first: 1) { totalCount } are refused", async () => {
    const counts = `query { ${aliases(9, "incidents(first: 1) { totalCount }")} }`;
    const cheap = `query { ${aliases(9, "incidents(first: 1) { pageInfo { hasNextPage } }")} }`;
    expect((await t.gql(cheap, {}, f.tokens.agent)).errors).toBeUndefined();
    const refused = await t.gql(counts, {}, f.tokens.agent);
    expect(codeOf(refused)).toBe("BAD_USER_INPUT");
    expect(refused.errors![0].message).toMatch(/too complex/);
    expect(wsCodeOf(await overWs(counts))).toBe("BAD_USER_INPUT");
  });

  it("refuses 2,400 aliases over both transports before running any of them", async () => {
    const flood = `query { ${aliases(2_400, "incidents(first: 1) { totalCount }")} }`;
    // Too many tokens is the first limit such a document meets; with a higher token limit, aliases and cost refuse it.
    const http = await t.gql(flood, {}, f.tokens.agent);
    expect(http.status).toBe(400);
    expect(http.sqlStatements).toBeLessThanOrEqual(2);
    expect(wsCodeOf(await overWs(flood))).toMatch(/GRAPHQL_(PARSE|VALIDATION)_FAILED/);
    const aliasesOnly = `query { ${aliases(11, "me { id }")} }`;
    const tooMany = await t.gql(aliasesOnly, {}, f.tokens.agent);
    expect(codeOf(tooMany)).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(tooMany.errors![0].message).toMatch(/Aliases limit of 10 exceeded/);
    expect(wsCodeOf(await overWs(aliasesOnly))).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("refuses a document over the token limit with GRAPHQL_PARSE_FAILED over both transports", async () => {
    const long = `query { me { ${Array.from({ length: 500 }, () => "id").join(" ")} } }`;
    const http = await t.gql(long, {}, f.tokens.agent);
    expect(http.status).toBe(400);
    expect(codeOf(http)).toBe("GRAPHQL_PARSE_FAILED");
    expect(wsCodeOf(await overWs(long))).toBe("GRAPHQL_PARSE_FAILED");
  });

  it("refuses fragment cycles with a validation error (HTTP 400), not a stack overflow", async () => {
    const cycle = `query { incidents { edges { node { ...A } } } } fragment A on Incident { duplicateOf { ...B } } fragment B on Incident { duplicateOf { ...A } }`;
    const http = await t.gql(cycle, {}, f.tokens.agent);
    expect(http.status).toBe(400);
    expect(codeOf(http)).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(http.errors!.map((e) => e.message)).toContain('Cannot spread fragment "A" within itself via "B".');
    expect(wsCodeOf(await overWs(cycle))).toBe("GRAPHQL_VALIDATION_FAILED");
  });

  it("masks database errors over WebSocket as over HTTP: an error id, no SQL", async () => {
    await t.api.dataSource.query(`ALTER TABLE team RENAME TO team_moved_ws`);
    try {
      const ws = await overWs(`query { teams { id name } }`);
      expect(wsCodeOf(ws)).toBe("INTERNAL_SERVER_ERROR");
      expect(JSON.stringify(ws.errors)).not.toMatch(/SELECT|relation|team_moved|"team"/i);
      expect(ws.errors![0].extensions!.errorId).toMatch(/^[a-z0-9]+$/);
    } finally {
      await t.api.dataSource.query(`ALTER TABLE team_moved_ws RENAME TO team`);
    }
  });

  it("closes a WebSocket whose token is invalid with 4401, and keeps anonymous sockets for per-operation answers", async () => {
    const bad = await wsOnce(t.api.http.url, `query { me { id } }`, {}, "not-a-jwt");
    expect(bad.closeCode).toBe(4401);
    expect(bad.closeReason).toMatch(/invalid or has expired/);
    const anonymous = await wsOnce(t.api.http.url, `query { me { id } }`);
    expect(wsCodeOf(anonymous)).toBe("UNAUTHENTICATED");
    const forbidden = await overWs(`query { auditLog { seq } }`, {}, f.tokens.agent);
    expect(wsCodeOf(forbidden)).toBe("FORBIDDEN");
  });

  it("answers several operations on one socket, each through the pipeline", async () => {
    const client = wsClient(t.api.http.url, f.tokens.agent);
    try {
      const [me, deep] = await Promise.all([
        wsRun(client, `query { me { email } }`),
        wsRun(client, `query { incidents { edges { node { duplicateOf { duplicateOf { duplicateOf { duplicateOf { id } } } } } } } }`),
      ]);
      expect(me.data!.me.email).toBe(f.users.agent.email);
      expect(wsCodeOf(deep)).toBe("GRAPHQL_VALIDATION_FAILED");
    } finally {
      await client.dispose();
    }
  });
});

/**
 * A caller's expensive operations beyond the cap are refused at once with RATE_LIMITED (429)
 * while others' go on. A table lock held by the test keeps the first operation running,
 * so nothing here depends on timing.
 */
describe.runIf(!!process.env.DATABASE_URL)("in-flight cap on expensive operations", () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let f: Fixture;
  beforeAll(async () => {
    t = await startTestApi({ maxExpensiveInFlight: 1, expensiveQueryCost: 500 });
    f = await seedFixture(t.api);
  });
  afterAll(async () => t?.stop());

  it("refuses a second expensive operation from the same caller while the first runs, over HTTP and WebSocket", async () => {
    const expensive = `query { verifyAuditLog { ok } }`;
    const runner = t.api.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await runner.query(`LOCK TABLE audit_log IN ACCESS EXCLUSIVE MODE`);
      const first = t.gql(expensive, {}, f.tokens.admin);
      // Wait until the first one is blocked on the lock, i.e. holding its slot.
      for (let waiting = 0; waiting === 0; ) {
        await new Promise((r) => setTimeout(r, 50));
        [{ waiting }] = await runner.query(`SELECT count(*)::int AS waiting FROM pg_locks WHERE NOT granted AND relation = 'audit_log'::regclass`);
      }
      const second = await t.gql(expensive, {}, f.tokens.admin);
      expect(second.status).toBe(429);
      expect(codeOf(second)).toBe("RATE_LIMITED");
      expect(second.errors![0].message).toMatch(/at most 1 may run together/);
      expect(wsCodeOf(await wsOnce(t.api.http.url, expensive, {}, f.tokens.admin))).toBe("RATE_LIMITED");
      // Cheap operations and other callers are not held back.
      expect((await t.gql(`query { me { id } }`, {}, f.tokens.admin)).errors).toBeUndefined();
      await runner.commitTransaction();
      expect((await first).data!.verifyAuditLog.ok).toBe(true);
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
    // The slot is free again.
    expect((await t.gql(expensive, {}, f.tokens.admin)).errors).toBeUndefined();
  });
});

describe("default limits admit what the web app sends", () => {
  it("costs every web operation (with its largest page) under the default limit, and parses them and introspection under the token limit", async () => {
    const schema = await buildQuellSchema();
    // The defaults as shipped; development mode only so no JWT secret is needed to read them.
    const config = loadConfig({ development: true, dataDir: ":memory:" });
    const dir = path.resolve(__dirname, "../../../web/src/graphql/operations");
    const pipeline = new GraphQLPipeline(schema, config);
    // Each file is what one page sends, so each must parse under the token limit; costs are read off
    // all of them together, since an operation may spread a fragment from another file.
    const files = fs.readdirSync(dir).map((file) => ({ file, text: fs.readFileSync(path.join(dir, file), "utf8") }));
    expect(files.filter(({ text }) => Array.isArray(pipeline.parse(text))).map(({ file }) => file)).toEqual([]);
    const document = parse(files.map(({ text }) => text).join("\n"));
    const costs: Record<string, number> = {};
    for (const op of document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)) {
      const variables: Record<string, unknown> = {};
      for (const v of op.variableDefinitions ?? []) {
        // The queue pages up to 200 rows; other required variables get a sample value.
        if (v.variable.name.value === "first") variables.first = 200;
        else if (v.type.kind === Kind.NON_NULL_TYPE) variables[v.variable.name.value] = sampleValue(typeFromAST(schema, v.type) as GraphQLInputType);
      }
      costs[op.name!.value] = operationCost(schema, document, op.name!.value, variables);
    }
    console.log("web operation costs:", JSON.stringify(costs));
    expect(Object.entries(costs).filter(([, cost]) => cost > config.maxQueryComplexity)).toEqual([]);
    expect(Object.keys(costs).length).toBeGreaterThan(10);
    expect(Array.isArray(pipeline.parse(getIntrospectionQuery({ descriptions: true, inputValueDeprecation: true })))).toBe(false);
  });
});
