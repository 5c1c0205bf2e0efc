/** incident.closure_code: closing an incident now records how it ended (a ServiceNow-style close code). */
import type { MigrationInterface, QueryRunner } from "typeorm";

export class IncidentClosureCode1795979954419 implements MigrationInterface {
  name = "IncidentClosureCode1795979954419";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      "CREATE TYPE \"closure_code\" AS ENUM('solved_permanently', 'solved_workaround', 'solved_remotely', 'not_reproducible', 'not_solved_too_costly', 'resolved_by_caller', 'resolved_by_change', 'resolved_by_problem', 'duplicate', 'cancelled_by_requester')",
    );
    await queryRunner.query("ALTER TABLE \"incident\" ADD \"closure_code\" \"closure_code\"");
    // Duplicates already cancelled say so; incidents closed before this change keep no code rather than a guessed one.
    await queryRunner.query("UPDATE \"incident\" SET \"closure_code\" = 'duplicate' WHERE \"duplicate_of_id\" IS NOT NULL");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"incident\" DROP COLUMN \"closure_code\"");
    await queryRunner.query("DROP TYPE \"closure_code\"");
  }
}
