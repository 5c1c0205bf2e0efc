/** Server-side sessions (revocable, with hashed rotating refresh tokens) and admin-issued one-time password resets. */
import type { MigrationInterface, QueryRunner } from "typeorm";

export class AccountSessions1795979833888 implements MigrationInterface {
  name = "AccountSessions1795979833888";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"session\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"user_id\" uuid NOT NULL, \"refresh_token_hash\" character varying(64) NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"refreshed_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"expires_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"revoked_at\" TIMESTAMP WITH TIME ZONE, \"revoked_reason\" character varying(40), CONSTRAINT \"PK_f55da76ac1c3ac420f444d2ff11\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_30e98e8746699fb9af235410af\" ON \"session\"  (\"user_id\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_e131e569c75b7d1aa8a73ffa83\" ON \"session\"  (\"refresh_token_hash\") ");
    await queryRunner.query("CREATE TABLE \"password_reset\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"user_id\" uuid NOT NULL, \"code_hash\" character varying(64) NOT NULL, \"created_by_id\" uuid, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"expires_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"used_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"PK_8515e60a2cc41584fa4784f52ce\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_ad88301fdc79593dd222268a8b\" ON \"password_reset\"  (\"user_id\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_ef96a5403fc6522121a5a9a728\" ON \"password_reset\"  (\"code_hash\") ");
    await queryRunner.query("ALTER TABLE \"session\" ADD CONSTRAINT \"FK_30e98e8746699fb9af235410aff\" FOREIGN KEY (\"user_id\") REFERENCES \"app_user\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"password_reset\" ADD CONSTRAINT \"FK_ad88301fdc79593dd222268a8b6\" FOREIGN KEY (\"user_id\") REFERENCES \"app_user\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"password_reset\" DROP CONSTRAINT \"FK_ad88301fdc79593dd222268a8b6\"");
    await queryRunner.query("ALTER TABLE \"session\" DROP CONSTRAINT \"FK_30e98e8746699fb9af235410aff\"");
    await queryRunner.query("DROP INDEX \"IDX_ef96a5403fc6522121a5a9a728\"");
    await queryRunner.query("DROP INDEX \"IDX_ad88301fdc79593dd222268a8b\"");
    await queryRunner.query("DROP TABLE \"password_reset\"");
    await queryRunner.query("DROP INDEX \"IDX_e131e569c75b7d1aa8a73ffa83\"");
    await queryRunner.query("DROP INDEX \"IDX_30e98e8746699fb9af235410af\"");
    await queryRunner.query("DROP TABLE \"session\"");
  }
}
