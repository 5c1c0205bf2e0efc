/**
 * Metrics at a million incidents: an index on identifiedAt for range scans, and a daily rollup of
 * incident counts and duration sums per service, team, priority and severity, kept by statement
 * triggers with transition tables (one upsert per statement and key, also for bulk loads), so a
 * mean by week or month over a year reads a few thousand rows instead of every incident.
 * Each statement adds its new rows' contributions and subtracts its old rows', so updates,
 * reopens (which clear the later stamps) and deletes stay exact.
 */
import type { MigrationInterface, QueryRunner } from "typeorm";

const CONTRIBUTION = (rows: string, sign: number) => `
  SELECT (x.identified_at AT TIME ZONE 'UTC')::date AS day, x.service_id, x.team_id, x.priority, x.severity::text AS severity,
         ${sign} AS incidents, ${sign} * (x.reopen_count > 0)::int AS reopened,
         ${sign} * (x.acknowledged_at IS NOT NULL)::int AS ack_n, ${sign} * coalesce(date_part('epoch', x.acknowledged_at - x.identified_at), 0) AS ack_sum_s,
         ${sign} * (x.closed_at IS NOT NULL)::int AS close_n, ${sign} * coalesce(date_part('epoch', x.closed_at - x.identified_at), 0) AS close_sum_s,
         ${sign} * (x.contained_at IS NOT NULL)::int AS contain_n, ${sign} * coalesce(date_part('epoch', x.contained_at - x.identified_at), 0) AS contain_sum_s,
         ${sign} * (x.recovered_at IS NOT NULL)::int AS recover_n, ${sign} * coalesce(date_part('epoch', x.recovered_at - x.identified_at), 0) AS recover_sum_s
    FROM ${rows} x`;

const APPLY = (deltas: string) => `
  INSERT INTO incident_daily_rollup AS r (day, service_id, team_id, priority, severity, incidents, reopened, ack_n, ack_sum_s, close_n, close_sum_s, contain_n, contain_sum_s, recover_n, recover_sum_s)
  SELECT day, service_id, team_id, priority, severity, sum(incidents), sum(reopened), sum(ack_n), sum(ack_sum_s), sum(close_n), sum(close_sum_s), sum(contain_n), sum(contain_sum_s), sum(recover_n), sum(recover_sum_s)
    FROM (${deltas}) d
   GROUP BY day, service_id, team_id, priority, severity
  -- An update that changes nothing counted (a note, an assignment) writes nothing here.
  HAVING sum(incidents) <> 0 OR sum(reopened) <> 0 OR sum(ack_n) <> 0 OR sum(ack_sum_s) <> 0 OR sum(close_n) <> 0 OR sum(close_sum_s) <> 0
      OR sum(contain_n) <> 0 OR sum(contain_sum_s) <> 0 OR sum(recover_n) <> 0 OR sum(recover_sum_s) <> 0
   ORDER BY day, service_id, team_id, priority, severity
  ON CONFLICT (day, service_id, team_id, priority, severity) DO UPDATE SET
    incidents = r.incidents + EXCLUDED.incidents, reopened = r.reopened + EXCLUDED.reopened,
    ack_n = r.ack_n + EXCLUDED.ack_n, ack_sum_s = r.ack_sum_s + EXCLUDED.ack_sum_s,
    close_n = r.close_n + EXCLUDED.close_n, close_sum_s = r.close_sum_s + EXCLUDED.close_sum_s,
    contain_n = r.contain_n + EXCLUDED.contain_n, contain_sum_s = r.contain_sum_s + EXCLUDED.contain_sum_s,
    recover_n = r.recover_n + EXCLUDED.recover_n, recover_sum_s = r.recover_sum_s + EXCLUDED.recover_sum_s;`;

export class IncidentMetricsRollup1795990000000 implements MigrationInterface {
  name = "IncidentMetricsRollup1795990000000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "IDX_incident_identified" ON "incident" ("identified_at") `);
    await queryRunner.query(`CREATE TABLE "incident_daily_rollup" (
      "day" date NOT NULL, "service_id" uuid, "team_id" uuid, "priority" smallint NOT NULL, "severity" text,
      "incidents" integer NOT NULL, "reopened" integer NOT NULL,
      "ack_n" integer NOT NULL, "ack_sum_s" double precision NOT NULL, "close_n" integer NOT NULL, "close_sum_s" double precision NOT NULL,
      "contain_n" integer NOT NULL, "contain_sum_s" double precision NOT NULL, "recover_n" integer NOT NULL, "recover_sum_s" double precision NOT NULL,
      CONSTRAINT "UQ_incident_daily_rollup_key" UNIQUE NULLS NOT DISTINCT ("day", "service_id", "team_id", "priority", "severity"))`);
    await queryRunner.query(`CREATE FUNCTION incident_rollup_apply() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF TG_OP = 'INSERT' THEN ${APPLY(CONTRIBUTION("new_rows", 1))}
        ELSIF TG_OP = 'DELETE' THEN ${APPLY(CONTRIBUTION("old_rows", -1))}
        ELSE ${APPLY(`${CONTRIBUTION("new_rows", 1)} UNION ALL ${CONTRIBUTION("old_rows", -1)}`)}
        END IF;
        RETURN NULL;
      END $fn$`);
    await queryRunner.query(`CREATE TRIGGER incident_rollup_insert AFTER INSERT ON incident REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_rollup_apply()`);
    await queryRunner.query(`CREATE TRIGGER incident_rollup_update AFTER UPDATE ON incident REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_rollup_apply()`);
    await queryRunner.query(`CREATE TRIGGER incident_rollup_delete AFTER DELETE ON incident REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_rollup_apply()`);
    // TRUNCATE fires no row or delete triggers; the rollup empties with the table.
    await queryRunner.query(`CREATE FUNCTION incident_rollup_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN TRUNCATE incident_daily_rollup; RETURN NULL; END $fn$`);
    await queryRunner.query(`CREATE TRIGGER incident_rollup_truncate AFTER TRUNCATE ON incident FOR EACH STATEMENT EXECUTE FUNCTION incident_rollup_truncate()`);
    // Incidents already stored.
    await queryRunner.query(APPLY(CONTRIBUTION("incident", 1)));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER incident_rollup_truncate ON incident`);
    await queryRunner.query(`DROP FUNCTION incident_rollup_truncate()`);
    await queryRunner.query(`DROP TRIGGER incident_rollup_delete ON incident`);
    await queryRunner.query(`DROP TRIGGER incident_rollup_update ON incident`);
    await queryRunner.query(`DROP TRIGGER incident_rollup_insert ON incident`);
    await queryRunner.query(`DROP FUNCTION incident_rollup_apply()`);
    await queryRunner.query(`DROP TABLE "incident_daily_rollup"`);
    await queryRunner.query(`DROP INDEX "IDX_incident_identified"`);
  }
}
