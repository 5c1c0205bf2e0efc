/**
 * An alert event that correlation cannot apply is put off with a growing delay (its attempts, when
 * it may be tried again, and the last error), instead of failing the first batch of every later drain.
 */
import type { MigrationInterface, QueryRunner } from "typeorm";

export class AlertEventRetry1795992300000 implements MigrationInterface {
  name = "AlertEventRetry1795992300000";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "alert_event" ADD "attempts" integer NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "alert_event" ADD "retry_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "alert_event" ADD "last_error" text`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "alert_event" DROP COLUMN "last_error"`);
    await queryRunner.query(`ALTER TABLE "alert_event" DROP COLUMN "retry_at"`);
    await queryRunner.query(`ALTER TABLE "alert_event" DROP COLUMN "attempts"`);
  }
}
