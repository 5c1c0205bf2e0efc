import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALERTMANAGER_EXAMPLE } from "../support/alert-payloads";
import { codeOf, seedFixture, startTestApi, type Fixture } from "../support/harness";

/** Revoking an alert integration on real PostgreSQL: admins only, version-checked, audited, the token dead at once, its alerts kept. */
describe("revoking an alert integration", () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let f: Fixture;
  const post = (token: string, body: unknown = ALERTMANAGER_EXAMPLE) =>
    fetch(`${t.api.http.url}/hooks/alertmanager`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  const REVOKE = `mutation($id: ID!, $v: Int!) { revokeAlertIntegration(id: $id, version: $v) { id version enabled tokenPrefix } }`;

  beforeAll(async () => {
    t = await startTestApi({});
    f = await seedFixture(t.api);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("disables it and kills its token at once, keeps its alerts, and audits who did it", async () => {
    const made = await t.gql<any>(`mutation { saveAlertIntegration(input: { name: "Prometheus prod", source: alertmanager }) { token integration { id version tokenPrefix } } }`, {}, f.tokens.admin);
    expect(made.errors).toBeUndefined();
    const { token, integration } = made.data.saveAlertIntegration;
    expect((await post(token)).status).toBe(202);
    const events = async () => (await t.api.dataSource.query(`SELECT count(*)::int AS n FROM alert_event WHERE integration_id = $1`, [integration.id]))[0].n as number;
    expect(await events()).toBe(1);

    expect(codeOf(await t.gql(REVOKE, { id: integration.id, v: integration.version }, f.tokens.agent))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql(REVOKE, { id: integration.id, v: integration.version + 5 }, f.tokens.admin))).toBe("CONFLICT");
    const revoked = await t.gql<any>(REVOKE, { id: integration.id, v: integration.version }, f.tokens.admin);
    expect(revoked.errors).toBeUndefined();
    expect(revoked.data.revokeAlertIntegration).toMatchObject({ enabled: false, version: integration.version + 1, tokenPrefix: integration.tokenPrefix });

    const refused = await post(token, { ...ALERTMANAGER_EXAMPLE, receiver: "after-revoke" });
    expect(refused.status).toBe(401);
    expect(await events()).toBe(1);
    // Re-enabling alone does not bring the old token back: the stored hash is of a token nobody saw.
    const enabled = await t.gql<any>(`mutation($id: ID!, $v: Int!) { saveAlertIntegration(input: { id: $id, version: $v, name: "Prometheus prod", source: alertmanager, enabled: true }) { token } }`, { id: integration.id, v: integration.version + 1 }, f.tokens.admin);
    expect(enabled.errors).toBeUndefined();
    expect((await post(token, { ...ALERTMANAGER_EXAMPLE, receiver: "after-enable" })).status).toBe(401);

    const audit = await t.gql<any>(`query($id: String!) { auditLog(entityType: "alert_integration", entityId: $id) { action actorLabel after } }`, { id: integration.id }, f.tokens.admin);
    const entry = audit.data.auditLog.find((a: any) => a.action === "alert_integration.revoke");
    expect(entry.actorLabel).toBe(f.users.admin.email);
    expect(entry.after.enabled).toBe(false);
    expect(JSON.stringify(audit.data.auditLog)).not.toMatch(/tokenHash/);
  });
});
