import { Column, Entity, Generated, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from "typeorm";
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { VersionedEntity } from "../../platform/database/base.entity";
import { Service } from "../catalog/catalog.entity";
import { Incident } from "../incident/incident.entity";
import { Problem } from "../problem/problem.entity";
import { User } from "../user/user.entity";
import { ChangeStage, ChangeType } from "./change.lifecycle";

export enum RiskLevel {
  low = "low",
  medium = "medium",
  high = "high",
}
registerEnumType(RiskLevel, { name: "RiskLevel" });

/** One reason behind a computed risk: which rule matched, what it saw and the weight it added. */
@ObjectType()
export class RiskReason {
  @Field(() => String, { description: "The risk rule's key, e.g. criticality.critical" }) ruleKey!: string;
  @Field(() => String) factor!: string;
  @Field(() => Int) weight!: number;
  @Field(() => String) message!: string;
}

@ObjectType()
@Entity("change_request")
@Index("IDX_change_window", ["plannedStart", "plannedEnd"])
@Index("IDX_change_stage_created", ["stage", "createdAt"])
// Full-text search over title and description: an expression index, created by hand in the migration.
@Index("IDX_change_search", { synchronize: false })
export class Change extends VersionedEntity {
  /** Human number, shown as CHG-000123. */
  @Field(() => Int)
  @Column({ type: "int", unique: true })
  @Generated("increment")
  number!: number;

  @Field(() => ChangeType)
  @Column({ type: "enum", enum: ChangeType, enumName: "change_type" })
  type!: ChangeType;

  @Field(() => ChangeStage)
  @Column({ type: "enum", enum: ChangeStage, enumName: "change_stage", default: ChangeStage.draft })
  stage!: ChangeStage;

  @Field(() => String) @Column({ type: "varchar", length: 300 }) title!: string;
  @Field(() => String) @Column({ type: "text", default: "" }) description!: string;
  @Field(() => String) @Column({ type: "text", default: "" }) implementationPlan!: string;
  @Field(() => String) @Column({ type: "text", default: "" }) backoutPlan!: string;
  @Field(() => String) @Column({ type: "text", default: "" }) testPlan!: string;

  @Field(() => Date, { nullable: true }) @Column({ type: "timestamptz", nullable: true }) plannedStart!: Date | null;
  @Field(() => Date, { nullable: true }) @Column({ type: "timestamptz", nullable: true }) plannedEnd!: Date | null;
  @Field(() => Date, { nullable: true, description: "Stamped when implementation starts." }) @Column({ type: "timestamptz", nullable: true }) actualStart!: Date | null;
  @Field(() => Date, { nullable: true, description: "Stamped when implementation ends (implemented, failed or rolled back)." })
  @Column({ type: "timestamptz", nullable: true })
  actualEnd!: Date | null;

  @Field(() => ID, { nullable: true }) @Column({ type: "uuid", nullable: true }) requesterId!: string | null;
  @ManyToOne(() => User, { onDelete: "SET NULL" }) @JoinColumn({ name: "requester_id" }) requester?: User;
  @Field(() => ID, { nullable: true }) @Index() @Column({ type: "uuid", nullable: true }) ownerId!: string | null;
  @ManyToOne(() => User, { onDelete: "SET NULL" }) @JoinColumn({ name: "owner_id" }) owner?: User;
  @Field(() => ID, { nullable: true }) @Column({ type: "uuid", nullable: true }) implementerId!: string | null;
  @ManyToOne(() => User, { onDelete: "SET NULL" }) @JoinColumn({ name: "implementer_id" }) implementer?: User;

  @Field(() => ID, { nullable: true, description: "The pre-approved template a standard change came from." })
  @Column({ type: "uuid", nullable: true })
  templateId!: string | null;

  @Field(() => RiskLevel, { nullable: true, description: "Computed when the change is submitted for assessment." })
  @Column({ type: "enum", enum: RiskLevel, enumName: "risk_level", nullable: true })
  riskLevel!: RiskLevel | null;
  @Field(() => Int, { nullable: true }) @Column({ type: "int", nullable: true }) riskScore!: number | null;
  @Field(() => [RiskReason]) @Column({ type: "jsonb", default: () => "'[]'" }) riskReasons!: RiskReason[];
  @Field(() => Date, { nullable: true }) @Column({ type: "timestamptz", nullable: true }) riskAssessedAt!: Date | null;

  /** Approvals belong to a round; sending a change back for rework starts a new one. */
  @Field(() => Int) @Column({ type: "int", default: 1 }) approvalRound!: number;

  @Field(() => String, { nullable: true, description: "Why an approver authorized despite conflicts or a freeze." })
  @Column({ type: "text", nullable: true })
  conflictOverrideReason!: string | null;
  @Field(() => ID, { nullable: true }) @Column({ type: "uuid", nullable: true }) conflictOverrideById!: string | null;

  @Field(() => Date, { nullable: true }) @Column({ type: "timestamptz", nullable: true }) assessingAt!: Date | null;
  @Field(() => Date, { nullable: true }) @Column({ type: "timestamptz", nullable: true }) authorizedAt!: Date | null;
  @Field(() => Date, { nullable: true }) @Column({ type: "timestamptz", nullable: true }) scheduledAt!: Date | null;
  @Field(() => Date, { nullable: true }) @Column({ type: "timestamptz", nullable: true }) reviewingAt!: Date | null;
  @Field(() => Date, { nullable: true }) @Column({ type: "timestamptz", nullable: true }) closedAt!: Date | null;
  @Field(() => Date, { nullable: true }) @Column({ type: "timestamptz", nullable: true }) rejectedAt!: Date | null;
  @Field(() => Date, { nullable: true }) @Column({ type: "timestamptz", nullable: true }) cancelledAt!: Date | null;
  @Field(() => Date, { nullable: true }) @Column({ type: "timestamptz", nullable: true }) failedAt!: Date | null;
  @Field(() => Date, { nullable: true }) @Column({ type: "timestamptz", nullable: true }) rolledBackAt!: Date | null;
}

/** The services a change touches (a change may touch several). */
@Entity("change_service")
@Index(["serviceId"])
export class ChangeServiceLink {
  @PrimaryColumn({ type: "uuid" }) changeId!: string;
  @PrimaryColumn({ type: "uuid" }) serviceId!: string;
  @ManyToOne(() => Change, { onDelete: "CASCADE" }) @JoinColumn({ name: "change_id" }) change?: Change;
  @ManyToOne(() => Service, { onDelete: "CASCADE" }) @JoinColumn({ name: "service_id" }) service?: Service;
}

/** Every stage change: when, who, from where to where. */
@ObjectType()
@Entity("change_transition")
@Index(["changeId", "at"])
export class ChangeTransition {
  @Field(() => ID) @PrimaryGeneratedColumn("uuid") id!: string;
  @Field(() => ID) @Column({ type: "uuid" }) changeId!: string;
  @ManyToOne(() => Change, { onDelete: "CASCADE" }) @JoinColumn({ name: "change_id" }) change?: Change;
  @Field(() => ChangeStage, { nullable: true }) @Column({ type: "enum", enum: ChangeStage, enumName: "change_stage", nullable: true }) fromStage!: ChangeStage | null;
  @Field(() => ChangeStage) @Column({ type: "enum", enum: ChangeStage, enumName: "change_stage" }) toStage!: ChangeStage;
  @Field(() => Date) @Column({ type: "timestamptz" }) at!: Date;
  @Field(() => ID, { nullable: true }) @Column({ type: "uuid", nullable: true }) actorId!: string | null;
  @Field(() => String, { nullable: true }) @Column({ type: "text", nullable: true }) reason!: string | null;
}

export enum ApprovalDecision {
  approved = "approved",
  rejected = "rejected",
}
registerEnumType(ApprovalDecision, { name: "ApprovalDecision" });

/** One approver's decision in one approval round. */
@ObjectType()
@Entity("change_approval")
@Index("UQ_change_approval_round_approver", ["changeId", "round", "approverId"], { unique: true })
export class ChangeApproval {
  @Field(() => ID) @PrimaryGeneratedColumn("uuid") id!: string;
  @Field(() => ID) @Column({ type: "uuid" }) changeId!: string;
  @ManyToOne(() => Change, { onDelete: "CASCADE" }) @JoinColumn({ name: "change_id" }) change?: Change;
  @Field(() => Int) @Column({ type: "int" }) round!: number;
  @Field(() => ID) @Column({ type: "uuid" }) approverId!: string;
  @ManyToOne(() => User, { onDelete: "CASCADE" }) @JoinColumn({ name: "approver_id" }) approver?: User;
  @Field(() => ApprovalDecision) @Column({ type: "enum", enum: ApprovalDecision, enumName: "approval_decision" }) decision!: ApprovalDecision;
  @Field(() => String, { nullable: true }) @Column({ type: "text", nullable: true }) comment!: string | null;
  @Field(() => Date) @Column({ type: "timestamptz" }) decidedAt!: Date;
}

export enum ReviewOutcome {
  successful = "successful",
  unsuccessful = "unsuccessful",
}
registerEnumType(ReviewOutcome, { name: "ReviewOutcome" });

/** The post-implementation review. */
@ObjectType()
@Entity("change_review")
export class ChangeReview extends VersionedEntity {
  @Field(() => ID) @Column({ type: "uuid", unique: true }) changeId!: string;
  @ManyToOne(() => Change, { onDelete: "CASCADE" }) @JoinColumn({ name: "change_id" }) change?: Change;
  @Field(() => ReviewOutcome) @Column({ type: "enum", enum: ReviewOutcome, enumName: "review_outcome" }) outcome!: ReviewOutcome;
  @Field(() => String) @Column({ type: "text", default: "" }) lessons!: string;
  @Field(() => ID, { nullable: true }) @Column({ type: "uuid", nullable: true }) reviewerId!: string | null;
  @ManyToOne(() => User, { onDelete: "SET NULL" }) @JoinColumn({ name: "reviewer_id" }) reviewer?: User;
  @Field(() => Date) @Column({ type: "timestamptz" }) reviewedAt!: Date;
}

/** An incident caused by a change (one cause per incident). Feeds risk and "what changed?". */
@Entity("incident_cause")
@Index(["changeId"])
export class IncidentCause {
  @PrimaryColumn({ type: "uuid" }) incidentId!: string;
  @ManyToOne(() => Incident, { onDelete: "CASCADE" }) @JoinColumn({ name: "incident_id" }) incident?: Incident;
  @Column({ type: "uuid" }) changeId!: string;
  @ManyToOne(() => Change, { onDelete: "CASCADE" }) @JoinColumn({ name: "change_id" }) change?: Change;
  @Column({ type: "uuid", nullable: true }) linkedById!: string | null;
  @Column({ type: "timestamptz" }) linkedAt!: Date;
}


/** A change fixes problems (one change may fix several; a problem may need several changes). */
@Entity("change_problem")
@Index(["problemId"])
export class ChangeProblemLink {
  @PrimaryColumn({ type: "uuid" }) changeId!: string;
  @PrimaryColumn({ type: "uuid" }) problemId!: string;
  @ManyToOne(() => Change, { onDelete: "CASCADE" }) @JoinColumn({ name: "change_id" }) change?: Change;
  @ManyToOne(() => Problem, { onDelete: "CASCADE" }) @JoinColumn({ name: "problem_id" }) problem?: Problem;
  @Column({ type: "timestamptz", default: () => "now()" }) linkedAt!: Date;
}
