import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "graphql-ws";
import WebSocket from "ws";
import { PUBLIC, policyFor } from "../../src/platform/auth/policy";
import { Role } from "../../src/platform/auth/roles";
import { codeOf, seedFixture, startTestApi, type Fixture } from "../support/harness";
import { everyOperation, type SampleOperation } from "../support/operations";

/**
 * Walks every operation of the live schema: without a token each must answer UNAUTHENTICATED,
 * with a role outside its rule FORBIDDEN, and with a role inside it anything but those two.
 */
describe("auth matrix over every operation in the schema", () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let f: Fixture;
  let operations: SampleOperation[];
  beforeAll(async () => {
    t = await startTestApi();
    f = await seedFixture(t.api);
    operations = everyOperation(t.api.schema);
  });
  afterAll(async () => t?.stop());

  it("finds the operations (the walk itself works)", () => {
    const names = operations.map((o) => o.field);
    expect(names).toEqual(expect.arrayContaining(["incidents", "createIncident", "transitionIncident", "auditLog", "login", "incidentChanged"]));
  });

  it("has an access rule declared for every operation", () => {
    const missing = operations.filter((o) => policyFor(o.field) === undefined).map((o) => o.field);
    expect(missing).toEqual([]);
  });

  const run = (op: SampleOperation, token?: string) => t.gql(op.document, op.variables, token);

  it("answers UNAUTHENTICATED to every non-public query and mutation without a token", async () => {
    const wrong: string[] = [];
    for (const op of operations.filter((o) => o.kind !== "subscription")) {
      const res = await run(op);
      const isPublic = policyFor(op.field)?.includes(PUBLIC);
      const code = codeOf(res);
      if (isPublic ? code === "UNAUTHENTICATED" : code !== "UNAUTHENTICATED") wrong.push(`${op.field}: ${code ?? "no error"}`);
    }
    expect(wrong).toEqual([]);
  });

  it("answers FORBIDDEN to every role outside an operation's rule, and lets the roles inside it through", async () => {
    const wrong: string[] = [];
    for (const op of operations.filter((o) => o.kind !== "subscription")) {
      const audience = policyFor(op.field) ?? [];
      if (audience.includes(PUBLIC)) continue;
      for (const role of Object.values(Role)) {
        const code = codeOf(await run(op, f.tokens[role]));
        const allowed = audience.includes(role);
        if (allowed && (code === "FORBIDDEN" || code === "UNAUTHENTICATED")) wrong.push(`${op.field} as ${role}: ${code} but the rule allows it`);
        if (!allowed && code !== "FORBIDDEN") wrong.push(`${op.field} as ${role}: ${code ?? "no error"} but the rule forbids it`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("refuses subscriptions without a token and accepts them with one", async () => {
    const url = t.api.http.url.replace("http", "ws") + "/graphql";
    const subscribe = (token?: string) =>
      new Promise<string>((resolve) => {
        const client = createClient({ url, webSocketImpl: WebSocket, connectionParams: token ? { authorization: `Bearer ${token}` } : {}, retryAttempts: 0 });
        const dispose = client.subscribe(
          { query: "subscription { incidentChanged { incidentId kind } }" },
          {
            next: (value) => {
              resolve(value.errors ? String(value.errors[0].extensions?.code) : "data");
              dispose();
              void client.dispose();
            },
            error: (err) => {
              const errors = err as Array<{ extensions?: { code?: string } }>;
              resolve(Array.isArray(errors) ? String(errors[0]?.extensions?.code) : "socket-error");
              void client.dispose();
            },
            complete: () => resolve("complete"),
          },
        );
        if (token) {
          // Give the subscription time to register, then cause an event.
          setTimeout(() => {
            void t.gql(`mutation { createIncident(input: { title: "Subscription probe", impact: 3, urgency: 3 }) { id } }`, {}, f.tokens.agent);
          }, 300);
        }
      });
    expect(await subscribe()).toBe("UNAUTHENTICATED");
    expect(await subscribe(f.tokens.analyst)).toBe("data");
  });

  it("accepts an API token with its role, and refuses it once revoked", async () => {
    const created = await t.gql(`mutation { createApiToken(input: { name: "alertmanager", role: agent }) { token apiToken { id prefix } } }`, {}, f.tokens.admin);
    const { token, apiToken } = created.data!.createApiToken;
    expect(token.startsWith(apiToken.prefix)).toBe(true);
    const ok = await t.gql(`mutation { createIncident(input: { title: "From Alertmanager", impact: 2, urgency: 2 }) { id } }`, {}, token);
    expect(ok.errors).toBeUndefined();
    const forbidden = await t.gql(`query { auditLog { seq } }`, {}, token);
    expect(codeOf(forbidden)).toBe("FORBIDDEN");
    await t.gql(`mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }`, { id: apiToken.id }, f.tokens.admin);
    const revoked = await t.gql(`query { me { id } }`, {}, token);
    expect(codeOf(revoked)).toBe("UNAUTHENTICATED");
    const stored = await t.api.dataSource.query(`SELECT token_hash FROM api_token WHERE id = $1`, [apiToken.id]);
    expect(stored[0].token_hash).not.toContain(token);
    expect(stored[0].token_hash).toHaveLength(64);
  });

  it("logs in with email and password and refuses a wrong password the same way as an unknown email", async () => {
    const login = (email: string, password: string) => t.gql(`mutation($i: LoginInput!) { login(input: $i) { token user { role } } }`, { i: { email, password } });
    const ok = await login(f.users.agent.email, "correct-horse-battery");
    expect(ok.data!.login.user.role).toBe("agent");
    const me = await t.gql(`query { me { email } }`, {}, ok.data!.login.token);
    expect(me.data!.me.email).toBe(f.users.agent.email);
    const wrongPassword = await login(f.users.agent.email, "nope");
    const unknown = await login("nobody@example.test", "nope");
    expect(codeOf(wrongPassword)).toBe("UNAUTHENTICATED");
    expect(wrongPassword.errors![0].message).toBe(unknown.errors![0].message);
    const garbage = await t.gql(`query { me { id } }`, {}, "not-a-jwt");
    expect(codeOf(garbage)).toBe("UNAUTHENTICATED");
  });
});
