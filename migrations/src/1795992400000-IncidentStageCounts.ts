/**
 * The agent queue's total, kept instead of counted: incidents per stage, overall and per team and
 * per assignee (no assignee is its own key, for "unassigned"), so `incidents { totalCount }` for the
 * queue's common views reads at most 16 rows per stage instead of counting every open incident
 * (100k of them at 1M incidents). Other filters (priority, severity, service, search, dates and
 * combinations) still count rows: they narrow the set, and an exact total is what an agent reads.
 *
 * Kept like the daily rollup (IncidentMetricsRollup, IncidentRollupShards): statement triggers with
 * transition tables add each statement's new rows and subtract its old rows in one upsert per key,
 * in key order, with the writing connection's backend pid mod 16 in the key, so concurrent writers
 * mostly land on different rows. The triggers run in the writing transaction, so the counts commit
 * or roll back with the incidents they count. An update that moves nothing counted writes nothing.
 */
import type { MigrationInterface, QueryRunner } from "typeorm";

const SHARDS = 16;

/** Each row counts once per dimension: overall (no subject), its team, its assignee. */
const CONTRIBUTION = (rows: string, sign: number) => `
  SELECT x.stage, d.dimension, d.subject_id, ${sign} AS incidents
    FROM ${rows} x
   CROSS JOIN LATERAL (VALUES ('all', NULL::uuid), ('team', x.team_id), ('assignee', x.assignee_id)) d(dimension, subject_id)`;

const APPLY = (deltas: string) => `
  INSERT INTO incident_stage_count AS c (dimension, subject_id, stage, shard, incidents)
  SELECT dimension, subject_id, stage, (pg_backend_pid() % ${SHARDS})::smallint, sum(incidents)
    FROM (${deltas}) d
   GROUP BY dimension, subject_id, stage
  HAVING sum(incidents) <> 0
   ORDER BY dimension, subject_id, stage
  ON CONFLICT (dimension, subject_id, stage, shard) DO UPDATE SET incidents = c.incidents + EXCLUDED.incidents;`;

export class IncidentStageCounts1795992400000 implements MigrationInterface {
  name = "IncidentStageCounts1795992400000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    // No incident may change between the backfill and the triggers taking over.
    await queryRunner.query(`LOCK TABLE "incident" IN SHARE ROW EXCLUSIVE MODE`);
    await queryRunner.query(`CREATE TABLE "incident_stage_count" (
      "dimension" text NOT NULL, "subject_id" uuid, "stage" "stage" NOT NULL, "shard" smallint NOT NULL, "incidents" integer NOT NULL,
      CONSTRAINT "CHK_incident_stage_count_dimension" CHECK ("dimension" IN ('all', 'team', 'assignee')),
      CONSTRAINT "UQ_incident_stage_count_key" UNIQUE NULLS NOT DISTINCT ("dimension", "subject_id", "stage", "shard"))`);
    await queryRunner.query(`CREATE FUNCTION incident_stage_count_apply() RETURNS trigger LANGUAGE plpgsql AS $fn$
      BEGIN
        IF TG_OP = 'INSERT' THEN ${APPLY(CONTRIBUTION("new_rows", 1))}
        ELSIF TG_OP = 'DELETE' THEN ${APPLY(CONTRIBUTION("old_rows", -1))}
        ELSE ${APPLY(`${CONTRIBUTION("new_rows", 1)} UNION ALL ${CONTRIBUTION("old_rows", -1)}`)}
        END IF;
        RETURN NULL;
      END $fn$`);
    await queryRunner.query(`CREATE TRIGGER incident_stage_count_insert AFTER INSERT ON incident REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_stage_count_apply()`);
    await queryRunner.query(`CREATE TRIGGER incident_stage_count_update AFTER UPDATE ON incident REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_stage_count_apply()`);
    await queryRunner.query(`CREATE TRIGGER incident_stage_count_delete AFTER DELETE ON incident REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION incident_stage_count_apply()`);
    // TRUNCATE fires no row or delete triggers; the counts empty with the table.
    await queryRunner.query(`CREATE FUNCTION incident_stage_count_truncate() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN TRUNCATE incident_stage_count; RETURN NULL; END $fn$`);
    await queryRunner.query(`CREATE TRIGGER incident_stage_count_truncate AFTER TRUNCATE ON incident FOR EACH STATEMENT EXECUTE FUNCTION incident_stage_count_truncate()`);
    // Incidents already stored.
    await queryRunner.query(APPLY(CONTRIBUTION("incident", 1)));
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER incident_stage_count_truncate ON incident`);
    await queryRunner.query(`DROP FUNCTION incident_stage_count_truncate()`);
    await queryRunner.query(`DROP TRIGGER incident_stage_count_delete ON incident`);
    await queryRunner.query(`DROP TRIGGER incident_stage_count_update ON incident`);
    await queryRunner.query(`DROP TRIGGER incident_stage_count_insert ON incident`);
    await queryRunner.query(`DROP FUNCTION incident_stage_count_apply()`);
    await queryRunner.query(`DROP TABLE "incident_stage_count"`);
  }
}
