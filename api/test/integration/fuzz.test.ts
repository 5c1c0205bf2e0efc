import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedFixture, startTestApi, type Fixture } from "../support/harness";
import { sampleValue } from "../support/operations";
import { wsClient, type WsOutcome } from "../support/ws";

/**
 * Walks every operation and every argument and input field of the live schema (found by
 * introspection, so new modules are covered without editing this file) with hostile values,
 * over HTTP and WebSocket, signed in as admin and anonymously. Nothing may answer 5xx,
 * INTERNAL_SERVER_ERROR, SQL text or a stack trace.
 */

const cursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const THIRTY_DIGITS = "123456789012345678901234567890";

type Hostile = Array<[string, unknown]>;

/** Wrong-shaped values every argument and input field gets, whatever its type. */
const NULL_AND_OBJECT: Hostile = [
  ["null", null],
  ["object", { nested: { deeper: ["x"] } }],
];
const TEXT: Hostile = [
  ["empty", ""],
  ["blank", "   \t\n "],
  ["huge", "x".repeat(200_000)],
  ["NUL", "a\u0000b"],
  ["lone surrogate", "a\uD800b"],
  ["unicode", "😀 \u202Emoc.live \u0301\uFFFF 中文"],
  ["injection", `' OR 1=1; DROP TABLE incident; -- <img src=x onerror=alert(1)><iframe src="javascript:alert(1)">`],
  ["non-uuid id", "00000000-0000-4000-8000-00000000000g"],
  ["30-digit string", THIRTY_DIGITS],
];
const CURSORS: Hostile = [
  ["cursor of wrong types", cursor([{ a: 1 }, 5])],
  ["cursor with non-uuid id", cursor(["2026-01-01T00:00:00.000Z", "x"])],
  ["cursor with huge number", cursor([1e30, "00000000-0000-4000-8000-000000000000"])],
  ["cursor with wrong sort value", cursor(["yesterday", "00000000-0000-4000-8000-000000000000"])],
  ["garbage cursor", "!!!"],
];
const NUMBER: Hostile = [
  ["30-digit number", Number(THIRTY_DIGITS)],
  ["negative", -2_147_483_648],
  ["float", 1.5],
  ["string", "12"],
];
const OTHER: Hostile = [
  ["string", "NOT_A_VALUE"],
  ["30-digit number", Number(THIRTY_DIGITS)],
  ["bad date", "2026-13-45T25:61:00Z"],
];
const INPUT_OBJECT: Hostile = [
  ["string", "x"],
  ["unknown field", { remember: true }],
];

/** The hostile values for one place, by its declared type. */
function hostileFor(leaf: Leaf): Hostile {
  const inner = getNullableType(leaf.type);
  const named = getNamedType(leaf.type);
  const name = leaf.path[leaf.path.length - 1];
  if (isListType(inner)) return [...NULL_AND_OBJECT, ["empty list", []], ["list of null", [null]]];
  if (isInputObjectType(named)) return [...NULL_AND_OBJECT, ["list", ["a", 1, null]], ...INPUT_OBJECT];
  if (named.name === "String" || named.name === "ID") return [...NULL_AND_OBJECT, ["number", 42], ...TEXT, ...(/after|before|cursor/i.test(name) ? CURSORS : [])];
  if (named.name === "Int" || named.name === "Float") return [...NULL_AND_OBJECT, ...NUMBER];
  return [...NULL_AND_OBJECT, ...OTHER];
}

/** A few values for every place over WebSocket (the full walk runs over HTTP). */
const overWebSocket = (leaf: Leaf): Hostile => hostileFor(leaf).filter(([name]) => ["null", "lone surrogate", "non-uuid id", "30-digit number", "unknown field"].includes(name));

interface Leaf {
  /** Where the hostile value goes: argument name then input field names. */
  path: string[];
  type: GraphQLInputType;
}

/** Every argument and (nested) input field of an operation, each a place to put a hostile value. */
function leavesOf(field: GraphQLField<unknown, unknown>): Leaf[] {
  const out: Leaf[] = [];
  const walk = (path: string[], type: GraphQLInputType, seen: Set<string>) => {
    out.push({ path, type });
    const named = getNamedType(type);
    if (isInputObjectType(named) && !seen.has(named.name)) {
      for (const f of Object.values(named.getFields())) walk([...path, f.name], f.type, new Set([...seen, named.name]));
    }
  };
  for (const arg of field.args) walk([arg.name], arg.type, new Set());
  return out;
}

/** A valid value for every argument, with real ids where the name says what they point at. */
function baseline(field: GraphQLField<unknown, unknown>, ids: Record<string, string>): Record<string, unknown> {
  const fill = (type: GraphQLInputType, name: string): unknown => {
    const inner = getNullableType(type) as GraphQLInputType;
    if (isListType(inner)) return [fill(inner.ofType, name)];
    if (isInputObjectType(inner)) {
      return Object.fromEntries(Object.values(inner.getFields()).filter((f) => isNonNullType(f.type) && f.defaultValue === undefined).map((f) => [f.name, fill(f.type, f.name)]));
    }
    if (getNamedType(inner).name === "ID") {
      const key = Object.keys(ids).find((k) => name.toLowerCase().includes(k)) ?? Object.keys(ids).find((k) => field.name.toLowerCase().includes(k));
      return key ? ids[key] : sampleValue(inner);
    }
    return sampleValue(inner);
  };
  return Object.fromEntries(field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined).map((a) => [a.name, fill(a.type, a.name)]));
}

function withValue(base: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(base);
  let target = copy;
  for (const key of path.slice(0, -1)) {
    if (target[key] === null || typeof target[key] !== "object" || Array.isArray(target[key])) target[key] = {};
    target = target[key] as Record<string, unknown>;
  }
  target[path[path.length - 1]] = value;
  return copy;
}

/** The operation with every argument as a variable, except `inline`, which is written into the document as a literal. */
function documentFor(kind: string, field: GraphQLField<unknown, unknown>, inline?: { arg: string; literal: string }): string {
  const params = field.args.filter((a) => a.name !== inline?.arg).map((a) => `$${a.name}: ${String(a.type)}`).join(", ");
  const args = field.args.map((a) => (a.name === inline?.arg ? `${a.name}: ${inline.literal}` : `${a.name}: $${a.name}`)).join(", ");
  const type = getNamedType(field.type);
  const scalars = isObjectType(type)
    ? Object.values(type.getFields())
        .filter((f) => isLeafType(getNamedType(f.type)) && f.args.length === 0)
        .map((f) => f.name)
    : [];
  const selection = isObjectType(type) ? ` { __typename ${scalars.join(" ")} }` : "";
  return `${kind} Fuzz${params ? `(${params})` : ""} { ${field.name}${args ? `(${args})` : ""}${selection} }`;
}

// PostgreSQL's wording ("syntax error at or near"), not GraphQL's "Syntax Error: Unexpected …".
const SQL_TEXT = /syntax error at|relation "|violates|column "|\bSELECT |\bINSERT |\bUPDATE \S+ SET|invalid input syntax|out of range for type|QueryFailedError/i;
const STACK_TRACE = /\bat [\w.<>]+ \(|node_modules|\.ts:\d+:\d+|stacktrace/i;

describe("fuzz: every operation and input of the live schema with hostile values", () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let f: Fixture;
  let schema: GraphQLSchema;
  let ids: Record<string, string>;
  const tally = { requests: 0, http: {} as Record<string, number>, codes: {} as Record<string, number>, ws: 0 };
  const findings: string[] = [];
  const slowest: Array<[number, string]> = [];

  const count = (bucket: Record<string, number>, key: string) => (bucket[key] = (bucket[key] ?? 0) + 1);
  function judge(where: string, status: number | undefined, body: unknown) {
    const text = JSON.stringify(body) ?? "";
    const errors = (body as { errors?: Array<{ extensions?: { code?: string } }> } | undefined)?.errors ?? [];
    for (const e of errors) count(tally.codes, e.extensions?.code ?? "NO_CODE");
    if (!errors.length) count(tally.codes, "OK");
    if (status !== undefined && status >= 500) findings.push(`${where}: HTTP ${status} ${text.slice(0, 300)}`);
    if (errors.some((e) => e.extensions?.code === "INTERNAL_SERVER_ERROR" || !e.extensions?.code)) findings.push(`${where}: ${text.slice(0, 300)}`);
    if (SQL_TEXT.test(text)) findings.push(`${where}: SQL text ${text.match(SQL_TEXT)![0]}`);
    if (STACK_TRACE.test(text)) findings.push(`${where}: stack trace`);
  }

  async function http(where: string, query: string, variables: Record<string, unknown>, token?: string) {
    tally.requests++;
    const began = Date.now();
    const res = await fetch(`${t.api.http.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    count(tally.http, String(res.status));
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      findings.push(`${where}: HTTP ${res.status} answered with something other than JSON`);
    }
    judge(where, res.status, body);
    slowest.push([Date.now() - began, where]);
  }

  /** One operation over WebSocket; a subscription that is accepted and waits for events counts as answered after a moment. */
  function ws(client: ReturnType<typeof wsClient>, where: string, query: string, variables: Record<string, unknown>) {
    tally.requests++;
    tally.ws++;
    return new Promise<void>((resolve) => {
      let done = false;
      const finish = (outcome: WsOutcome) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        dispose();
        if (outcome.closeCode !== undefined && outcome.closeCode !== 1000) findings.push(`${where}: socket closed ${outcome.closeCode} ${outcome.closeReason ?? ""}`);
        judge(where, undefined, outcome);
        resolve();
      };
      // Only a subscription that was accepted and waits for events gets here.
      const timer = setTimeout(() => finish({}), 300);
      const dispose = client.subscribe(
        { query, variables },
        {
          next: (v) => finish({ data: v.data as never, errors: v.errors as never }),
          error: (err) => (Array.isArray(err) ? finish({ errors: err as never }) : finish({ closeCode: (err as { code?: number }).code ?? -1, closeReason: (err as { reason?: string }).reason })),
          complete: () => finish({}),
        },
      );
    });
  }

  /** Runs tasks a few at a time: fast, without one caller tripping its own rate limits. */
  async function inBatches(tasks: Array<() => Promise<void>>, width = 12) {
    for (let i = 0; i < tasks.length; i += width) await Promise.all(tasks.slice(i, i + width).map((task) => task()));
  }

  beforeAll(async () => {
    t = await startTestApi({ rateLimitPerMinute: 1_000_000, maxExpensiveInFlight: 100 });
    f = await seedFixture(t.api);
    const created = await t.gql(`mutation { createIncident(input: { title: "Fuzz target", impact: 2, urgency: 2 }) { id } }`, {}, f.tokens.agent);
    ids = { incident: created.data!.createIncident.id, team: f.team.id, service: f.service.id, user: f.users.agent.id, assignee: f.users.agent.id, owner: f.users.agent.id };
    const introspection = await t.gql<IntrospectionQuery>(getIntrospectionQuery(), {}, f.tokens.admin);
    schema = buildClientSchema(introspection.data!);
  });
  afterAll(async () => t?.stop());

  it("answers every hostile request with a 4xx or a client error code, never a 5xx, SQL or a stack trace", async () => {
    const roots = [
      ["query", schema.getQueryType()],
      ["mutation", schema.getMutationType()],
      ["subscription", schema.getSubscriptionType()],
    ] as const;
    const httpTasks: Array<() => Promise<void>> = [];
    const wsTasks: Array<(client: ReturnType<typeof wsClient>) => Promise<void>> = [];
    let operations = 0;
    for (const [kind, root] of roots) {
      for (const field of Object.values(root?.getFields() ?? {})) {
        operations++;
        const document = documentFor(kind, field);
        const base = baseline(field, ids);
        const leaves = leavesOf(field);
        // Subscriptions over HTTP are refused; over WebSocket they are walked below.
        if (kind !== "subscription") {
          httpTasks.push(() => http(`${field.name} baseline`, document, base, f.tokens.admin));
          httpTasks.push(() => http(`${field.name} anonymous`, document, base));
          for (const leaf of leaves) {
            const valid = leaf.path.reduce<unknown>((v, key) => (v as Record<string, unknown> | undefined)?.[key], base);
            if (isInputObjectType(getNamedType(leaf.type)) && valid && typeof valid === "object" && !Array.isArray(valid)) {
              // A valid input plus one field the type does not have (as login(input: { …, remember: true })).
              httpTasks.push(() => http(`${field.name}.${leaf.path.join(".")} + unknown field`, document, withValue(base, leaf.path, { ...valid, remember: true }), f.tokens.admin));
            }
            for (const [name, value] of hostileFor(leaf)) httpTasks.push(() => http(`${field.name}.${leaf.path.join(".")} = ${name}`, document, withValue(base, leaf.path, value), f.tokens.admin));
            if (leaf.path.length === 1 && (getNamedType(leaf.type).name === "String" || getNamedType(leaf.type).name === "ID" || isEnumType(getNamedType(leaf.type)))) {
              // Hostile text as a literal in the document instead of a variable (GraphQL escapes, not JSON's).
              const inline = documentFor(kind, field, { arg: leaf.path[0], literal: `"\\u0000 \\ud800 ' OR 1=1 --"` });
              const { [leaf.path[0]]: _dropped, ...rest } = base;
              httpTasks.push(() => http(`${field.name}.${leaf.path[0]} literal`, inline, rest, f.tokens.admin));
            }
          }
        }
        for (const leaf of leaves) {
          for (const [name, value] of overWebSocket(leaf)) wsTasks.push((client) => ws(client, `ws ${field.name}.${leaf.path.join(".")} = ${name}`, document, withValue(base, leaf.path, value)));
        }
        wsTasks.push((client) => ws(client, `ws ${field.name} baseline`, document, base));
      }
    }
    const startedAt = Date.now();
    await inBatches(httpTasks);
    const httpSeconds = (Date.now() - startedAt) / 1000;
    const client = wsClient(t.api.http.url, f.tokens.admin);
    try {
      await inBatches(wsTasks.map((task) => () => task(client)));
    } finally {
      await client.dispose();
    }
    const seconds = (Date.now() - startedAt) / 1000;
    console.log(
      `fuzz: ${operations} operations, ${tally.requests} requests (${tally.requests - tally.ws} HTTP in ${httpSeconds} s, ${tally.ws} WebSocket in ${(seconds - httpSeconds).toFixed(1)} s); HTTP status ${JSON.stringify(tally.http)}; codes ${JSON.stringify(tally.codes)}; findings ${findings.length}`,
    );
    console.log("slowest:", JSON.stringify(slowest.sort((a, b) => b[0] - a[0]).slice(0, 15)));
    expect(operations).toBeGreaterThan(30);
    expect(findings.slice(0, 40)).toEqual([]);
  }, 300_000);
});
