import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from "typeorm";
import { Incident } from "../incident/incident.entity";
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";

/** What a model predicts; `embedder` turns incident text into vectors for similar-incident search. */
export enum ModelKind {
  severity = "severity",
  team = "team",
  category = "category",
  embedder = "embedder",
}
registerEnumType(ModelKind, { name: "ModelKind" });

export enum ModelStatus {
  /** In use: the triage worker predicts with it. */
  active = "active",
  /** Was active; a newer model that scored at least as well replaced it. */
  superseded = "superseded",
  /** Scored worse than the active model on the same holdout; kept for the record. */
  rejected = "rejected",
}
registerEnumType(ModelStatus, { name: "ModelStatus" });

/**
 * A trained model in the registry. The artifact is gzip'd JSON from @quell/ml (weights, vocabulary,
 * calibration); it is never loaded by listings. At most one active model per kind.
 */
@ObjectType("MlModel")
@Entity("ml_model")
@Index("UQ_ml_model_active_kind", ["kind"], { unique: true, where: "active" })
@Index("UQ_ml_model_kind_version", ["kind", "version"], { unique: true })
export class MlModel {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => ModelKind)
  @Column({ type: "enum", enum: ModelKind, enumName: "model_kind" })
  kind!: ModelKind;

  @Field(() => Int, { description: "1, 2, 3… per kind." })
  @Column({ type: "int" })
  version!: number;

  @Field(() => ModelStatus)
  @Column({ type: "enum", enum: ModelStatus, enumName: "model_status" })
  status!: ModelStatus;

  @Field(() => Boolean)
  @Column({ type: "boolean", default: false })
  active!: boolean;

  @Field(() => Date, { nullable: true, description: "Oldest incident it learned from." })
  @Column({ type: "timestamptz", nullable: true })
  trainingFrom!: Date | null;

  @Field(() => Date, { nullable: true, description: "Newest incident it learned from; the holdout starts after it." })
  @Column({ type: "timestamptz", nullable: true })
  trainingTo!: Date | null;

  @Field(() => Int)
  @Column({ type: "int" })
  nExamples!: number;

  @Field(() => GraphQLJSONObject, { description: "Holdout metrics of this model and, on the same holdout, of the model that was active." })
  @Column({ type: "jsonb" })
  metrics!: Record<string, unknown>;

  /** gzip'd JSON artifact. */
  @Column({ type: "bytea", select: false })
  artifact!: Buffer;

  @Field(() => ID, { nullable: true })
  @Column({ type: "uuid", nullable: true })
  trainingRunId!: string | null;

  @Field(() => Date)
  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  @Column({ type: "timestamptz", nullable: true })
  activatedAt!: Date | null;
}

export enum TrainingStatus {
  queued = "queued",
  running = "running",
  succeeded = "succeeded",
  failed = "failed",
}
registerEnumType(TrainingStatus, { name: "TrainingStatus" });

/** One retraining: who asked, how far it got, and what it decided per model kind. */
@ObjectType()
@Entity("training_run")
@Index(["createdAt"])
export class TrainingRun {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => String, { description: "schedule, manual (GraphQL) or cli" })
  @Column({ type: "varchar", length: 20 })
  trigger!: string;

  @Field(() => ID, { nullable: true })
  @Column({ type: "uuid", nullable: true })
  requestedById!: string | null;

  @Field(() => TrainingStatus)
  @Column({ type: "enum", enum: TrainingStatus, enumName: "training_status", default: TrainingStatus.queued })
  status!: TrainingStatus;

  @Field(() => Number, { description: "0-100" })
  @Column({ type: "real", default: 0 })
  percent!: number;

  @Field(() => String)
  @Column({ type: "varchar", length: 80, default: "queued" })
  stage!: string;

  @Field(() => [GraphQLJSONObject], { description: "Per model kind: activated, kept the active one, or not enough data (with the reason)." })
  @Column({ type: "jsonb", default: () => "'[]'" })
  outcomes!: Record<string, unknown>[];

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  error!: string | null;

  @Field(() => Date)
  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;

  @Field(() => Date)
  @UpdateDateColumn({ type: "timestamptz" })
  updatedAt!: Date;

  @VersionColumn({ type: "int" })
  version!: number;

  @Field(() => Date, { nullable: true })
  @Column({ type: "timestamptz", nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: "timestamptz", nullable: true })
  finishedAt!: Date | null;
}

/** An incident's vector under one embedder: a restarted worker rebuilds its index from these. */
@Entity("incident_embedding")
@Index(["modelId", "updatedAt"])
export class IncidentEmbedding {
  @PrimaryColumn({ type: "uuid" })
  incidentId!: string;

  @ManyToOne(() => Incident, { onDelete: "CASCADE" })
  @JoinColumn({ name: "incident_id" })
  incident?: Incident;

  @PrimaryColumn({ type: "uuid" })
  modelId!: string;

  @ManyToOne(() => MlModel, { onDelete: "CASCADE" })
  @JoinColumn({ name: "model_id" })
  model?: MlModel;

  /** float32 little-endian. */
  @Column({ type: "bytea" })
  vector!: Buffer;

  @Column({ type: "timestamptz", default: () => "now()" })
  updatedAt!: Date;
}
