/**
 * The daily rollup's rows get a `shard` (the writing connection's backend pid mod 16) in their key.
 * Before, every incident written for the same day, service, team, priority and severity upserted the
 * same rollup row and held its lock until commit: an outage's burst of incidents for one service went
 * through one at a time (bench:writes, hand SQL, 20 writers: 58 writes/s on one service against 241
 * spread over 40). A connection runs one transaction at a time, so writers on different connections
 * mostly land on different rows. Readers already sum rollup rows per bucket and group, so they read
 * the same figures; a key has at most 16 rows a day.
 *
 * `down` folds each key's shards back into one row and restores the unsharded trigger function.
 */
import type { MigrationInterface, QueryRunner } from "typeorm";

const SHARDS = 16;
const SUMS = ["incidents", "reopened", "ack_n", "ack_sum_s", "close_n", "close_sum_s", "contain_n", "contain_sum_s", "recover_n", "recover_sum_s"];

/** Each row's contribution, as IncidentMetricsRollup defined it: a copy, since a merged migration never changes and exports nothing. */
const CONTRIBUTION = (rows: string, sign: number) => `
  SELECT (x.identified_at AT TIME ZONE 'UTC')::date AS day, x.service_id, x.team_id, x.priority, x.severity::text AS severity,
         ${sign} AS incidents, ${sign} * (x.reopen_count > 0)::int AS reopened,
         ${sign} * (x.acknowledged_at IS NOT NULL)::int AS ack_n, ${sign} * coalesce(date_part('epoch', x.acknowledged_at - x.identified_at), 0) AS ack_sum_s,
         ${sign} * (x.closed_at IS NOT NULL)::int AS close_n, ${sign} * coalesce(date_part('epoch', x.closed_at - x.identified_at), 0) AS close_sum_s,
         ${sign} * (x.contained_at IS NOT NULL)::int AS contain_n, ${sign} * coalesce(date_part('epoch', x.contained_at - x.identified_at), 0) AS contain_sum_s,
         ${sign} * (x.recovered_at IS NOT NULL)::int AS recover_n, ${sign} * coalesce(date_part('epoch', x.recovered_at - x.identified_at), 0) AS recover_sum_s
    FROM ${rows} x`;

/** The trigger's upsert (as migration IncidentMetricsRollup wrote it), with the shard in the key when `sharded`. */
const APPLY = (deltas: string, sharded: boolean) => {
  const key = `day, service_id, team_id, priority, severity${sharded ? ", shard" : ""}`;
  return `
  INSERT INTO incident_daily_rollup AS r (${key}, ${SUMS.join(", ")})
  SELECT day, service_id, team_id, priority, severity${sharded ? `, (pg_backend_pid() % ${SHARDS})::smallint` : ""}, ${SUMS.map((c) => `sum(${c})`).join(", ")}
    FROM (${deltas}) d
   GROUP BY day, service_id, team_id, priority, severity
  -- An update that changes nothing counted (a note, an assignment) writes nothing here.
  HAVING ${SUMS.map((c) => `sum(${c}) <> 0`).join(" OR ")}
   ORDER BY day, service_id, team_id, priority, severity
  ON CONFLICT (${key}) DO UPDATE SET ${SUMS.map((c) => `${c} = r.${c} + EXCLUDED.${c}`).join(", ")};`;
};

const APPLY_FUNCTION = (sharded: boolean) => `CREATE OR REPLACE FUNCTION incident_rollup_apply() RETURNS trigger LANGUAGE plpgsql AS $fn$
  BEGIN
    IF TG_OP = 'INSERT' THEN ${APPLY(CONTRIBUTION("new_rows", 1), sharded)}
    ELSIF TG_OP = 'DELETE' THEN ${APPLY(CONTRIBUTION("old_rows", -1), sharded)}
    ELSE ${APPLY(`${CONTRIBUTION("new_rows", 1)} UNION ALL ${CONTRIBUTION("old_rows", -1)}`, sharded)}
    END IF;
    RETURN NULL;
  END $fn$`;

export class IncidentRollupShards1795992100000 implements MigrationInterface {
  name = "IncidentRollupShards1795992100000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`LOCK TABLE "incident", "incident_daily_rollup" IN SHARE ROW EXCLUSIVE MODE`);
    await queryRunner.query(`ALTER TABLE "incident_daily_rollup" ADD "shard" smallint NOT NULL DEFAULT 0`);
    await queryRunner.query(`ALTER TABLE "incident_daily_rollup" DROP CONSTRAINT "UQ_incident_daily_rollup_key"`);
    await queryRunner.query(`ALTER TABLE "incident_daily_rollup" ADD CONSTRAINT "UQ_incident_daily_rollup_key" UNIQUE NULLS NOT DISTINCT ("day", "service_id", "team_id", "priority", "severity", "shard")`);
    await queryRunner.query(APPLY_FUNCTION(true));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`LOCK TABLE "incident", "incident_daily_rollup" IN SHARE ROW EXCLUSIVE MODE`);
    await queryRunner.query(APPLY_FUNCTION(false));
    // Every other shard's sums move onto shard 0's row of the same key, in one statement.
    await queryRunner.query(`
      WITH moved AS (DELETE FROM incident_daily_rollup WHERE shard <> 0 RETURNING *)
      INSERT INTO incident_daily_rollup AS r (day, service_id, team_id, priority, severity, shard, ${SUMS.join(", ")})
      SELECT day, service_id, team_id, priority, severity, 0, ${SUMS.map((c) => `sum(${c})`).join(", ")} FROM moved
       GROUP BY day, service_id, team_id, priority, severity
      ON CONFLICT (day, service_id, team_id, priority, severity, shard) DO UPDATE SET ${SUMS.map((c) => `${c} = r.${c} + EXCLUDED.${c}`).join(", ")}`);
    await queryRunner.query(`ALTER TABLE "incident_daily_rollup" DROP CONSTRAINT "UQ_incident_daily_rollup_key"`);
    await queryRunner.query(`ALTER TABLE "incident_daily_rollup" ADD CONSTRAINT "UQ_incident_daily_rollup_key" UNIQUE NULLS NOT DISTINCT ("day", "service_id", "team_id", "priority", "severity")`);
    await queryRunner.query(`ALTER TABLE "incident_daily_rollup" DROP COLUMN "shard"`);
  }
}
