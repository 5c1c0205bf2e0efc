/** Problem management: problems with their transitions, incident links, timeline, tasks and affected services; the `problem` suggestion kind. */
import type { MigrationInterface, QueryRunner } from "typeorm";

export class ProblemManagement1795979876603 implements MigrationInterface {
  name = "ProblemManagement1795979876603";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TYPE \"problem_priority_source\" AS ENUM('matrix', 'incidents', 'manual')");
    await queryRunner.query("CREATE TYPE \"problem_stage\" AS ENUM('new', 'investigating', 'root_cause_known', 'known_error', 'resolved', 'closed', 'cancelled')");
    await queryRunner.query("CREATE TABLE \"problem\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"version\" integer NOT NULL, \"number\" SERIAL NOT NULL, \"title\" character varying(300) NOT NULL, \"statement\" text NOT NULL DEFAULT '', \"owner_id\" uuid, \"impact\" smallint NOT NULL, \"urgency\" smallint NOT NULL, \"priority\" smallint NOT NULL, \"priority_source\" \"problem_priority_source\" NOT NULL DEFAULT 'matrix', \"priority_reason\" text NOT NULL DEFAULT '', \"manual_priority\" smallint, \"stage\" \"problem_stage\" NOT NULL DEFAULT 'new', \"root_cause\" text, \"contributing_factors\" jsonb NOT NULL DEFAULT '[]', \"five_whys\" jsonb NOT NULL DEFAULT '[]', \"workaround\" text, \"workaround_by_id\" uuid, \"workaround_at\" TIMESTAMP WITH TIME ZONE, \"fix_description\" text, \"close_reason\" text, \"investigating_at\" TIMESTAMP WITH TIME ZONE, \"root_cause_known_at\" TIMESTAMP WITH TIME ZONE, \"known_error_at\" TIMESTAMP WITH TIME ZONE, \"resolved_at\" TIMESTAMP WITH TIME ZONE, \"closed_at\" TIMESTAMP WITH TIME ZONE, \"cancelled_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"UQ_b341a62b79a6e4e5a8a4610db1b\" UNIQUE (\"number\"), CONSTRAINT \"PK_119b5ca6f3371465bf1f0f90219\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_02e491b86a0715b82a803a7617\" ON \"problem\"  (\"owner_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_e50f5a4bfdacf1c2a9bb190cf2\" ON \"problem\"  (\"priority\") ");
    await queryRunner.query("CREATE INDEX \"IDX_problem_stage_created\" ON \"problem\"  (\"stage\", \"created_at\") ");
    await queryRunner.query("CREATE TABLE \"problem_transition\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"problem_id\" uuid NOT NULL, \"from_stage\" \"problem_stage\", \"to_stage\" \"problem_stage\" NOT NULL, \"at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"actor_id\" uuid, \"reason\" text, CONSTRAINT \"PK_10c3267eff157968fb2c1ac5134\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_efbf04f4a08d10419044924ab0\" ON \"problem_transition\"  (\"problem_id\", \"at\") ");
    await queryRunner.query("CREATE TABLE \"problem_incident\" (\"incident_id\" uuid NOT NULL, \"problem_id\" uuid NOT NULL, \"linked_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"linked_by_id\" uuid, CONSTRAINT \"PK_45e33c40423880cf69dbf018c9a\" PRIMARY KEY (\"incident_id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_d49c6923863316508cd272f24c\" ON \"problem_incident\"  (\"problem_id\", \"linked_at\") ");
    await queryRunner.query("CREATE TYPE \"problem_timeline_kind\" AS ENUM('created', 'updated', 'stage_changed', 'priority_changed', 'incidents_linked', 'incidents_unlinked', 'root_cause', 'workaround', 'note', 'task_added', 'task_completed')");
    await queryRunner.query("CREATE TABLE \"problem_timeline_entry\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"message\" text NOT NULL, \"actor_id\" uuid, \"data\" jsonb, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"problem_id\" uuid NOT NULL, \"kind\" \"problem_timeline_kind\" NOT NULL, CONSTRAINT \"PK_d04039b45b0852422cf7f304403\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_3a584fb25e873f18ed2605e465\" ON \"problem_timeline_entry\"  (\"problem_id\", \"created_at\") ");
    await queryRunner.query("CREATE TABLE \"problem_task\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"version\" integer NOT NULL, \"title\" character varying(300) NOT NULL, \"owner_id\" uuid NOT NULL, \"due_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"completed_at\" TIMESTAMP WITH TIME ZONE, \"completed_by_id\" uuid, \"problem_id\" uuid NOT NULL, CONSTRAINT \"PK_f7cf12648756747bad48365ef97\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_4fec1cac7b3373b5937fe5db72\" ON \"problem_task\"  (\"problem_id\") ");
    await queryRunner.query("CREATE TABLE \"problem_affected_service\" (\"problem_id\" uuid NOT NULL, \"service_id\" uuid NOT NULL, CONSTRAINT \"PK_9542cc0fdbfae5825d575352f25\" PRIMARY KEY (\"problem_id\", \"service_id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_b63b6a2b36cbe66af851ec6199\" ON \"problem_affected_service\"  (\"problem_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_0807625fdf7f29a13f9ce4fe1f\" ON \"problem_affected_service\"  (\"service_id\") ");
    await queryRunner.query("ALTER TYPE \"suggestion_kind\" ADD VALUE 'problem'");
    // Full-text search for the known-error database (see IDX_problem_search on the entity).
    await queryRunner.query(`CREATE INDEX "IDX_problem_search" ON "problem" USING GIN (to_tsvector('english', "title" || ' ' || "statement" || ' ' || coalesce("root_cause", '') || ' ' || coalesce("workaround", '')))`);
    await queryRunner.query("ALTER TABLE \"problem\" ADD CONSTRAINT \"FK_02e491b86a0715b82a803a7617e\" FOREIGN KEY (\"owner_id\") REFERENCES \"app_user\"(\"id\") ON DELETE SET NULL ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"problem_transition\" ADD CONSTRAINT \"FK_7c8deaf3ad8de687195e854297d\" FOREIGN KEY (\"problem_id\") REFERENCES \"problem\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"problem_incident\" ADD CONSTRAINT \"FK_45e33c40423880cf69dbf018c9a\" FOREIGN KEY (\"incident_id\") REFERENCES \"incident\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"problem_incident\" ADD CONSTRAINT \"FK_34e32087481bf0f6725552d4fd6\" FOREIGN KEY (\"problem_id\") REFERENCES \"problem\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"problem_timeline_entry\" ADD CONSTRAINT \"FK_b1500d99a3d2fec15ad2c472cef\" FOREIGN KEY (\"problem_id\") REFERENCES \"problem\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"problem_task\" ADD CONSTRAINT \"FK_329f0183ed687903569e4991b77\" FOREIGN KEY (\"owner_id\") REFERENCES \"app_user\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"problem_task\" ADD CONSTRAINT \"FK_4fec1cac7b3373b5937fe5db722\" FOREIGN KEY (\"problem_id\") REFERENCES \"problem\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"problem_affected_service\" ADD CONSTRAINT \"FK_b63b6a2b36cbe66af851ec6199f\" FOREIGN KEY (\"problem_id\") REFERENCES \"problem\"(\"id\") ON DELETE CASCADE ON UPDATE CASCADE");
    await queryRunner.query("ALTER TABLE \"problem_affected_service\" ADD CONSTRAINT \"FK_0807625fdf7f29a13f9ce4fe1fd\" FOREIGN KEY (\"service_id\") REFERENCES \"service\"(\"id\") ON DELETE CASCADE ON UPDATE CASCADE");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"problem_affected_service\" DROP CONSTRAINT \"FK_0807625fdf7f29a13f9ce4fe1fd\"");
    await queryRunner.query("ALTER TABLE \"problem_affected_service\" DROP CONSTRAINT \"FK_b63b6a2b36cbe66af851ec6199f\"");
    await queryRunner.query("ALTER TABLE \"problem_task\" DROP CONSTRAINT \"FK_4fec1cac7b3373b5937fe5db722\"");
    await queryRunner.query("ALTER TABLE \"problem_task\" DROP CONSTRAINT \"FK_329f0183ed687903569e4991b77\"");
    await queryRunner.query("ALTER TABLE \"problem_timeline_entry\" DROP CONSTRAINT \"FK_b1500d99a3d2fec15ad2c472cef\"");
    await queryRunner.query("ALTER TABLE \"problem_incident\" DROP CONSTRAINT \"FK_34e32087481bf0f6725552d4fd6\"");
    await queryRunner.query("ALTER TABLE \"problem_incident\" DROP CONSTRAINT \"FK_45e33c40423880cf69dbf018c9a\"");
    await queryRunner.query("ALTER TABLE \"problem_transition\" DROP CONSTRAINT \"FK_7c8deaf3ad8de687195e854297d\"");
    await queryRunner.query("ALTER TABLE \"problem\" DROP CONSTRAINT \"FK_02e491b86a0715b82a803a7617e\"");
    // PostgreSQL cannot drop an enum value: the problem suggestions go, then the type is rebuilt without it.
    await queryRunner.query(`DELETE FROM "suggestion" WHERE "kind" = 'problem'`);
    await queryRunner.query("CREATE TYPE \"suggestion_kind_old\" AS ENUM('severity', 'team', 'category', 'similar')");
    await queryRunner.query("ALTER TABLE \"suggestion\" ALTER COLUMN \"kind\" TYPE \"suggestion_kind_old\" USING \"kind\"::\"text\"::\"suggestion_kind_old\"");
    await queryRunner.query("DROP TYPE \"suggestion_kind\"");
    await queryRunner.query("ALTER TYPE \"suggestion_kind_old\" RENAME TO \"suggestion_kind\"");
    await queryRunner.query(`DROP INDEX "IDX_problem_search"`);
    await queryRunner.query("DROP INDEX \"IDX_0807625fdf7f29a13f9ce4fe1f\"");
    await queryRunner.query("DROP INDEX \"IDX_b63b6a2b36cbe66af851ec6199\"");
    await queryRunner.query("DROP TABLE \"problem_affected_service\"");
    await queryRunner.query("DROP INDEX \"IDX_4fec1cac7b3373b5937fe5db72\"");
    await queryRunner.query("DROP TABLE \"problem_task\"");
    await queryRunner.query("DROP INDEX \"IDX_3a584fb25e873f18ed2605e465\"");
    await queryRunner.query("DROP TABLE \"problem_timeline_entry\"");
    await queryRunner.query("DROP TYPE \"problem_timeline_kind\"");
    await queryRunner.query("DROP INDEX \"IDX_d49c6923863316508cd272f24c\"");
    await queryRunner.query("DROP TABLE \"problem_incident\"");
    await queryRunner.query("DROP INDEX \"IDX_efbf04f4a08d10419044924ab0\"");
    await queryRunner.query("DROP TABLE \"problem_transition\"");
    await queryRunner.query("DROP INDEX \"IDX_problem_stage_created\"");
    await queryRunner.query("DROP INDEX \"IDX_e50f5a4bfdacf1c2a9bb190cf2\"");
    await queryRunner.query("DROP INDEX \"IDX_02e491b86a0715b82a803a7617\"");
    await queryRunner.query("DROP TABLE \"problem\"");
    await queryRunner.query("DROP TYPE \"problem_stage\"");
    await queryRunner.query("DROP TYPE \"problem_priority_source\"");
  }
}
