/**
 * Correlation gives up on an alert event after too many failed attempts (or when an admin discards
 * it): the event is kept, marked dead with a reason, and no drain or sweep claims it again. The
 * pending index leaves dead events out; a small partial index finds the events that keep failing.
 */
import type { MigrationInterface, QueryRunner } from "typeorm";

export class AlertEventDead1795992600000 implements MigrationInterface {
  name = "AlertEventDead1795992600000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TYPE "alert_event_dead_reason" AS ENUM('attempts_exhausted', 'discarded')`);
    await queryRunner.query(`ALTER TABLE "alert_event" ADD "dead_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "alert_event" ADD "dead_reason" "alert_event_dead_reason"`);
    await queryRunner.query(`DROP INDEX "IDX_alert_event_unprocessed"`);
    await queryRunner.query(`CREATE INDEX "IDX_alert_event_unprocessed" ON "alert_event" ("received_at") WHERE processed_at IS NULL AND dead_at IS NULL`);
    await queryRunner.query(`CREATE INDEX "IDX_alert_event_failing" ON "alert_event" ("received_at") WHERE processed_at IS NULL AND attempts > 0`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_alert_event_failing"`);
    await queryRunner.query(`DROP INDEX "IDX_alert_event_unprocessed"`);
    await queryRunner.query(`CREATE INDEX "IDX_alert_event_unprocessed" ON "alert_event" ("received_at") WHERE processed_at IS NULL`);
    await queryRunner.query(`ALTER TABLE "alert_event" DROP COLUMN "dead_reason"`);
    await queryRunner.query(`ALTER TABLE "alert_event" DROP COLUMN "dead_at"`);
    await queryRunner.query(`DROP TYPE "alert_event_dead_reason"`);
  }
}
