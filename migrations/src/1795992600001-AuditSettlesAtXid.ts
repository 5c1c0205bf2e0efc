/**
 * Audit seqs are drawn before commit, so records commit out of seq order and a reader paging the
 * trail newest-first could pass one that appears later. Each record now keeps the writer's snapshot
 * xmax (taken after its seq was drawn); the trail shows a record once no older transaction is still
 * running. Existing records (null) count as settled.
 */
import type { MigrationInterface, QueryRunner } from "typeorm";

export class AuditSettlesAtXid1795992600001 implements MigrationInterface {
  name = "AuditSettlesAtXid1795992600001";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "audit_log" ADD "settles_at_xid" bigint`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "audit_log" DROP COLUMN "settles_at_xid"`);
  }
}
