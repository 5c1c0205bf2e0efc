/** Notifications: outbound webhooks with their delivery log, users' subscriptions to services, teams and incidents, and in-app messages. */
import type { MigrationInterface, QueryRunner } from "typeorm";

export class Notifications1795991278452 implements MigrationInterface {
  name = "Notifications1795991278452";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TYPE \"webhook_kind\" AS ENUM('generic', 'slack')");
    await queryRunner.query("CREATE TABLE \"webhook\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"version\" integer NOT NULL, \"name\" character varying(120) NOT NULL, \"url\" character varying(2000) NOT NULL, \"kind\" \"webhook_kind\" NOT NULL DEFAULT 'generic', \"events\" jsonb NOT NULL DEFAULT '[]', \"active\" boolean NOT NULL DEFAULT true, \"secret\" character varying(200) NOT NULL, CONSTRAINT \"PK_e6765510c2d078db49632b59020\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE TYPE \"delivery_status\" AS ENUM('pending', 'succeeded', 'failed')");
    await queryRunner.query("CREATE TABLE \"webhook_delivery\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"webhook_id\" uuid NOT NULL, \"event\" character varying(80) NOT NULL, \"payload\" jsonb NOT NULL, \"status\" \"delivery_status\" NOT NULL DEFAULT 'pending', \"attempts\" integer NOT NULL DEFAULT '0', \"last_status_code\" integer, \"last_error\" text, \"last_duration_ms\" integer, \"replay_of_id\" uuid, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"last_attempt_at\" TIMESTAMP WITH TIME ZONE, \"delivered_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"PK_b1ae290239a778f12399db91354\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_webhook_delivery_webhook_created\" ON \"webhook_delivery\"  (\"webhook_id\", \"created_at\") ");
    await queryRunner.query("CREATE TYPE \"subscription_target\" AS ENUM('service', 'team', 'incident')");
    await queryRunner.query("CREATE TABLE \"notification_subscription\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"user_id\" uuid NOT NULL, \"target_type\" \"subscription_target\" NOT NULL, \"target_id\" uuid NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"UQ_notification_subscription\" UNIQUE (\"user_id\", \"target_type\", \"target_id\"), CONSTRAINT \"PK_d5c0b2efb91da0d584fddab9542\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_notification_subscription_target\" ON \"notification_subscription\"  (\"target_type\", \"target_id\") ");
    await queryRunner.query("CREATE TABLE \"notification\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"user_id\" uuid NOT NULL, \"event\" character varying(80) NOT NULL, \"incident_id\" uuid, \"message\" text NOT NULL, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"read_at\" TIMESTAMP WITH TIME ZONE, \"emailed_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"PK_705b6c7cdf9b2c2ff7ac7872cb7\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_notification_user_created\" ON \"notification\"  (\"user_id\", \"created_at\") ");
    await queryRunner.query("ALTER TABLE \"webhook_delivery\" ADD CONSTRAINT \"FK_ef25cc28dcf88ea3dd81f39af2d\" FOREIGN KEY (\"webhook_id\") REFERENCES \"webhook\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"notification_subscription\" ADD CONSTRAINT \"FK_bc6b8fa1dcc287432c7287ecbbb\" FOREIGN KEY (\"user_id\") REFERENCES \"app_user\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"notification\" ADD CONSTRAINT \"FK_928b7aa1754e08e1ed7052cb9d8\" FOREIGN KEY (\"user_id\") REFERENCES \"app_user\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"notification\" DROP CONSTRAINT \"FK_928b7aa1754e08e1ed7052cb9d8\"");
    await queryRunner.query("ALTER TABLE \"notification_subscription\" DROP CONSTRAINT \"FK_bc6b8fa1dcc287432c7287ecbbb\"");
    await queryRunner.query("ALTER TABLE \"webhook_delivery\" DROP CONSTRAINT \"FK_ef25cc28dcf88ea3dd81f39af2d\"");
    await queryRunner.query("DROP INDEX \"IDX_notification_user_created\"");
    await queryRunner.query("DROP TABLE \"notification\"");
    await queryRunner.query("DROP INDEX \"IDX_notification_subscription_target\"");
    await queryRunner.query("DROP TABLE \"notification_subscription\"");
    await queryRunner.query("DROP TYPE \"subscription_target\"");
    await queryRunner.query("DROP INDEX \"IDX_webhook_delivery_webhook_created\"");
    await queryRunner.query("DROP TABLE \"webhook_delivery\"");
    await queryRunner.query("DROP TYPE \"delivery_status\"");
    await queryRunner.query("DROP TABLE \"webhook\"");
    await queryRunner.query("DROP TYPE \"webhook_kind\"");
  }
}
