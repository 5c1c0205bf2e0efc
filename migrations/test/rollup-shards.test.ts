import { describe, expect, it } from "vitest";
import { closeDatabase, openDatabase } from "../../api/src/platform/database/data-source";
import { dropSchema, testConfig } from "../../api/test/support/harness";

const NAME = "IncidentRollupShards1795992100000";
const SUMS = `SELECT day, priority, sum(incidents)::int AS incidents, sum(ack_n)::int AS ack_n, round(sum(ack_sum_s))::int AS ack_sum_s FROM incident_daily_rollup GROUP BY 1, 2 ORDER BY 1, 2`;

describe("IncidentRollupShards migration", () => {
  it("writers on different connections add to different rows of one key; down folds them into one row with the same sums", async () => {
    const config = testConfig();
    const dataSource = await openDatabase(config);
    try {
      // 40 incidents of one key (same day, priority, no service/team/severity), written by up to 10 connections at once.
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          dataSource.query(
            `INSERT INTO incident (version, title, impact, urgency, priority, identified_at, acknowledged_at) VALUES (1, $1, 2, 2, 3, '2026-03-02T10:00:00Z', $2)`,
            [`probe ${i}`, i % 2 ? "2026-03-02T10:01:00Z" : null],
          ),
        ),
      );
      const expected = [{ day: expect.anything(), priority: 3, incidents: 40, ack_n: 20, ack_sum_s: 20 * 60 }];
      expect(await dataSource.query(SUMS)).toEqual(expected);
      const [{ rows }] = await dataSource.query(`SELECT count(*)::int AS rows FROM incident_daily_rollup`);
      if (config.databaseUrl) expect(rows).toBeGreaterThan(1); // PGlite's single connection writes one shard

      while ((await dataSource.query(`SELECT 1 FROM migrations WHERE name = $1`, [NAME])).length) await dataSource.undoLastMigration({ transaction: "each" });
      expect(await dataSource.query(`SELECT count(*)::int AS rows FROM incident_daily_rollup`)).toEqual([{ rows: 1 }]);
      expect(await dataSource.query(SUMS)).toEqual(expected);
      // The unsharded trigger keeps counting into that one row.
      await dataSource.query(`INSERT INTO incident (version, title, impact, urgency, priority, identified_at) VALUES (1, 'after down', 2, 2, 3, '2026-03-02T11:00:00Z')`);
      expect(await dataSource.query(`SELECT count(*)::int AS rows, sum(incidents)::int AS n FROM incident_daily_rollup`)).toEqual([{ rows: 1, n: 41 }]);

      await dataSource.runMigrations({ transaction: "each" });
      expect(await dataSource.query(SUMS)).toEqual([{ ...expected[0], incidents: 41 }]);
    } finally {
      await closeDatabase(dataSource);
      await dropSchema(config);
    }
  });
});
