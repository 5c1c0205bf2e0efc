/** SLA warnings and breaches on the incident timeline (a timeline kind), and paused clocks' time left for the slaDueAt sort. */
import type { MigrationInterface, QueryRunner } from "typeorm";

export class SlaTimelineAndPausedSort1795992200000 implements MigrationInterface {
  name = "SlaTimelineAndPausedSort1795992200000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TYPE \"timeline_kind\" ADD VALUE 'sla'");
    await queryRunner.query("ALTER TABLE \"incident\" ADD \"sla_paused_left_seconds\" integer");
    // Incidents whose every unfinished clock is paused today: their business time left, as the SLA module keeps it from now on.
    await queryRunner.query(`UPDATE "incident" i SET "sla_paused_left_seconds" = p.left_s
      FROM (SELECT "incident_id", MIN(FLOOR(("target_ms" - "spent_ms") / 1000.0))::int AS left_s FROM "sla_clock" WHERE "paused_at" IS NOT NULL AND "stopped_at" IS NULL GROUP BY "incident_id") p
      WHERE i."id" = p."incident_id" AND i."sla_due_at" IS NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"incident\" DROP COLUMN \"sla_paused_left_seconds\"");
    // PostgreSQL cannot drop an enum value: SLA entries become plain updates, then the type is rebuilt without it.
    await queryRunner.query(`UPDATE "timeline_entry" SET "kind" = 'updated' WHERE "kind" = 'sla'`);
    const rows: Array<{ v: string }> = await queryRunner.query(`SELECT unnest(enum_range(NULL::"timeline_kind"))::text AS v`);
    const kept = rows.map((r) => r.v).filter((v) => v !== "sla");
    await queryRunner.query(`CREATE TYPE "timeline_kind_old" AS ENUM(${kept.map((v) => `'${v}'`).join(", ")})`);
    await queryRunner.query(`ALTER TABLE "timeline_entry" ALTER COLUMN "kind" TYPE "timeline_kind_old" USING "kind"::"text"::"timeline_kind_old"`);
    await queryRunner.query(`DROP TYPE "timeline_kind"`);
    await queryRunner.query(`ALTER TYPE "timeline_kind_old" RENAME TO "timeline_kind"`);
  }
}
