/** Problem candidates: recurring incident groups found by the recurrence job, with their evidence and the decision on them. */
import type { MigrationInterface, QueryRunner } from "typeorm";

export class ProblemCandidates1795981056939 implements MigrationInterface {
  name = "ProblemCandidates1795981056939";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TYPE \"candidate_status\" AS ENUM('open', 'accepted', 'merged', 'dismissed', 'gone')");
    await queryRunner.query("CREATE TABLE \"problem_candidate\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"version\" integer NOT NULL, \"status\" \"candidate_status\" NOT NULL DEFAULT 'open', \"group_key\" uuid NOT NULL, \"incident_ids\" jsonb NOT NULL, \"size\" integer NOT NULL, \"first_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"last_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"services\" jsonb NOT NULL, \"teams\" jsonb NOT NULL, \"top_terms\" jsonb NOT NULL, \"cohesion\" double precision NOT NULL, \"per_week\" double precision NOT NULL, \"open_hours\" double precision NOT NULL, \"problem_id\" uuid, \"decided_by_id\" uuid, \"decided_at\" TIMESTAMP WITH TIME ZONE, \"note\" text, \"dismissed_incident_ids\" jsonb NOT NULL DEFAULT '[]', CONSTRAINT \"PK_e983f2e34d9d75264f5245b4614\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_4a4103d08491a95d9f8b0b157b\" ON \"problem_candidate\"  (\"group_key\") ");
    await queryRunner.query("CREATE INDEX \"IDX_problem_candidate_status_last\" ON \"problem_candidate\"  (\"status\", \"last_at\") ");
    await queryRunner.query("ALTER TABLE \"problem_candidate\" ADD CONSTRAINT \"FK_2b4df456a4545e0ff8eb27b6a86\" FOREIGN KEY (\"problem_id\") REFERENCES \"problem\"(\"id\") ON DELETE SET NULL ON UPDATE NO ACTION");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"problem_candidate\" DROP CONSTRAINT \"FK_2b4df456a4545e0ff8eb27b6a86\"");
    await queryRunner.query("DROP INDEX \"IDX_problem_candidate_status_last\"");
    await queryRunner.query("DROP INDEX \"IDX_4a4103d08491a95d9f8b0b157b\"");
    await queryRunner.query("DROP TABLE \"problem_candidate\"");
    await queryRunner.query("DROP TYPE \"candidate_status\"");
  }
}
