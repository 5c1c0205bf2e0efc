/** A change fixes problems: change_problem links. */
import type { MigrationInterface, QueryRunner } from "typeorm";

export class ChangeFixesProblems1795980918409 implements MigrationInterface {
  name = "ChangeFixesProblems1795980918409";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"change_problem\" (\"change_id\" uuid NOT NULL, \"problem_id\" uuid NOT NULL, \"linked_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_b65e7d3636280a762ccdc34f7a0\" PRIMARY KEY (\"change_id\", \"problem_id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_8642cd264e0a8138e3b17afab0\" ON \"change_problem\"  (\"problem_id\") ");
    await queryRunner.query("ALTER TABLE \"change_problem\" ADD CONSTRAINT \"FK_8fcc3018f0030a229018c175372\" FOREIGN KEY (\"change_id\") REFERENCES \"change_request\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"change_problem\" ADD CONSTRAINT \"FK_8642cd264e0a8138e3b17afab0c\" FOREIGN KEY (\"problem_id\") REFERENCES \"problem\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"change_problem\" DROP CONSTRAINT \"FK_8642cd264e0a8138e3b17afab0c\"");
    await queryRunner.query("ALTER TABLE \"change_problem\" DROP CONSTRAINT \"FK_8fcc3018f0030a229018c175372\"");
    await queryRunner.query("DROP INDEX \"IDX_8642cd264e0a8138e3b17afab0\"");
    await queryRunner.query("DROP TABLE \"change_problem\"");
  }
}
