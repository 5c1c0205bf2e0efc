import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/commands";
import { codeOf, seedFixture, startTestApi, type Fixture } from "../support/harness";

function captureIo() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = "";
  let err = "";
  stdout.on("data", (d) => (out += d));
  stderr.on("data", (d) => (err += d));
  return { stdout, stderr, out: () => out, err: () => err };
}

async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
}

describe("audit trail", () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let f: Fixture;
  beforeAll(async () => {
    t = await startTestApi();
    f = await seedFixture(t.api);
  });
  afterAll(async () => t?.stop());

  async function createIncident(title: string) {
    const res = await t.gql(`mutation($t: String!) { createIncident(input: { title: $t, impact: 2, urgency: 2 }) { id version } }`, { t: title }, f.tokens.agent);
    return res.data!.createIncident as { id: string; version: number };
  }

  it("records actor, action, entity, before and after for every mutation, readable by admins only", async () => {
    const incident = await createIncident("Disk full on db-7");
    await t.gql(`mutation($i: UpdateIncidentInput!) { updateIncident(input: $i) { version } }`, { i: { id: incident.id, version: 1, title: "Disk full on db-07" } }, f.tokens.agent);
    const res = await t.gql(`query($id: String!) { auditLog(entityId: $id) { seq actorId actorLabel action entityType before after hash prevHash } }`, { id: incident.id }, f.tokens.admin);
    const [update, create] = res.data!.auditLog;
    expect(create).toMatchObject({ action: "incident.create", entityType: "incident", actorId: f.users.agent.id, actorLabel: f.users.agent.email, before: null });
    expect(create.after.title).toBe("Disk full on db-7");
    expect(update).toMatchObject({ action: "incident.update", before: { title: "Disk full on db-7", version: 1 }, after: { title: "Disk full on db-07", version: 2 } });
    expect(update.prevHash).not.toBe(update.hash);
    expect(codeOf(await t.gql(`query { auditLog { seq } }`, {}, f.tokens.analyst))).toBe("FORBIDDEN");
  });

  it("writes nothing to the trail when the change itself fails", async () => {
    const incident = await createIncident("Audit rollback probe");
    const before = await t.api.dataSource.query(`SELECT count(*)::int AS n FROM audit_log`);
    const stale = await t.gql(`mutation($i: UpdateIncidentInput!) { updateIncident(input: $i) { version } }`, { i: { id: incident.id, version: 99, title: "never" } }, f.tokens.agent);
    expect(codeOf(stale)).toBe("CONFLICT");
    const after = await t.api.dataSource.query(`SELECT count(*)::int AS n FROM audit_log`);
    expect(after[0].n).toBe(before[0].n);
  });

  it("keeps one linear chain when many writes race", async () => {
    await Promise.all(Array.from({ length: 12 }, (_, i) => createIncident(`Concurrent write ${i}`)));
    const verdict = await t.gql(`query { verifyAuditLog { ok checked brokenAtSeq } }`, {}, f.tokens.admin);
    expect(verdict.data!.verifyAuditLog).toMatchObject({ ok: true, brokenAtSeq: null });
    expect(verdict.data!.verifyAuditLog.checked).toBeGreaterThan(12);
  });

  it("detects an edited row and a deleted row, naming the first broken link (API and CLI)", async () => {
    const ds = t.api.dataSource;
    const [{ seq }] = await ds.query(`SELECT seq FROM audit_log WHERE action = 'incident.create' ORDER BY seq LIMIT 1 OFFSET 2`);
    await ds.query(`UPDATE audit_log SET after = jsonb_set(after, '{title}', '"tampered"') WHERE seq = $1`, [seq]);
    const edited = await t.gql(`query { verifyAuditLog { ok brokenAtSeq reason } }`, {}, f.tokens.admin);
    expect(edited.data!.verifyAuditLog).toMatchObject({ ok: false, brokenAtSeq: String(seq) });
    expect(edited.data!.verifyAuditLog.reason).toMatch(/modified/);

    // The CLI reads the same database: only possible against PostgreSQL (PGlite here is in this process's memory).
    if (t.config.databaseUrl) {
      const io = captureIo();
      const code = await withEnv({ QUELL_DB_SCHEMA: t.config.databaseSchema, JWT_SECRET: t.config.jwtSecret }, () => COMMANDS.find((c) => c.name === "audit verify")!.run([], io));
      expect(code).toBe(1);
      expect(io.err()).toContain(`BROKEN at record ${seq}`);
    }

    const next = String(BigInt(seq) + 1n);
    await ds.query(`DELETE FROM audit_log WHERE seq = $1`, [next]);
    const deleted = await t.gql(`query { verifyAuditLog { ok brokenAtSeq } }`, {}, f.tokens.admin);
    expect(deleted.data!.verifyAuditLog).toMatchObject({ ok: false, brokenAtSeq: String(seq) });
  });
});
