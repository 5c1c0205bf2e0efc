/** The incident core: people, teams, services, incidents and their history, audit trail, outbox. */
import type { MigrationInterface, QueryRunner } from "typeorm";

export class Initial1795871639462 implements MigrationInterface {
  name = "Initial1795871639462";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"audit_log\" (\"seq\" bigint NOT NULL, \"at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"actor_id\" uuid, \"actor_label\" character varying(300) NOT NULL, \"action\" character varying(100) NOT NULL, \"entity_type\" character varying(60) NOT NULL, \"entity_id\" character varying(100) NOT NULL, \"before\" jsonb, \"after\" jsonb, \"prev_hash\" character(64) NOT NULL, \"hash\" character(64) NOT NULL, CONSTRAINT \"PK_ce5b9b7d945cab0a6c604bafd9e\" PRIMARY KEY (\"seq\"))");
    await queryRunner.query("CREATE INDEX \"IDX_43fef0ec7f613c19c612fffe62\" ON \"audit_log\"  (\"entity_type\", \"entity_id\") ");
    await queryRunner.query("CREATE TABLE \"team\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"version\" integer NOT NULL, \"name\" character varying(120) NOT NULL, \"description\" text, \"contact_email\" character varying(200), CONSTRAINT \"UQ_cf461f5b40cf1a2b8876011e1e1\" UNIQUE (\"name\"), CONSTRAINT \"PK_f57d8293406df4af348402e4b74\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TYPE \"service_kind\" AS ENUM('business_service', 'configuration_item')");
    await queryRunner.query("CREATE TYPE \"criticality\" AS ENUM('low', 'medium', 'high', 'critical')");
    await queryRunner.query("CREATE TABLE \"service\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"version\" integer NOT NULL, \"name\" character varying(120) NOT NULL, \"kind\" \"service_kind\" NOT NULL, \"criticality\" \"criticality\" NOT NULL, \"owner_team_id\" uuid NOT NULL, \"description\" text, CONSTRAINT \"UQ_7806a14d42c3244064b4a1706ca\" UNIQUE (\"name\"), CONSTRAINT \"PK_85a21558c006647cd76fdce044b\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TYPE \"role\" AS ENUM('agent', 'problem_manager', 'change_manager', 'analyst', 'admin')");
    await queryRunner.query("CREATE TABLE \"app_user\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"version\" integer NOT NULL, \"email\" character varying(254) NOT NULL, \"name\" character varying(120) NOT NULL, \"password_hash\" character varying(200) NOT NULL, \"role\" \"role\" NOT NULL, \"team_id\" uuid, \"active\" boolean NOT NULL DEFAULT true, CONSTRAINT \"PK_22a5c4a3d9b2fb8e4e73fc4ada1\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_3fa909d0e37c531ebc23770339\" ON \"app_user\"  (\"email\") ");
    await queryRunner.query("CREATE TABLE \"api_token\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"version\" integer NOT NULL, \"name\" character varying(120) NOT NULL, \"token_hash\" character varying(64) NOT NULL, \"prefix\" character varying(16) NOT NULL, \"role\" \"role\" NOT NULL, \"created_by_id\" uuid NOT NULL, \"last_used_at\" TIMESTAMP WITH TIME ZONE, \"revoked_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"PK_d862311c568d175c26f41bc6f98\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_bafaa5aab5957cd193fb2da8f2\" ON \"api_token\"  (\"token_hash\") ");
    await queryRunner.query("CREATE TYPE \"severity\" AS ENUM('SEV1', 'SEV2', 'SEV3', 'SEV4')");
    await queryRunner.query("CREATE TYPE \"stage\" AS ENUM('identified', 'classified', 'assessed', 'contained', 'eradicated', 'recovered', 'reviewed', 'closed', 'cancelled')");
    await queryRunner.query("CREATE TABLE \"incident\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"version\" integer NOT NULL, \"number\" SERIAL NOT NULL, \"title\" character varying(300) NOT NULL, \"description\" text NOT NULL DEFAULT '', \"service_id\" uuid, \"category\" character varying(120), \"impact\" smallint NOT NULL, \"urgency\" smallint NOT NULL, \"priority\" smallint NOT NULL, \"severity\" \"severity\", \"stage\" \"stage\" NOT NULL DEFAULT 'identified', \"team_id\" uuid, \"assignee_id\" uuid, \"reporter_id\" uuid, \"is_major\" boolean NOT NULL DEFAULT false, \"commander_id\" uuid, \"communications_lead_id\" uuid, \"scribe_id\" uuid, \"resolution\" text, \"duplicate_of_id\" uuid, \"reopen_count\" integer NOT NULL DEFAULT '0', \"acknowledged_at\" TIMESTAMP WITH TIME ZONE, \"identified_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"classified_at\" TIMESTAMP WITH TIME ZONE, \"assessed_at\" TIMESTAMP WITH TIME ZONE, \"contained_at\" TIMESTAMP WITH TIME ZONE, \"eradicated_at\" TIMESTAMP WITH TIME ZONE, \"recovered_at\" TIMESTAMP WITH TIME ZONE, \"reviewed_at\" TIMESTAMP WITH TIME ZONE, \"closed_at\" TIMESTAMP WITH TIME ZONE, \"cancelled_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"UQ_be21c4ae5f3f70a9e346a8e9ea6\" UNIQUE (\"number\"), CONSTRAINT \"PK_5f90b28b0b8238d89ee8edcf96e\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_d7812ad41056acd7b8dd8a7530\" ON \"incident\"  (\"service_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_c1080fe417558d37eed261756f\" ON \"incident\"  (\"priority\") ");
    await queryRunner.query("CREATE INDEX \"IDX_6de6bcd1ada120b59b3e8f21fb\" ON \"incident\"  (\"team_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_8417b1889d6395840818c70f04\" ON \"incident\"  (\"assignee_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_incident_created_id\" ON \"incident\"  (\"created_at\", \"id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_incident_stage_created\" ON \"incident\"  (\"stage\", \"created_at\") ");
    await queryRunner.query("CREATE TABLE \"incident_transition\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"incident_id\" uuid NOT NULL, \"from_stage\" \"stage\", \"to_stage\" \"stage\" NOT NULL, \"at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"actor_id\" uuid, \"reason\" text, CONSTRAINT \"PK_8054d0000e9258dc6a31c5aa736\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_fd1b90d3e1a567fa05f24027da\" ON \"incident_transition\"  (\"incident_id\", \"at\") ");
    await queryRunner.query("CREATE TABLE \"priority_rule\" (\"impact\" smallint NOT NULL, \"urgency\" smallint NOT NULL, \"priority\" smallint NOT NULL, CONSTRAINT \"PK_8904cb192aff7c9ebcb5675e1c7\" PRIMARY KEY (\"impact\", \"urgency\"))");
    await queryRunner.query("CREATE TABLE \"incident_report\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"version\" integer NOT NULL, \"incident_id\" uuid NOT NULL, \"what_happened\" text NOT NULL DEFAULT '', \"impact\" text NOT NULL DEFAULT '', \"root_cause\" text NOT NULL DEFAULT '', \"went_well\" text NOT NULL DEFAULT '', \"to_improve\" text NOT NULL DEFAULT '', \"action_items\" jsonb NOT NULL DEFAULT '[]'::jsonb, \"author_id\" uuid, \"published_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"REL_1fb672a833a9c07091dea7ba01\" UNIQUE (\"incident_id\"), CONSTRAINT \"PK_6eea1fab61c604d9a09d5ae4a41\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TABLE \"follow_up_task\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"version\" integer NOT NULL, \"incident_id\" uuid NOT NULL, \"title\" character varying(300) NOT NULL, \"owner_id\" uuid NOT NULL, \"due_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"completed_at\" TIMESTAMP WITH TIME ZONE, \"completed_by_id\" uuid, CONSTRAINT \"PK_e14f926bb57c06a45be03e312c7\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_7df91f42c3516a7fb51cbdbe70\" ON \"follow_up_task\"  (\"incident_id\") ");
    await queryRunner.query("CREATE TYPE \"timeline_kind\" AS ENUM('created', 'stage_changed', 'updated', 'assigned', 'note', 'task_added', 'task_completed', 'report_written', 'reopened', 'marked_duplicate', 'major_incident', 'suggestion')");
    await queryRunner.query("CREATE TABLE \"timeline_entry\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"incident_id\" uuid NOT NULL, \"kind\" \"timeline_kind\" NOT NULL, \"message\" text NOT NULL, \"actor_id\" uuid, \"data\" jsonb, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_61a61c7f75f9c69d73d7a2fd666\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_9591fd21bad68f1fb6d26d0b5b\" ON \"timeline_entry\"  (\"incident_id\", \"created_at\") ");
    await queryRunner.query("CREATE TABLE \"outbox\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"queue\" character varying(60) NOT NULL, \"job_name\" character varying(60) NOT NULL, \"payload\" jsonb NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"dispatched_at\" TIMESTAMP WITH TIME ZONE, \"attempts\" integer NOT NULL DEFAULT '0', \"last_error\" text, CONSTRAINT \"PK_340ab539f309f03bdaa14aa7649\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_outbox_pending\" ON \"outbox\"  (\"created_at\") WHERE dispatched_at IS NULL");
    await queryRunner.query("ALTER TABLE \"service\" ADD CONSTRAINT \"FK_5ece71e48e30dde13b4e49b2025\" FOREIGN KEY (\"owner_team_id\") REFERENCES \"team\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"app_user\" ADD CONSTRAINT \"FK_1fdf67ee935e78f5d7842795467\" FOREIGN KEY (\"team_id\") REFERENCES \"team\"(\"id\") ON DELETE SET NULL ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"api_token\" ADD CONSTRAINT \"FK_22ec6c40d28d930b5367df245aa\" FOREIGN KEY (\"created_by_id\") REFERENCES \"app_user\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"incident\" ADD CONSTRAINT \"FK_d7812ad41056acd7b8dd8a75303\" FOREIGN KEY (\"service_id\") REFERENCES \"service\"(\"id\") ON DELETE SET NULL ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"incident\" ADD CONSTRAINT \"FK_6de6bcd1ada120b59b3e8f21fbf\" FOREIGN KEY (\"team_id\") REFERENCES \"team\"(\"id\") ON DELETE SET NULL ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"incident\" ADD CONSTRAINT \"FK_8417b1889d6395840818c70f041\" FOREIGN KEY (\"assignee_id\") REFERENCES \"app_user\"(\"id\") ON DELETE SET NULL ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"incident\" ADD CONSTRAINT \"FK_f7729d87e71dfaefd054c64f1f5\" FOREIGN KEY (\"reporter_id\") REFERENCES \"app_user\"(\"id\") ON DELETE SET NULL ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"incident\" ADD CONSTRAINT \"FK_1c6a28eb40a67db1cf636f1b2d4\" FOREIGN KEY (\"duplicate_of_id\") REFERENCES \"incident\"(\"id\") ON DELETE SET NULL ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"incident_transition\" ADD CONSTRAINT \"FK_f9155fd7783e09dd8d08cf40fe4\" FOREIGN KEY (\"incident_id\") REFERENCES \"incident\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"incident_report\" ADD CONSTRAINT \"FK_1fb672a833a9c07091dea7ba014\" FOREIGN KEY (\"incident_id\") REFERENCES \"incident\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"follow_up_task\" ADD CONSTRAINT \"FK_7df91f42c3516a7fb51cbdbe703\" FOREIGN KEY (\"incident_id\") REFERENCES \"incident\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"follow_up_task\" ADD CONSTRAINT \"FK_ae69e79d839608d46f8012c3e7b\" FOREIGN KEY (\"owner_id\") REFERENCES \"app_user\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"timeline_entry\" ADD CONSTRAINT \"FK_c6a6b611ccb79062d1da38083e3\" FOREIGN KEY (\"incident_id\") REFERENCES \"incident\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    // Full-text search over title and description (see IDX_incident_search on the entity).
    await queryRunner.query(`CREATE INDEX "IDX_incident_search" ON "incident" USING GIN (to_tsvector('english', "title" || ' ' || "description"))`);
    // The default ITIL matrix; admins change it through setPriorityMatrix.
    await queryRunner.query(`INSERT INTO "priority_rule" ("impact", "urgency", "priority") VALUES (1,1,1),(1,2,2),(1,3,3),(2,1,2),(2,2,3),(2,3,4),(3,1,3),(3,2,4),(3,3,5)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "IDX_incident_search"`);
    await queryRunner.query("ALTER TABLE \"timeline_entry\" DROP CONSTRAINT \"FK_c6a6b611ccb79062d1da38083e3\"");
    await queryRunner.query("ALTER TABLE \"follow_up_task\" DROP CONSTRAINT \"FK_ae69e79d839608d46f8012c3e7b\"");
    await queryRunner.query("ALTER TABLE \"follow_up_task\" DROP CONSTRAINT \"FK_7df91f42c3516a7fb51cbdbe703\"");
    await queryRunner.query("ALTER TABLE \"incident_report\" DROP CONSTRAINT \"FK_1fb672a833a9c07091dea7ba014\"");
    await queryRunner.query("ALTER TABLE \"incident_transition\" DROP CONSTRAINT \"FK_f9155fd7783e09dd8d08cf40fe4\"");
    await queryRunner.query("ALTER TABLE \"incident\" DROP CONSTRAINT \"FK_1c6a28eb40a67db1cf636f1b2d4\"");
    await queryRunner.query("ALTER TABLE \"incident\" DROP CONSTRAINT \"FK_f7729d87e71dfaefd054c64f1f5\"");
    await queryRunner.query("ALTER TABLE \"incident\" DROP CONSTRAINT \"FK_8417b1889d6395840818c70f041\"");
    await queryRunner.query("ALTER TABLE \"incident\" DROP CONSTRAINT \"FK_6de6bcd1ada120b59b3e8f21fbf\"");
    await queryRunner.query("ALTER TABLE \"incident\" DROP CONSTRAINT \"FK_d7812ad41056acd7b8dd8a75303\"");
    await queryRunner.query("ALTER TABLE \"api_token\" DROP CONSTRAINT \"FK_22ec6c40d28d930b5367df245aa\"");
    await queryRunner.query("ALTER TABLE \"app_user\" DROP CONSTRAINT \"FK_1fdf67ee935e78f5d7842795467\"");
    await queryRunner.query("ALTER TABLE \"service\" DROP CONSTRAINT \"FK_5ece71e48e30dde13b4e49b2025\"");
    await queryRunner.query("DROP INDEX \"IDX_outbox_pending\"");
    await queryRunner.query("DROP TABLE \"outbox\"");
    await queryRunner.query("DROP INDEX \"IDX_9591fd21bad68f1fb6d26d0b5b\"");
    await queryRunner.query("DROP TABLE \"timeline_entry\"");
    await queryRunner.query("DROP TYPE \"timeline_kind\"");
    await queryRunner.query("DROP INDEX \"IDX_7df91f42c3516a7fb51cbdbe70\"");
    await queryRunner.query("DROP TABLE \"follow_up_task\"");
    await queryRunner.query("DROP TABLE \"incident_report\"");
    await queryRunner.query("DROP TABLE \"priority_rule\"");
    await queryRunner.query("DROP INDEX \"IDX_fd1b90d3e1a567fa05f24027da\"");
    await queryRunner.query("DROP TABLE \"incident_transition\"");
    await queryRunner.query("DROP INDEX \"IDX_incident_stage_created\"");
    await queryRunner.query("DROP INDEX \"IDX_incident_created_id\"");
    await queryRunner.query("DROP INDEX \"IDX_8417b1889d6395840818c70f04\"");
    await queryRunner.query("DROP INDEX \"IDX_6de6bcd1ada120b59b3e8f21fb\"");
    await queryRunner.query("DROP INDEX \"IDX_c1080fe417558d37eed261756f\"");
    await queryRunner.query("DROP INDEX \"IDX_d7812ad41056acd7b8dd8a7530\"");
    await queryRunner.query("DROP TABLE \"incident\"");
    await queryRunner.query("DROP TYPE \"stage\"");
    await queryRunner.query("DROP TYPE \"severity\"");
    await queryRunner.query("DROP INDEX \"IDX_bafaa5aab5957cd193fb2da8f2\"");
    await queryRunner.query("DROP TABLE \"api_token\"");
    await queryRunner.query("DROP INDEX \"IDX_3fa909d0e37c531ebc23770339\"");
    await queryRunner.query("DROP TABLE \"app_user\"");
    await queryRunner.query("DROP TYPE \"role\"");
    await queryRunner.query("DROP TABLE \"service\"");
    await queryRunner.query("DROP TYPE \"criticality\"");
    await queryRunner.query("DROP TYPE \"service_kind\"");
    await queryRunner.query("DROP TABLE \"team\"");
    await queryRunner.query("DROP INDEX \"IDX_43fef0ec7f613c19c612fffe62\"");
    await queryRunner.query("DROP TABLE \"audit_log\"");
  }
}
