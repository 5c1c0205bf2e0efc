import { Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm";
import { Field, Float, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { VersionedEntity } from "../../platform/database/base.entity";
import { Incident } from "../incident/incident.entity";
import { User } from "../user/user.entity";
import { MlModel } from "../model/model.entity";

export enum SuggestionKind {
  severity = "severity",
  team = "team",
  category = "category",
  similar = "similar",
  /** A matching open problem or known error (value: the problem id). */
  problem = "problem",
}
registerEnumType(SuggestionKind, { name: "SuggestionKind" });

export enum SuggestionStatus {
  pending = "pending",
  accepted = "accepted",
  corrected = "corrected",
  dismissed = "dismissed",
}
registerEnumType(SuggestionStatus, { name: "SuggestionStatus" });

@ObjectType()
export class ReasonTerm {
  @Field(() => String) term!: string;
  @Field(() => Float, { description: "How much this term pushed towards the suggested value." }) weight!: number;
}

@ObjectType({ description: "One of the top teams a routing suggestion ranks, with its calibrated probability." })
export class SuggestionAlternative {
  @Field(() => String, { description: "The team id (what correctSuggestion takes)." }) value!: string;
  @Field(() => String, { description: "The team's name." }) label!: string;
  @Field(() => Float) confidence!: number;
}

/**
 * What the triage models proposed for an incident, and what a person decided about it. An
 * abstained suggestion has no value: the model was not sure enough, or there is no model yet
 * (cold start); `abstainReason` says which, in words.
 */
@ObjectType()
@Entity("suggestion")
@Index(["incidentId", "kind"])
@Index(["kind", "status"])
export class Suggestion extends VersionedEntity {
  @Field(() => ID)
  @Column({ type: "uuid" })
  incidentId!: string;

  @ManyToOne(() => Incident, { onDelete: "CASCADE" })
  @JoinColumn({ name: "incident_id" })
  incident?: Incident;

  @Field(() => SuggestionKind)
  @Column({ type: "enum", enum: SuggestionKind, enumName: "suggestion_kind" })
  kind!: SuggestionKind;

  @Field(() => String, { nullable: true, description: "SEV2, a team id, a category, or the similar incident's id; null when abstained." })
  @Column({ type: "varchar", length: 200, nullable: true })
  value!: string | null;

  @Field(() => String, { nullable: true, description: "The value as a person reads it (team name, INC number and title)." })
  @Column({ type: "varchar", length: 400, nullable: true })
  label!: string | null;

  @Field(() => Float, { nullable: true, description: "Calibrated probability (classifiers) or fused similarity score (similar)." })
  @Column({ type: "double precision", nullable: true })
  confidence!: number | null;

  /** Classifiers: {terms:[{term,weight}]}; similar: {sharedTerms, sameService, rank}. */
  @Column({ type: "jsonb", default: () => "'{}'" })
  reasons!: Record<string, unknown>;

  @Field(() => Boolean)
  @Column({ type: "boolean", default: false })
  abstained!: boolean;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  abstainReason!: string | null;

  @Field(() => Int, { description: "Order within its kind (similar incidents: 1 is the closest)." })
  @Column({ type: "smallint", default: 1 })
  rank!: number;

  @Field(() => ID, { nullable: true })
  @Column({ type: "uuid", nullable: true })
  modelId!: string | null;

  @ManyToOne(() => MlModel, { onDelete: "SET NULL" })
  @JoinColumn({ name: "model_id" })
  model?: MlModel;

  @Field(() => String, { nullable: true, description: "e.g. severity v3" })
  @Column({ type: "varchar", length: 60, nullable: true })
  modelVersion!: string | null;

  /** Hash of the text and models it was computed from: the same job twice leaves one set. */
  @Column({ type: "char", length: 64 })
  inputHash!: string;

  @Field(() => SuggestionStatus)
  @Column({ type: "enum", enum: SuggestionStatus, enumName: "suggestion_status", default: SuggestionStatus.pending })
  status!: SuggestionStatus;

  @Field(() => ID, { nullable: true })
  @Column({ type: "uuid", nullable: true })
  decidedById!: string | null;

  @ManyToOne(() => User, { onDelete: "SET NULL" })
  @JoinColumn({ name: "decided_by_id" })
  decidedBy?: User;

  @Field(() => Date, { nullable: true })
  @Column({ type: "timestamptz", nullable: true })
  decidedAt!: Date | null;

  @Field(() => String, { nullable: true, description: "What the person chose instead, when corrected." })
  @Column({ type: "varchar", length: 200, nullable: true })
  correctedValue!: string | null;
}
