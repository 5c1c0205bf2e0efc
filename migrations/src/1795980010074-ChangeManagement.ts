/** Change management: changes, approvals, reviews, templates, freezes, risk rules and policy; service dependencies; incident causes. */
import type { MigrationInterface, QueryRunner } from "typeorm";

export class ChangeManagement1795980010074 implements MigrationInterface {
  name = "ChangeManagement1795980010074";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"service_dependency\" (\"service_id\" uuid NOT NULL, \"depends_on_id\" uuid NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_5e529be00421d4cbda6a6ed7c14\" PRIMARY KEY (\"service_id\", \"depends_on_id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_cce9e22ef5e4849daede1303e6\" ON \"service_dependency\"  (\"depends_on_id\") ");
    await queryRunner.query("CREATE TYPE \"change_type\" AS ENUM('standard', 'normal', 'emergency')");
    await queryRunner.query("CREATE TYPE \"change_stage\" AS ENUM('draft', 'assessing', 'authorized', 'scheduled', 'implementing', 'reviewing', 'closed', 'rejected', 'cancelled', 'failed', 'rolled_back')");
    await queryRunner.query("CREATE TYPE \"risk_level\" AS ENUM('low', 'medium', 'high')");
    await queryRunner.query("CREATE TABLE \"change_request\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"version\" integer NOT NULL, \"number\" SERIAL NOT NULL, \"type\" \"change_type\" NOT NULL, \"stage\" \"change_stage\" NOT NULL DEFAULT 'draft', \"title\" character varying(300) NOT NULL, \"description\" text NOT NULL DEFAULT '', \"implementation_plan\" text NOT NULL DEFAULT '', \"backout_plan\" text NOT NULL DEFAULT '', \"test_plan\" text NOT NULL DEFAULT '', \"planned_start\" TIMESTAMP WITH TIME ZONE, \"planned_end\" TIMESTAMP WITH TIME ZONE, \"actual_start\" TIMESTAMP WITH TIME ZONE, \"actual_end\" TIMESTAMP WITH TIME ZONE, \"requester_id\" uuid, \"owner_id\" uuid, \"implementer_id\" uuid, \"template_id\" uuid, \"risk_level\" \"risk_level\", \"risk_score\" integer, \"risk_reasons\" jsonb NOT NULL DEFAULT '[]'::jsonb, \"risk_assessed_at\" TIMESTAMP WITH TIME ZONE, \"approval_round\" integer NOT NULL DEFAULT '1', \"conflict_override_reason\" text, \"conflict_override_by_id\" uuid, \"assessing_at\" TIMESTAMP WITH TIME ZONE, \"authorized_at\" TIMESTAMP WITH TIME ZONE, \"scheduled_at\" TIMESTAMP WITH TIME ZONE, \"reviewing_at\" TIMESTAMP WITH TIME ZONE, \"closed_at\" TIMESTAMP WITH TIME ZONE, \"rejected_at\" TIMESTAMP WITH TIME ZONE, \"cancelled_at\" TIMESTAMP WITH TIME ZONE, \"failed_at\" TIMESTAMP WITH TIME ZONE, \"rolled_back_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"UQ_6d430e83fd5798e2e3e18e48537\" UNIQUE (\"number\"), CONSTRAINT \"PK_75687d06f07daedcb0de54d75e6\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_c448e7055c40e3bcd82f2809d9\" ON \"change_request\"  (\"owner_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_change_stage_created\" ON \"change_request\"  (\"stage\", \"created_at\") ");
    await queryRunner.query("CREATE INDEX \"IDX_change_window\" ON \"change_request\"  (\"planned_start\", \"planned_end\") ");
    await queryRunner.query("CREATE TABLE \"change_service\" (\"change_id\" uuid NOT NULL, \"service_id\" uuid NOT NULL, CONSTRAINT \"PK_052a5a1d14a17b77a9a933472e6\" PRIMARY KEY (\"change_id\", \"service_id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_fbae3d473a16d3b82bc5c6cc54\" ON \"change_service\"  (\"service_id\") ");
    await queryRunner.query("CREATE TABLE \"change_transition\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"change_id\" uuid NOT NULL, \"from_stage\" \"change_stage\", \"to_stage\" \"change_stage\" NOT NULL, \"at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"actor_id\" uuid, \"reason\" text, CONSTRAINT \"PK_611317bc819d38b345f4734571b\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_17957f334edeffe9648c4228f1\" ON \"change_transition\"  (\"change_id\", \"at\") ");
    await queryRunner.query("CREATE TYPE \"approval_decision\" AS ENUM('approved', 'rejected')");
    await queryRunner.query("CREATE TABLE \"change_approval\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"change_id\" uuid NOT NULL, \"round\" integer NOT NULL, \"approver_id\" uuid NOT NULL, \"decision\" \"approval_decision\" NOT NULL, \"comment\" text, \"decided_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_75f7b9a37de3764761d5828130c\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"UQ_change_approval_round_approver\" ON \"change_approval\"  (\"change_id\", \"round\", \"approver_id\") ");
    await queryRunner.query("CREATE TYPE \"review_outcome\" AS ENUM('successful', 'unsuccessful')");
    await queryRunner.query("CREATE TABLE \"change_review\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"version\" integer NOT NULL, \"change_id\" uuid NOT NULL, \"outcome\" \"review_outcome\" NOT NULL, \"lessons\" text NOT NULL DEFAULT '', \"reviewer_id\" uuid, \"reviewed_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"UQ_9e30c733eed6e54fa87396be2e3\" UNIQUE (\"change_id\"), CONSTRAINT \"PK_e0115d4aa6892ba9855d2aab886\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TABLE \"incident_cause\" (\"incident_id\" uuid NOT NULL, \"change_id\" uuid NOT NULL, \"linked_by_id\" uuid, \"linked_at\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_bedd7f1db25bf0b15776cf85648\" PRIMARY KEY (\"incident_id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_3010a4fe8603d8eea95b4837c1\" ON \"incident_cause\"  (\"change_id\") ");
    await queryRunner.query("CREATE TABLE \"change_template\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"version\" integer NOT NULL, \"name\" character varying(200) NOT NULL, \"description\" text NOT NULL DEFAULT '', \"implementation_plan\" text NOT NULL DEFAULT '', \"backout_plan\" text NOT NULL DEFAULT '', \"test_plan\" text NOT NULL DEFAULT '', \"duration_minutes\" integer NOT NULL DEFAULT '60', \"service_ids\" uuid array NOT NULL DEFAULT '{}', \"active\" boolean NOT NULL DEFAULT true, CONSTRAINT \"UQ_1fe1e12d0fb2e43b9ac6721a368\" UNIQUE (\"name\"), CONSTRAINT \"PK_85f39b9775bac588706112816fa\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TYPE \"freeze_recurrence\" AS ENUM('once', 'weekly')");
    await queryRunner.query("CREATE TABLE \"freeze_window\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"version\" integer NOT NULL, \"name\" character varying(200) NOT NULL, \"reason\" text NOT NULL DEFAULT '', \"starts_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"ends_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"recurrence\" \"freeze_recurrence\" NOT NULL DEFAULT 'once', \"repeat_until\" TIMESTAMP WITH TIME ZONE, \"service_ids\" uuid array NOT NULL DEFAULT '{}', CONSTRAINT \"PK_6baf4f42b073baf9fe8d098a3b0\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TYPE \"risk_factor\" AS ENUM('service_criticality', 'change_type', 'window_length', 'business_hours', 'affected_services', 'failed_changes', 'caused_incidents')");
    await queryRunner.query("CREATE TABLE \"risk_rule\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"version\" integer NOT NULL, \"key\" character varying(80) NOT NULL, \"factor\" \"risk_factor\" NOT NULL, \"match_value\" character varying(80), \"min_value\" real, \"weight\" integer NOT NULL, \"description\" text NOT NULL DEFAULT '', CONSTRAINT \"UQ_d36685756d42b6c9ad2f0b67029\" UNIQUE (\"key\"), CONSTRAINT \"PK_dde16d6c27a5a532c1aa8cd5095\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TABLE \"change_policy\" (\"id\" smallint NOT NULL DEFAULT '1', \"cab_quorum\" integer NOT NULL DEFAULT '2', \"recent_changes_hours\" integer NOT NULL DEFAULT '72', \"risk_lookback_days\" integer NOT NULL DEFAULT '90', \"risk_medium_from\" integer NOT NULL DEFAULT '3', \"risk_high_from\" integer NOT NULL DEFAULT '6', \"business_start_hour\" smallint NOT NULL DEFAULT '8', \"business_end_hour\" smallint NOT NULL DEFAULT '18', \"version\" integer NOT NULL, CONSTRAINT \"PK_79eed0031b607e6cda70cbe7766\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("ALTER TABLE \"service_dependency\" ADD CONSTRAINT \"FK_8f2f3fb8fad8418378e8057b230\" FOREIGN KEY (\"service_id\") REFERENCES \"service\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"service_dependency\" ADD CONSTRAINT \"FK_cce9e22ef5e4849daede1303e6d\" FOREIGN KEY (\"depends_on_id\") REFERENCES \"service\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"change_request\" ADD CONSTRAINT \"FK_fde5f46a57aba4c54ffa0eb9167\" FOREIGN KEY (\"requester_id\") REFERENCES \"app_user\"(\"id\") ON DELETE SET NULL ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"change_request\" ADD CONSTRAINT \"FK_c448e7055c40e3bcd82f2809d95\" FOREIGN KEY (\"owner_id\") REFERENCES \"app_user\"(\"id\") ON DELETE SET NULL ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"change_request\" ADD CONSTRAINT \"FK_b29ce4e0dca481241665fe9787b\" FOREIGN KEY (\"implementer_id\") REFERENCES \"app_user\"(\"id\") ON DELETE SET NULL ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"change_service\" ADD CONSTRAINT \"FK_32c90c1dcb1f8a9a83aabcd3c2c\" FOREIGN KEY (\"change_id\") REFERENCES \"change_request\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"change_service\" ADD CONSTRAINT \"FK_fbae3d473a16d3b82bc5c6cc545\" FOREIGN KEY (\"service_id\") REFERENCES \"service\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"change_transition\" ADD CONSTRAINT \"FK_8731b188256c61516dbbbb3d89d\" FOREIGN KEY (\"change_id\") REFERENCES \"change_request\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"change_approval\" ADD CONSTRAINT \"FK_93f820a5ffc7774ea1ee4c935e8\" FOREIGN KEY (\"change_id\") REFERENCES \"change_request\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"change_approval\" ADD CONSTRAINT \"FK_cf6633bf9582d489308dda98eb7\" FOREIGN KEY (\"approver_id\") REFERENCES \"app_user\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"change_review\" ADD CONSTRAINT \"FK_9e30c733eed6e54fa87396be2e3\" FOREIGN KEY (\"change_id\") REFERENCES \"change_request\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"change_review\" ADD CONSTRAINT \"FK_6caad989b0b590b649f369e0e2f\" FOREIGN KEY (\"reviewer_id\") REFERENCES \"app_user\"(\"id\") ON DELETE SET NULL ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"incident_cause\" ADD CONSTRAINT \"FK_bedd7f1db25bf0b15776cf85648\" FOREIGN KEY (\"incident_id\") REFERENCES \"incident\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"incident_cause\" ADD CONSTRAINT \"FK_3010a4fe8603d8eea95b4837c1e\" FOREIGN KEY (\"change_id\") REFERENCES \"change_request\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query(`CREATE INDEX "IDX_change_search" ON "change_request" USING GIN (to_tsvector('english', "title" || ' ' || "description"))`);
    await queryRunner.query(`INSERT INTO "change_policy" ("id", "version") VALUES (1, 1)`);
    // Default risk rules: data admins tune with setRiskRuleWeight, not code.
    await queryRunner.query(`INSERT INTO "risk_rule" ("key", "factor", "match_value", "min_value", "weight", "description", "version") VALUES
      ('criticality.low', 'service_criticality', 'low', NULL, 0, 'Most critical affected service is low criticality', 1),
      ('criticality.medium', 'service_criticality', 'medium', NULL, 1, 'Most critical affected service is medium criticality', 1),
      ('criticality.high', 'service_criticality', 'high', NULL, 2, 'Most critical affected service is high criticality', 1),
      ('criticality.critical', 'service_criticality', 'critical', NULL, 3, 'Most critical affected service is critical', 1),
      ('type.standard', 'change_type', 'standard', NULL, 0, 'Pre-approved standard change', 1),
      ('type.normal', 'change_type', 'normal', NULL, 1, 'Normal change', 1),
      ('type.emergency', 'change_type', 'emergency', NULL, 3, 'Emergency change: less time to plan and test', 1),
      ('window.short', 'window_length', NULL, 0, 0, 'Window under 4 hours', 1),
      ('window.long', 'window_length', NULL, 4, 1, 'Window of 4 hours or more', 1),
      ('window.very_long', 'window_length', NULL, 12, 2, 'Window of 12 hours or more', 1),
      ('business_hours.inside', 'business_hours', 'true', NULL, 2, 'Window falls in business hours', 1),
      ('business_hours.outside', 'business_hours', 'false', NULL, 0, 'Window outside business hours', 1),
      ('affected.few', 'affected_services', NULL, 1, 0, 'One or two services affected', 1),
      ('affected.several', 'affected_services', NULL, 3, 1, 'Three or more services affected, counting dependents', 1),
      ('affected.many', 'affected_services', NULL, 6, 2, 'Six or more services affected, counting dependents', 1),
      ('failed.some', 'failed_changes', NULL, 1, 2, 'A failed or rolled-back change on these services recently', 1),
      ('failed.many', 'failed_changes', NULL, 3, 3, 'Three or more failed or rolled-back changes recently', 1),
      ('caused.some', 'caused_incidents', NULL, 1, 2, 'An incident caused by a recent change on these services', 1),
      ('caused.many', 'caused_incidents', NULL, 3, 3, 'Three or more incidents caused by recent changes', 1)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"incident_cause\" DROP CONSTRAINT \"FK_3010a4fe8603d8eea95b4837c1e\"");
    await queryRunner.query("ALTER TABLE \"incident_cause\" DROP CONSTRAINT \"FK_bedd7f1db25bf0b15776cf85648\"");
    await queryRunner.query("ALTER TABLE \"change_review\" DROP CONSTRAINT \"FK_6caad989b0b590b649f369e0e2f\"");
    await queryRunner.query("ALTER TABLE \"change_review\" DROP CONSTRAINT \"FK_9e30c733eed6e54fa87396be2e3\"");
    await queryRunner.query("ALTER TABLE \"change_approval\" DROP CONSTRAINT \"FK_cf6633bf9582d489308dda98eb7\"");
    await queryRunner.query("ALTER TABLE \"change_approval\" DROP CONSTRAINT \"FK_93f820a5ffc7774ea1ee4c935e8\"");
    await queryRunner.query("ALTER TABLE \"change_transition\" DROP CONSTRAINT \"FK_8731b188256c61516dbbbb3d89d\"");
    await queryRunner.query("ALTER TABLE \"change_service\" DROP CONSTRAINT \"FK_fbae3d473a16d3b82bc5c6cc545\"");
    await queryRunner.query("ALTER TABLE \"change_service\" DROP CONSTRAINT \"FK_32c90c1dcb1f8a9a83aabcd3c2c\"");
    await queryRunner.query("ALTER TABLE \"change_request\" DROP CONSTRAINT \"FK_b29ce4e0dca481241665fe9787b\"");
    await queryRunner.query("ALTER TABLE \"change_request\" DROP CONSTRAINT \"FK_c448e7055c40e3bcd82f2809d95\"");
    await queryRunner.query("ALTER TABLE \"change_request\" DROP CONSTRAINT \"FK_fde5f46a57aba4c54ffa0eb9167\"");
    await queryRunner.query("ALTER TABLE \"service_dependency\" DROP CONSTRAINT \"FK_cce9e22ef5e4849daede1303e6d\"");
    await queryRunner.query("ALTER TABLE \"service_dependency\" DROP CONSTRAINT \"FK_8f2f3fb8fad8418378e8057b230\"");
    await queryRunner.query(`DROP INDEX "IDX_change_search"`);
    await queryRunner.query("DROP TABLE \"change_policy\"");
    await queryRunner.query("DROP TABLE \"risk_rule\"");
    await queryRunner.query("DROP TYPE \"risk_factor\"");
    await queryRunner.query("DROP TABLE \"freeze_window\"");
    await queryRunner.query("DROP TYPE \"freeze_recurrence\"");
    await queryRunner.query("DROP TABLE \"change_template\"");
    await queryRunner.query("DROP INDEX \"IDX_3010a4fe8603d8eea95b4837c1\"");
    await queryRunner.query("DROP TABLE \"incident_cause\"");
    await queryRunner.query("DROP TABLE \"change_review\"");
    await queryRunner.query("DROP TYPE \"review_outcome\"");
    await queryRunner.query("DROP INDEX \"UQ_change_approval_round_approver\"");
    await queryRunner.query("DROP TABLE \"change_approval\"");
    await queryRunner.query("DROP TYPE \"approval_decision\"");
    await queryRunner.query("DROP INDEX \"IDX_17957f334edeffe9648c4228f1\"");
    await queryRunner.query("DROP TABLE \"change_transition\"");
    await queryRunner.query("DROP INDEX \"IDX_fbae3d473a16d3b82bc5c6cc54\"");
    await queryRunner.query("DROP TABLE \"change_service\"");
    await queryRunner.query("DROP INDEX \"IDX_change_window\"");
    await queryRunner.query("DROP INDEX \"IDX_change_stage_created\"");
    await queryRunner.query("DROP INDEX \"IDX_c448e7055c40e3bcd82f2809d9\"");
    await queryRunner.query("DROP TABLE \"change_request\"");
    await queryRunner.query("DROP TYPE \"risk_level\"");
    await queryRunner.query("DROP TYPE \"change_stage\"");
    await queryRunner.query("DROP TYPE \"change_type\"");
    await queryRunner.query("DROP INDEX \"IDX_cce9e22ef5e4849daede1303e6\"");
    await queryRunner.query("DROP TABLE \"service_dependency\"");
  }
}
