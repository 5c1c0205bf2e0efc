/** Service levels: SLA calendars and policies, each incident's response and resolution clocks, and the incident's hold (pending reason) that pauses them. */
import type { MigrationInterface, QueryRunner } from "typeorm";

export class ServiceLevels1795990183105 implements MigrationInterface {
  name = "ServiceLevels1795990183105";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TABLE \"sla_calendar\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"version\" integer NOT NULL, \"name\" character varying(120) NOT NULL, \"time_zone\" character varying(64) NOT NULL, \"weekly_hours\" jsonb NOT NULL, \"holidays\" jsonb NOT NULL DEFAULT '[]', \"holiday_country\" character varying(8), CONSTRAINT \"UQ_b13167fd5bc3a6b896f515c888e\" UNIQUE (\"name\"), CONSTRAINT \"PK_90ff09b33cddd6ac154e06ff2ca\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TABLE \"sla_policy\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"version\" integer NOT NULL, \"name\" character varying(120) NOT NULL, \"priority\" smallint NOT NULL, \"response_target_minutes\" integer NOT NULL, \"resolution_target_minutes\" integer NOT NULL, \"warn_at_share\" real NOT NULL DEFAULT '0.75', \"calendar_id\" uuid, CONSTRAINT \"UQ_cfec7c9211fb1429211df43c1f9\" UNIQUE (\"priority\"), CONSTRAINT \"PK_19c1aa9dd53b9fc80648ae034b4\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TYPE \"sla_clock_kind\" AS ENUM('response', 'resolution')");
    await queryRunner.query("CREATE TABLE \"sla_clock\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"incident_id\" uuid NOT NULL, \"kind\" \"sla_clock_kind\" NOT NULL, \"policy_id\" uuid, \"calendar_id\" uuid, \"target_ms\" bigint NOT NULL, \"warn_share\" real NOT NULL, \"spent_ms\" bigint NOT NULL, \"running_since\" TIMESTAMP WITH TIME ZONE, \"paused_at\" TIMESTAMP WITH TIME ZONE, \"stopped_at\" TIMESTAMP WITH TIME ZONE, \"due_at\" TIMESTAMP WITH TIME ZONE, \"warn_at\" TIMESTAMP WITH TIME ZONE, \"warned_at\" TIMESTAMP WITH TIME ZONE, \"breached_at\" TIMESTAMP WITH TIME ZONE, \"breach_recorded_at\" TIMESTAMP WITH TIME ZONE, \"next_check_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"UQ_sla_clock_incident_kind\" UNIQUE (\"incident_id\", \"kind\"), CONSTRAINT \"PK_c2a8a96fd7eadc64be20e2fbd60\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_sla_clock_pending_check\" ON \"sla_clock\"  (\"next_check_at\") WHERE next_check_at IS NOT NULL");
    await queryRunner.query("CREATE TYPE \"pending_reason\" AS ENUM('awaiting_requester', 'awaiting_vendor')");
    await queryRunner.query("ALTER TABLE \"incident\" ADD \"pending_reason\" \"pending_reason\"");
    await queryRunner.query("ALTER TABLE \"incident\" ADD \"pending_since\" TIMESTAMP WITH TIME ZONE");
    await queryRunner.query("ALTER TABLE \"incident\" ADD \"sla_due_at\" TIMESTAMP WITH TIME ZONE");
    await queryRunner.query("CREATE INDEX \"IDX_incident_sla_due_at\" ON \"incident\"  (\"sla_due_at\") ");
    await queryRunner.query("ALTER TABLE \"sla_policy\" ADD CONSTRAINT \"FK_b7afbb901d650f11492821ae8e3\" FOREIGN KEY (\"calendar_id\") REFERENCES \"sla_calendar\"(\"id\") ON DELETE RESTRICT ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"sla_clock\" ADD CONSTRAINT \"FK_f7daf59acf4be1be2d9b1d3b985\" FOREIGN KEY (\"incident_id\") REFERENCES \"incident\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"sla_clock\" DROP CONSTRAINT \"FK_f7daf59acf4be1be2d9b1d3b985\"");
    await queryRunner.query("ALTER TABLE \"sla_policy\" DROP CONSTRAINT \"FK_b7afbb901d650f11492821ae8e3\"");
    await queryRunner.query("DROP INDEX \"IDX_incident_sla_due_at\"");
    await queryRunner.query("ALTER TABLE \"incident\" DROP COLUMN \"sla_due_at\"");
    await queryRunner.query("ALTER TABLE \"incident\" DROP COLUMN \"pending_since\"");
    await queryRunner.query("ALTER TABLE \"incident\" DROP COLUMN \"pending_reason\"");
    await queryRunner.query("DROP TYPE \"pending_reason\"");
    await queryRunner.query("DROP INDEX \"IDX_sla_clock_pending_check\"");
    await queryRunner.query("DROP TABLE \"sla_clock\"");
    await queryRunner.query("DROP TYPE \"sla_clock_kind\"");
    await queryRunner.query("DROP TABLE \"sla_policy\"");
    await queryRunner.query("DROP TABLE \"sla_calendar\"");
  }
}
