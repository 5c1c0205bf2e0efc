import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/commands";
import { appendAudit } from "../../src/modules/audit/audit.service";
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

  it("spreads racing writers over streams, each a gapless valid chain, rolled-back writes leaving no trace in them", async () => {
    const ds = t.api.dataSource;
    await Promise.all(Array.from({ length: 12 }, (_, i) => createIncident(`Concurrent write ${i}`)));
    // Straight through the service too: 30 transactions at once, two records each, every third rolled back.
    const outcomes = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        ds.transaction(async (manager) => {
          await appendAudit(manager, null, { action: "probe.first", entityType: "probe", entityId: `p${i}`, after: { i } });
          await appendAudit(manager, null, { action: "probe.second", entityType: "probe", entityId: `p${i}`, after: { i } });
          if (i % 3 === 0) throw new Error("roll back");
        }),
      ),
    );
    expect(outcomes.filter((o) => o.status === "rejected")).toHaveLength(10);
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM audit_log WHERE entity_type = 'probe'`);
    expect(n).toBe(40);
    const verdict = await t.gql(`query { verifyAuditLog { ok checked streams headsDigest brokenAtSeq } }`, {}, f.tokens.admin);
    expect(verdict.data!.verifyAuditLog).toMatchObject({ ok: true, streams: 64, brokenAtSeq: null, headsDigest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const [{ total }] = await ds.query(`SELECT count(*)::int AS total FROM audit_log`);
    expect(verdict.data!.verifyAuditLog.checked).toBe(total);
    if (t.config.databaseUrl) {
      // A real pool runs the writers side by side: they must have taken several streams, not queued on one.
      const [{ used }] = await ds.query(`SELECT count(DISTINCT stream)::int AS used FROM audit_log WHERE entity_type = 'probe'`);
      expect(used).toBeGreaterThan(1);
    }
  });

  it("never pages past a record that a writer still in flight could commit below it", async () => {
    if (!t.config.databaseUrl) return; // PGlite has one connection: no two writers are ever in flight together.
    const ds = t.api.dataSource;
    const probe = (entityId: string) => ({ action: "probe.settle", entityType: "settle-probe", entityId });
    const page = async (variables: { first: number; beforeSeq?: string }) =>
      (await t.gql(`query($first: Int!, $beforeSeq: String) { auditLog(entityType: "settle-probe", first: $first, beforeSeq: $beforeSeq) { seq entityId } }`, variables, f.tokens.admin)).data!.auditLog as Array<{ seq: string; entityId: string }>;
    await ds.transaction((m) => appendAudit(m, null, probe("older")));
    // A slow writer draws its seq, then a fast one draws a higher one and commits first.
    const slow = ds.createQueryRunner();
    await slow.connect();
    await slow.startTransaction();
    let firstPage: Array<{ seq: string; entityId: string }>;
    try {
      const pending = await appendAudit(slow.manager, null, probe("slow"));
      const fast = await ds.transaction((m) => appendAudit(m, null, probe("fast")));
      expect(BigInt(fast.seq)).toBeGreaterThan(BigInt(pending.seq));
      // A reader pages newest first, two at a time, while the slow writer is still in flight.
      firstPage = await page({ first: 2 });
      await slow.commitTransaction();
    } finally {
      if (slow.isTransactionActive) await slow.rollbackTransaction();
      await slow.release();
    }
    // Without the settle rule the page was [fast, older] and the slow record, committed in between
    // the two, was passed for good. Now every record numbered within a page is on it...
    const everything = await page({ first: 10 });
    expect(everything.map((r) => r.entityId)).toEqual(["fast", "slow", "older"]);
    if (firstPage.length) {
      const [high, low] = [BigInt(firstPage[0]!.seq), BigInt(firstPage[firstPage.length - 1]!.seq)];
      expect(everything.filter((r) => BigInt(r.seq) <= high && BigInt(r.seq) >= low).map((r) => r.entityId)).toEqual(firstPage.map((r) => r.entityId));
    }
    // ...and the fast record, committed first, waited for the slow one instead of jumping it.
    expect(firstPage.map((r) => r.entityId)).not.toContain("fast");
  });

  it("queues for a stream, rather than failing, when every stream is taken", async () => {
    if (!t.config.databaseUrl) return; // PGlite has one connection: nothing can hold the streams meanwhile.
    const ds = t.api.dataSource;
    const holder = ds.createQueryRunner();
    await holder.connect();
    await holder.startTransaction();
    try {
      await holder.query(`SELECT stream FROM audit_chain_head FOR UPDATE`);
      let done = false;
      const waiting = ds.transaction((m) => appendAudit(m, null, { action: "probe.wait", entityType: "probe", entityId: "w" })).then((r) => ((done = true), r));
      await new Promise((r) => setTimeout(r, 300));
      expect(done).toBe(false);
      await holder.commitTransaction();
      const record = await waiting;
      expect(record.streamSeq).toMatch(/^\d+$/);
    } finally {
      if (holder.isTransactionActive) await holder.rollbackTransaction();
      await holder.release();
    }
    expect((await t.gql(`query { verifyAuditLog { ok } }`, {}, f.tokens.admin)).data!.verifyAuditLog.ok).toBe(true);
  });

  it("detects an edited row, a row deleted mid-stream and rows cut off a stream's end, naming the broken link (API and CLI)", async () => {
    const ds = t.api.dataSource;
    const verify = async () => (await t.gql(`query { verifyAuditLog { ok brokenAtSeq reason } }`, {}, f.tokens.admin)).data!.verifyAuditLog;
    // A record with a successor in its stream, so its removal leaves a gap rather than a short end.
    const [{ seq, stream, stream_seq: position, after }] = await ds.query(
      `SELECT a.seq, a.stream, a.stream_seq, a.after FROM audit_log a
       WHERE a.action = 'incident.create' AND EXISTS (SELECT 1 FROM audit_log b WHERE b.stream = a.stream AND b.stream_seq = a.stream_seq + 1)
       ORDER BY a.stream, a.stream_seq LIMIT 1`,
    );
    await ds.query(`UPDATE audit_log SET after = jsonb_set(after, '{title}', '"tampered"') WHERE seq = $1`, [seq]);
    const edited = await verify();
    expect(edited).toMatchObject({ ok: false, brokenAtSeq: String(seq) });
    expect(edited.reason).toMatch(/modified/);

    // The CLI reads the same database: only possible against PostgreSQL (PGlite here is in this process's memory).
    if (t.config.databaseUrl) {
      const io = captureIo();
      const code = await withEnv({ QUELL_DB_SCHEMA: t.config.databaseSchema, JWT_SECRET: t.config.jwtSecret }, () => COMMANDS.find((c) => c.name === "audit verify")!.run([], io));
      expect(code).toBe(1);
      expect(io.err()).toContain(`BROKEN at record ${seq}`);
    }

    await ds.query(`UPDATE audit_log SET after = $2 WHERE seq = $1`, [seq, JSON.stringify(after)]);
    expect((await verify()).ok).toBe(true);

    const gap = String(BigInt(position) + 1n);
    const [{ seq: gapSeq }] = await ds.query(`SELECT seq FROM audit_log WHERE stream = $1 AND stream_seq = $2`, [stream, gap]);
    const [{ row: removed }] = await ds.query(`SELECT to_jsonb(a) AS row FROM audit_log a WHERE seq = $1`, [gapSeq]);
    await ds.query(`DELETE FROM audit_log WHERE seq = $1`, [gapSeq]);
    const deleted = await verify();
    expect(deleted.ok).toBe(false);
    // Named at the record after the gap, or, when the gap was the stream's last record, at the stream's short end.
    expect(deleted.reason).toMatch(new RegExp(`stream ${stream}: record #${gap} is missing|stream ${stream} ends at record #${position}, but its head is #${gap}`));
    await ds.query(`INSERT INTO audit_log SELECT * FROM jsonb_populate_record(NULL::audit_log, $1)`, [JSON.stringify(removed)]);
    expect((await verify()).ok).toBe(true);

    // Cutting a stream's last record leaves every remaining link intact: only its head gives it away.
    const [{ stream: cut, last }] = await ds.query(`SELECT stream, max(stream_seq) AS last FROM audit_log GROUP BY stream ORDER BY stream LIMIT 1`);
    await ds.query(`DELETE FROM audit_log WHERE stream = $1 AND stream_seq = $2`, [cut, last]);
    const truncated = await verify();
    expect(truncated).toMatchObject({ ok: false });
    expect(truncated.reason).toContain(`stream ${cut} ends at record #${BigInt(last) - 1n}, but its head is #${last}`);
  });
});
