import { describe, expect, it } from "vitest";
import { GENESIS_HASH, chainHash } from "../../api/src/modules/audit/audit.rules";
import { appendAudit, verifyAuditChain } from "../../api/src/modules/audit/audit.service";
import { closeDatabase, openDatabase } from "../../api/src/platform/database/data-source";
import { dropSchema, testConfig } from "../../api/test/support/harness";

const NAME = "AuditStreams1795992000000";

describe("AuditStreams migration", () => {
  it("down joins the streams into one gapless chain without losing a record; up takes it back as stream 0", async () => {
    const config = testConfig();
    const dataSource = await openDatabase(config);
    try {
      // Records in several streams, with a rolled-back write leaving a gap in seq.
      await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) =>
          dataSource.transaction(async (manager) => {
            await appendAudit(manager, null, { action: "probe.write", entityType: "probe", entityId: `p${i}`, after: { i, nested: { b: 1, a: [i] } } });
            if (i === 5) throw new Error("roll back");
          }),
        ),
      );
      const before = (await dataSource.query(`SELECT entity_id, after FROM audit_log ORDER BY seq`)) as Array<{ entity_id: string; after: unknown }>;
      expect(before).toHaveLength(11);
      // A real pool runs them side by side, in several streams; PGlite's single connection uses one.
      if (config.databaseUrl) expect((await dataSource.query(`SELECT DISTINCT stream FROM audit_log`)).length).toBeGreaterThan(1);

      while ((await dataSource.query(`SELECT 1 FROM migrations WHERE name = $1`, [NAME])).length) await dataSource.undoLastMigration({ transaction: "each" });

      // What the single-chain code verified: seq 1..n, each record linked to and hashed over the one before.
      const rows = (await dataSource.query(`SELECT seq, at, actor_id AS "actorId", actor_label AS "actorLabel", action, entity_type AS "entityType", entity_id AS "entityId", before, after, prev_hash AS "prevHash", hash FROM audit_log ORDER BY seq`)) as Array<Parameters<typeof chainHash>[1] & { prevHash: string; hash: string }>;
      expect(rows.map((r) => ({ entity_id: r.entityId, after: r.after }))).toEqual(before);
      let prev = GENESIS_HASH;
      rows.forEach((row, i) => {
        expect(String(row.seq)).toBe(String(i + 1)); // PGlite gives bigints as numbers
        expect(row.prevHash).toBe(prev);
        expect(row.hash).toBe(chainHash(prev, row));
        prev = row.hash;
      });

      await dataSource.runMigrations({ transaction: "each" });
      expect(await verifyAuditChain(dataSource)).toMatchObject({ ok: true, checked: 11 });
      expect(await dataSource.query(`SELECT DISTINCT stream FROM audit_log`)).toEqual([{ stream: 0 }]);
      // And appends carry on from there.
      await dataSource.transaction((manager) => appendAudit(manager, null, { action: "probe.after", entityType: "probe", entityId: "z" }));
      expect(await verifyAuditChain(dataSource)).toMatchObject({ ok: true, checked: 12 });
    } finally {
      await closeDatabase(dataSource);
      await dropSchema(config);
    }
  });
});
