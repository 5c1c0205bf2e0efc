/** outbox.completed_at: a row is done when its job completed, not when it was queued; the sweep finds the rest. */
import type { MigrationInterface, QueryRunner } from "typeorm";

export class OutboxCompletion1795980314767 implements MigrationInterface {
  name = "OutboxCompletion1795980314767";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"outbox\" ADD \"completed_at\" TIMESTAMP WITH TIME ZONE");
    // Rows handed over before this change are taken as done: nothing can tell any more whether their job ran.
    await queryRunner.query("UPDATE \"outbox\" SET \"completed_at\" = \"dispatched_at\" WHERE \"dispatched_at\" IS NOT NULL");
    await queryRunner.query("CREATE INDEX \"IDX_outbox_unfinished\" ON \"outbox\" (\"dispatched_at\") WHERE dispatched_at IS NOT NULL AND completed_at IS NULL");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("DROP INDEX \"IDX_outbox_unfinished\"");
    await queryRunner.query("ALTER TABLE \"outbox\" DROP COLUMN \"completed_at\"");
  }
}
