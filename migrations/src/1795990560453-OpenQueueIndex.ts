/** The agent queue's index: open stages only, in the page's order (priority, then id as the cursor's tie-break). */
import type { MigrationInterface, QueryRunner } from "typeorm";

export class OpenQueueIndex1795990560453 implements MigrationInterface {
  name = "OpenQueueIndex1795990560453";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "IDX_incident_open_queue" ON "incident" ("priority", "id") WHERE stage IN ('identified', 'classified', 'assessed')`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_incident_open_queue"`);
  }
}
