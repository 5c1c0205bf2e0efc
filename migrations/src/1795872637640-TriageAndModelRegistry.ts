/** Triage suggestions, the model registry with training runs, stored embeddings, and incident.external_id for imports. */
import type { MigrationInterface, QueryRunner } from "typeorm";

export class TriageAndModelRegistry1795872637640 implements MigrationInterface {
  name = "TriageAndModelRegistry1795872637640";

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("CREATE TYPE \"model_kind\" AS ENUM('severity', 'team', 'category', 'embedder')");
    await queryRunner.query("CREATE TYPE \"model_status\" AS ENUM('active', 'superseded', 'rejected')");
    await queryRunner.query("CREATE TABLE \"ml_model\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"kind\" \"model_kind\" NOT NULL, \"version\" integer NOT NULL, \"status\" \"model_status\" NOT NULL, \"active\" boolean NOT NULL DEFAULT false, \"training_from\" TIMESTAMP WITH TIME ZONE, \"training_to\" TIMESTAMP WITH TIME ZONE, \"n_examples\" integer NOT NULL, \"metrics\" jsonb NOT NULL, \"artifact\" bytea NOT NULL, \"training_run_id\" uuid, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"activated_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"PK_fdfa1d72d0eedb3c36caf47893a\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE UNIQUE INDEX \"UQ_ml_model_kind_version\" ON \"ml_model\"  (\"kind\", \"version\") ");
    await queryRunner.query("CREATE UNIQUE INDEX \"UQ_ml_model_active_kind\" ON \"ml_model\"  (\"kind\") WHERE active");
    await queryRunner.query("CREATE TYPE \"training_status\" AS ENUM('queued', 'running', 'succeeded', 'failed')");
    await queryRunner.query("CREATE TABLE \"training_run\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"trigger\" character varying(20) NOT NULL, \"requested_by_id\" uuid, \"status\" \"training_status\" NOT NULL DEFAULT 'queued', \"percent\" real NOT NULL DEFAULT '0', \"stage\" character varying(80) NOT NULL DEFAULT 'queued', \"outcomes\" jsonb NOT NULL DEFAULT '[]'::jsonb, \"error\" text, \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"version\" integer NOT NULL, \"started_at\" TIMESTAMP WITH TIME ZONE, \"finished_at\" TIMESTAMP WITH TIME ZONE, CONSTRAINT \"PK_82588959d8d32af6b3b47c25fdd\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_a078ad8b12b624ac1765d21530\" ON \"training_run\"  (\"created_at\") ");
    await queryRunner.query("CREATE TABLE \"incident_embedding\" (\"incident_id\" uuid NOT NULL, \"model_id\" uuid NOT NULL, \"vector\" bytea NOT NULL, \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT \"PK_57f09c38f1ec36f5b8e3e7996c1\" PRIMARY KEY (\"incident_id\", \"model_id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_ffd2d466a7bdacf3ef19e076eb\" ON \"incident_embedding\"  (\"model_id\", \"updated_at\") ");
    await queryRunner.query("CREATE TYPE \"suggestion_kind\" AS ENUM('severity', 'team', 'category', 'similar')");
    await queryRunner.query("CREATE TYPE \"suggestion_status\" AS ENUM('pending', 'accepted', 'corrected', 'dismissed')");
    await queryRunner.query("CREATE TABLE \"suggestion\" (\"id\" uuid NOT NULL DEFAULT gen_random_uuid(), \"created_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"updated_at\" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), \"version\" integer NOT NULL, \"incident_id\" uuid NOT NULL, \"kind\" \"suggestion_kind\" NOT NULL, \"value\" character varying(200), \"label\" character varying(400), \"confidence\" double precision, \"reasons\" jsonb NOT NULL DEFAULT '{}'::jsonb, \"abstained\" boolean NOT NULL DEFAULT false, \"abstain_reason\" text, \"rank\" smallint NOT NULL DEFAULT '1', \"model_id\" uuid, \"model_version\" character varying(60), \"input_hash\" character(64) NOT NULL, \"status\" \"suggestion_status\" NOT NULL DEFAULT 'pending', \"decided_by_id\" uuid, \"decided_at\" TIMESTAMP WITH TIME ZONE, \"corrected_value\" character varying(200), CONSTRAINT \"PK_aa072a020434ddd7104de98eebb\" PRIMARY KEY (\"id\"))");
    await queryRunner.query("CREATE INDEX \"IDX_15f33f019d3bbb180ee1b0016f\" ON \"suggestion\"  (\"kind\", \"status\") ");
    await queryRunner.query("CREATE INDEX \"IDX_569579a05bbb45d0cdfee591d3\" ON \"suggestion\"  (\"incident_id\", \"kind\") ");
    await queryRunner.query("ALTER TABLE \"incident\" ADD \"external_id\" character varying(200)");
    await queryRunner.query("ALTER TABLE \"incident\" ADD CONSTRAINT \"UQ_3e2d816f6331dde831eae4cb2fb\" UNIQUE (\"external_id\")");
    await queryRunner.query("ALTER TABLE \"incident_embedding\" ADD CONSTRAINT \"FK_c3282899527fc151df16a4f4edf\" FOREIGN KEY (\"incident_id\") REFERENCES \"incident\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"incident_embedding\" ADD CONSTRAINT \"FK_e7cb8149caa0a3df9402fa28373\" FOREIGN KEY (\"model_id\") REFERENCES \"ml_model\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"suggestion\" ADD CONSTRAINT \"FK_a450cda04a428b7e307ec3c8894\" FOREIGN KEY (\"incident_id\") REFERENCES \"incident\"(\"id\") ON DELETE CASCADE ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"suggestion\" ADD CONSTRAINT \"FK_8b7081453793811338f6459d954\" FOREIGN KEY (\"model_id\") REFERENCES \"ml_model\"(\"id\") ON DELETE SET NULL ON UPDATE NO ACTION");
    await queryRunner.query("ALTER TABLE \"suggestion\" ADD CONSTRAINT \"FK_1f574e0f9b9f4385eee88e7d7df\" FOREIGN KEY (\"decided_by_id\") REFERENCES \"app_user\"(\"id\") ON DELETE SET NULL ON UPDATE NO ACTION");
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query("ALTER TABLE \"suggestion\" DROP CONSTRAINT \"FK_1f574e0f9b9f4385eee88e7d7df\"");
    await queryRunner.query("ALTER TABLE \"suggestion\" DROP CONSTRAINT \"FK_8b7081453793811338f6459d954\"");
    await queryRunner.query("ALTER TABLE \"suggestion\" DROP CONSTRAINT \"FK_a450cda04a428b7e307ec3c8894\"");
    await queryRunner.query("ALTER TABLE \"incident_embedding\" DROP CONSTRAINT \"FK_e7cb8149caa0a3df9402fa28373\"");
    await queryRunner.query("ALTER TABLE \"incident_embedding\" DROP CONSTRAINT \"FK_c3282899527fc151df16a4f4edf\"");
    await queryRunner.query("ALTER TABLE \"incident\" DROP CONSTRAINT \"UQ_3e2d816f6331dde831eae4cb2fb\"");
    await queryRunner.query("ALTER TABLE \"incident\" DROP COLUMN \"external_id\"");
    await queryRunner.query("DROP INDEX \"IDX_569579a05bbb45d0cdfee591d3\"");
    await queryRunner.query("DROP INDEX \"IDX_15f33f019d3bbb180ee1b0016f\"");
    await queryRunner.query("DROP TABLE \"suggestion\"");
    await queryRunner.query("DROP TYPE \"suggestion_status\"");
    await queryRunner.query("DROP TYPE \"suggestion_kind\"");
    await queryRunner.query("DROP INDEX \"IDX_ffd2d466a7bdacf3ef19e076eb\"");
    await queryRunner.query("DROP TABLE \"incident_embedding\"");
    await queryRunner.query("DROP INDEX \"IDX_a078ad8b12b624ac1765d21530\"");
    await queryRunner.query("DROP TABLE \"training_run\"");
    await queryRunner.query("DROP TYPE \"training_status\"");
    await queryRunner.query("DROP INDEX \"UQ_ml_model_active_kind\"");
    await queryRunner.query("DROP INDEX \"UQ_ml_model_kind_version\"");
    await queryRunner.query("DROP TABLE \"ml_model\"");
    await queryRunner.query("DROP TYPE \"model_status\"");
    await queryRunner.query("DROP TYPE \"model_kind\"");
  }
}
