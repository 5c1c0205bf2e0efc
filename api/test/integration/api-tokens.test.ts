import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeOf, seedFixture, startTestApi, type Fixture } from "../support/harness";

describe("API tokens follow their creator", () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let f: Fixture;
  beforeAll(async () => {
    t = await startTestApi();
    f = await seedFixture(t.api);
  });
  afterAll(async () => t?.stop());

  /** A second admin who creates an admin-role token, so the fixture's admin stays as it is. */
  async function adminWithToken(tag: string) {
    const creator = await t.api.services.users.createUser(null, { email: `creator-${tag}@example.test`, name: `Creator ${tag}`, password: "plum-orbit-galley-7-tundra", role: "admin" as never });
    const { token: session } = await t.api.services.users.sessions.open(creator);
    const created = await t.gql(`mutation { createApiToken(input: { name: "ci-${tag}", role: admin }) { token apiToken { id } } }`, {}, session);
    expect(created.errors).toBeUndefined();
    return { creator, token: created.data!.createApiToken.token as string, id: created.data!.createApiToken.apiToken.id as string };
  }

  it("never acts above its creator's current role", async () => {
    const { creator, token } = await adminWithToken("demoted");
    expect(codeOf(await t.gql(`query { auditLog { seq } }`, {}, token))).toBeUndefined();
    await t.api.dataSource.query(`UPDATE app_user SET role = 'agent' WHERE id = $1`, [creator.id]);
    expect(codeOf(await t.gql(`query { auditLog { seq } }`, {}, token))).toBe("FORBIDDEN");
    const agentWork = await t.gql(`mutation { createIncident(input: { title: "Raised by a demoted admin's token", impact: 3, urgency: 3 }) { id } }`, {}, token);
    expect(agentWork.errors).toBeUndefined();
  });

  it("stops working when its creator is deactivated", async () => {
    const { creator, token } = await adminWithToken("deactivated");
    await t.api.dataSource.query(`UPDATE app_user SET active = false WHERE id = $1`, [creator.id]);
    const res = await t.gql(`query { me { id } }`, {}, token);
    expect(codeOf(res)).toBe("UNAUTHENTICATED");
    expect(res.errors![0].message).toMatch(/creator is deactivated/);
  });

  it("records when it was last used", async () => {
    const { token, id } = await adminWithToken("used");
    const before = await t.gql(`query { apiTokens { id lastUsedAt } }`, {}, f.tokens.admin);
    expect(before.data!.apiTokens.find((x: { id: string }) => x.id === id).lastUsedAt).toBeNull();
    const startedAt = Date.now();
    await t.gql(`query { me { id } }`, {}, token);
    const after = await t.gql(`query { apiTokens { id lastUsedAt } }`, {}, f.tokens.admin);
    const lastUsedAt = Date.parse(after.data!.apiTokens.find((x: { id: string }) => x.id === id).lastUsedAt);
    expect(lastUsedAt).toBeGreaterThanOrEqual(startedAt - 5_000);
  });
});
