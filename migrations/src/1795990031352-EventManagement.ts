/** Event management: alert integrations (hashed tokens), stored events, deduplicated alerts, correlation rules, maintenance windows, alert-opened incidents. */
import type { MigrationInterface, QueryRunner } from "typeorm";

export class EventManagement1795990031352 implements MigrationInterface {
  name = "EventManagement1795990031352";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TYPE \"alert_source\" AS ENUM('alertmanager', 'pagerduty', 'generic')");
    await queryRunner.query("CREATE TABLE \"alert_integration\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"version\" integer NOT NULL, \"name\" character varying(120) NOT NULL, \"source\" \"alert_source\" NOT NULL, \"token_hash\" character varying(64) NOT NULL, \"token_prefix\" character varying(16) NOT NULL, \"service_id\" uuid, \"service_label\" character varying(80) NOT NULL DEFAULT 'service', \"dedup_fields\" jsonb NOT NULL DEFAULT '[]', \"field_mapping\" jsonb, \"enabled\" boolean NOT NULL DEFAULT true, CONSTRAINT \"UQ_0e86f31a059758771171d63b8dd\" UNIQUE (\"name\"), CONSTRAINT \"PK_9a87a9910e26a879e68d617f055\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"IDX_ebc45acc5672c255d5ef6b22bc\" ON \"alert_integration\"  (\"token_hash\") ");
    await queryRunner.query("CREATE TABLE \"alert_event\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"integration_id\" uuid NOT NULL, \"idempotency_key\" character varying(64) NOT NULL, \"received_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"alerts\" jsonb NOT NULL, \"applied\" integer NOT NULL DEFAULT '0', \"processed_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"PK_1c7366edb86d2fff4713e74c6eb\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_alert_event_unprocessed\" ON \"alert_event\"  (\"received_at\") WHERE processed_at IS NULL");
    await queryRunner.query("CREATE UNIQUE INDEX \"UQ_alert_event_idempotency\" ON \"alert_event\"  (\"integration_id\", \"idempotency_key\") ");
    await queryRunner.query("CREATE TYPE \"alert_status\" AS ENUM('firing', 'resolved')");
    await queryRunner.query("CREATE TABLE \"alert\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"version\" integer NOT NULL, \"integration_id\" uuid NOT NULL, \"source\" \"alert_source\" NOT NULL, \"fingerprint\" character varying(64) NOT NULL, \"status\" \"alert_status\" NOT NULL, \"title\" character varying(300) NOT NULL, \"description\" text NOT NULL DEFAULT '', \"source_severity\" character varying(40), \"severity\" \"severity\" NOT NULL, \"service_id\" uuid, \"labels\" jsonb NOT NULL DEFAULT '{}', \"details\" jsonb NOT NULL DEFAULT '{}', \"count\" integer NOT NULL DEFAULT '1', \"first_seen_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"last_seen_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"acknowledged_at\" TIMESTAMP WITH TIME ZONE, \"resolved_at\" TIMESTAMP WITH TIME ZONE, \"incident_id\" uuid, \"rule_id\" uuid, \"correlation_key\" character varying(300), \"placed_by\" character varying(10), \"suppressed\" boolean NOT NULL DEFAULT false, \"suppressed_reason\" text, \"flapping\" boolean NOT NULL DEFAULT false, \"state_changes\" integer NOT NULL DEFAULT '0', \"state_changes_since\" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT \"PK_ad91cad659a3536465d564a4b2f\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_f6dd87572a584eb4b1bb174f3a\" ON \"alert\"  (\"service_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_db59b28ffcb9e82bddb29f3878\" ON \"alert\"  (\"incident_id\") ");
    await queryRunner.query("CREATE INDEX \"IDX_alert_correlation\" ON \"alert\"  (\"correlation_key\", \"last_seen_at\") ");
    await queryRunner.query("CREATE INDEX \"IDX_alert_last_seen\" ON \"alert\"  (\"last_seen_at\", \"id\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"UQ_alert_fingerprint\" ON \"alert\"  (\"integration_id\", \"fingerprint\") ");
    await queryRunner.query("CREATE TABLE \"correlation_rule\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"version\" integer NOT NULL, \"name\" character varying(120) NOT NULL, \"position\" integer NOT NULL DEFAULT '100', \"enabled\" boolean NOT NULL DEFAULT true, \"match_labels\" jsonb NOT NULL DEFAULT '{}', \"same_service\" boolean NOT NULL DEFAULT true, \"group_labels\" jsonb NOT NULL DEFAULT '[]', \"window_minutes\" integer NOT NULL DEFAULT '30', \"create_incident\" boolean NOT NULL DEFAULT true, \"recover_incident\" boolean NOT NULL DEFAULT true, CONSTRAINT \"UQ_f6476d9a73a1b31302e04b1fbf4\" UNIQUE (\"name\"), CONSTRAINT \"PK_44bbc521435c221277ee4a1d6a5\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TABLE \"maintenance_window\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"version\" integer NOT NULL, \"name\" character varying(200) NOT NULL, \"reason\" text NOT NULL DEFAULT '', \"starts_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"ends_at\" TIMESTAMP WITH TIME ZONE NOT NULL, \"service_ids\" uuid array NOT NULL DEFAULT '{}', CONSTRAINT \"PK_6a15b826ce736e584a0d0e0bdd4\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_maintenance_window_range\" ON \"maintenance_window\"  (\"starts_at\", \"ends_at\") ");
    await queryRunner.query("CREATE TABLE \"alert_incident\" (\"incident_id\" uuid NOT NULL, \"alert_id\" uuid, \"rule_id\" uuid, \"recover_when_resolved\" boolean NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_5eb72dbad883527cbc83d2a8b86\" PRIMARY KEY (\"incident_id\"))");
    await queryRunner.query("ALTER TABLE \"alert_integration\" ADD CONSTRAINT \"FK_25c03cc057d8db67cb0600480cf\" FOREIGN KEY (\"service_id\") REFERENCES \"service\"(\"id\") ON DELETE SET NULL ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"alert_event\" ADD CONSTRAINT \"FK_5fbff6fe51d01e636697b6c816b\" FOREIGN KEY (\"integration_id\") REFERENCES \"alert_integration\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"alert\" ADD CONSTRAINT \"FK_9a87a9910e26a879e68d617f055\" FOREIGN KEY (\"integration_id\") REFERENCES \"alert_integration\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"alert\" ADD CONSTRAINT \"FK_f6dd87572a584eb4b1bb174f3a9\" FOREIGN KEY (\"service_id\") REFERENCES \"service\"(\"id\") ON DELETE SET NULL ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"alert\" ADD CONSTRAINT \"FK_db59b28ffcb9e82bddb29f3878a\" FOREIGN KEY (\"incident_id\") REFERENCES \"incident\"(\"id\") ON DELETE SET NULL ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"alert_incident\" ADD CONSTRAINT \"FK_5eb72dbad883527cbc83d2a8b86\" FOREIGN KEY (\"incident_id\") REFERENCES \"incident\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"alert_incident\" ADD CONSTRAINT \"FK_154241f90b395de03457ef2fa67\" FOREIGN KEY (\"alert_id\") REFERENCES \"alert\"(\"id\") ON DELETE SET NULL ON UPDATE NO ACTION");
    // Out of the box: alerts on the same service within 30 minutes share one incident.
    await queryRunner.query("INSERT INTO \"correlation_rule\" (\"version\", \"name\", \"position\", \"same_service\", \"window_minutes\") VALUES (1, 'Same service within 30 minutes', 1000, true, 30)");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"alert_incident\" DROP CONSTRAINT \"FK_154241f90b395de03457ef2fa67\"");
    await queryRunner.query("ALTER TABLE \"alert_incident\" DROP CONSTRAINT \"FK_5eb72dbad883527cbc83d2a8b86\"");
    await queryRunner.query("ALTER TABLE \"alert\" DROP CONSTRAINT \"FK_db59b28ffcb9e82bddb29f3878a\"");
    await queryRunner.query("ALTER TABLE \"alert\" DROP CONSTRAINT \"FK_f6dd87572a584eb4b1bb174f3a9\"");
    await queryRunner.query("ALTER TABLE \"alert\" DROP CONSTRAINT \"FK_9a87a9910e26a879e68d617f055\"");
    await queryRunner.query("ALTER TABLE \"alert_event\" DROP CONSTRAINT \"FK_5fbff6fe51d01e636697b6c816b\"");
    await queryRunner.query("ALTER TABLE \"alert_integration\" DROP CONSTRAINT \"FK_25c03cc057d8db67cb0600480cf\"");
    await queryRunner.query("DROP TABLE \"alert_incident\"");
    await queryRunner.query("DROP INDEX \"IDX_maintenance_window_range\"");
    await queryRunner.query("DROP TABLE \"maintenance_window\"");
    await queryRunner.query("DROP TABLE \"correlation_rule\"");
    await queryRunner.query("DROP INDEX \"UQ_alert_fingerprint\"");
    await queryRunner.query("DROP INDEX \"IDX_alert_last_seen\"");
    await queryRunner.query("DROP INDEX \"IDX_alert_correlation\"");
    await queryRunner.query("DROP INDEX \"IDX_db59b28ffcb9e82bddb29f3878\"");
    await queryRunner.query("DROP INDEX \"IDX_f6dd87572a584eb4b1bb174f3a\"");
    await queryRunner.query("DROP TABLE \"alert\"");
    await queryRunner.query("DROP TYPE \"alert_status\"");
    await queryRunner.query("DROP INDEX \"UQ_alert_event_idempotency\"");
    await queryRunner.query("DROP INDEX \"IDX_alert_event_unprocessed\"");
    await queryRunner.query("DROP TABLE \"alert_event\"");
    await queryRunner.query("DROP INDEX \"IDX_ebc45acc5672c255d5ef6b22bc\"");
    await queryRunner.query("DROP TABLE \"alert_integration\"");
    await queryRunner.query("DROP TYPE \"alert_source\"");
  }
}
