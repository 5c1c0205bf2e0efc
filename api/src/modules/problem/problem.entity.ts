import { Column, Entity, Generated, Index, JoinColumn, JoinTable, ManyToMany, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn } from "typeorm";
import { Field, ID, Int, ObjectType } from "type-graphql";
import { VersionedEntity } from "../../platform/database/base.entity";
import { TransitionRecordBase } from "../record/transition.base";
import { Service } from "../catalog/catalog.entity";
import { Incident } from "../incident/incident.entity";
import { User } from "../user/user.entity";
import { ProblemStage } from "./problem.lifecycle";
import { PrioritySource } from "./problem.rules";

/** One step of a 5-whys chain: the question and what answered it. */
@ObjectType()
export class FiveWhy {
  @Field(() => String) why!: string;
  @Field(() => String) because!: string;
}

/**
 * A problem: the unknown (then known) cause behind one or more incidents. Its priority follows
 * its worst open incident unless someone sets it by hand (see problem.rules rollUpPriority).
 */
@ObjectType()
@Entity("problem")
@Index("IDX_problem_stage_created", ["stage", "createdAt"])
// Full-text search over title, statement, root cause and workaround: an expression index, created by hand in the migration.
@Index("IDX_problem_search", { synchronize: false })
export class Problem extends VersionedEntity {
  /** Human number, shown as PRB-000123. */
  @Field(() => Int)
  @Column({ type: "int", unique: true })
  @Generated("increment")
  number!: number;

  @Field(() => String)
  @Column({ type: "varchar", length: 300 })
  title!: string;

  @Field(() => String, { description: "What is wrong, as seen by its users (the problem statement)." })
  @Column({ type: "text", default: "" })
  statement!: string;

  @ManyToMany(() => Service)
  @JoinTable({ name: "problem_affected_service", joinColumn: { name: "problem_id" }, inverseJoinColumn: { name: "service_id" } })
  services?: Service[];

  @Field(() => ID, { nullable: true, description: "The problem manager who owns it." })
  @Index()
  @Column({ type: "uuid", nullable: true })
  ownerId!: string | null;

  @ManyToOne(() => User, { onDelete: "SET NULL" })
  @JoinColumn({ name: "owner_id" })
  owner?: User;

  @Field(() => Int, { description: "1 = extensive/widespread … 3 = minor/localised" })
  @Column({ type: "smallint" })
  impact!: number;

  @Field(() => Int, { description: "1 = critical … 3 = low" })
  @Column({ type: "smallint" })
  urgency!: number;

  @Field(() => Int, { description: "1-5 (P1 is highest); see prioritySource and priorityReason." })
  @Index()
  @Column({ type: "smallint" })
  priority!: number;

  @Field(() => PrioritySource)
  @Column({ type: "enum", enum: PrioritySource, enumName: "problem_priority_source", default: PrioritySource.matrix })
  prioritySource!: PrioritySource;

  @Field(() => String, { description: "Why it has this priority (the person's reason when set by hand)." })
  @Column({ type: "text", default: "" })
  priorityReason!: string;

  @Field(() => Int, { nullable: true, description: "Set by hand; null lets the priority follow the incidents." })
  @Column({ type: "smallint", nullable: true })
  manualPriority!: number | null;

  @Field(() => ProblemStage)
  @Column({ type: "enum", enum: ProblemStage, enumName: "problem_stage", default: ProblemStage.new })
  stage!: ProblemStage;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  rootCause!: string | null;

  @Field(() => [String])
  @Column({ type: "jsonb", default: () => "'[]'" })
  contributingFactors!: string[];

  @Field(() => [FiveWhy], { description: "The 5-whys chain, in order." })
  @Column({ type: "jsonb", default: () => "'[]'" })
  fiveWhys!: FiveWhy[];

  @Field(() => String, { nullable: true, description: "How to restore service while the cause is still there." })
  @Column({ type: "text", nullable: true })
  workaround!: string | null;

  @Field(() => ID, { nullable: true })
  @Column({ type: "uuid", nullable: true })
  workaroundById!: string | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: "timestamptz", nullable: true })
  workaroundAt!: Date | null;

  @Field(() => String, { nullable: true, description: "The fix that resolved it (a linked change once changes exist)." })
  @Column({ type: "text", nullable: true })
  fixDescription!: string | null;

  @Field(() => String, { nullable: true, description: "Why it was closed inside the quiet period or despite a recurrence, or why it was cancelled." })
  @Column({ type: "text", nullable: true })
  closeReason!: string | null;

  @Field(() => Date, { nullable: true }) @Column({ type: "timestamptz", nullable: true }) investigatingAt!: Date | null;
  @Field(() => Date, { nullable: true }) @Column({ type: "timestamptz", nullable: true }) rootCauseKnownAt!: Date | null;
  @Field(() => Date, { nullable: true }) @Column({ type: "timestamptz", nullable: true }) knownErrorAt!: Date | null;
  @Field(() => Date, { nullable: true }) @Column({ type: "timestamptz", nullable: true }) resolvedAt!: Date | null;
  @Field(() => Date, { nullable: true }) @Column({ type: "timestamptz", nullable: true }) closedAt!: Date | null;
  @Field(() => Date, { nullable: true }) @Column({ type: "timestamptz", nullable: true }) cancelledAt!: Date | null;
}

/** Every stage change of a problem: when, who, from where to where, and why. */
@ObjectType()
@Entity("problem_transition")
@Index(["problemId", "at"])
export class ProblemTransition extends TransitionRecordBase {
  @Field(() => ID)
  @Column({ type: "uuid" })
  problemId!: string;

  @ManyToOne(() => Problem, { onDelete: "CASCADE" })
  @JoinColumn({ name: "problem_id" })
  problem?: Problem;

  @Field(() => ProblemStage, { nullable: true })
  @Column({ type: "enum", enum: ProblemStage, enumName: "problem_stage", nullable: true })
  fromStage!: ProblemStage | null;

  @Field(() => ProblemStage)
  @Column({ type: "enum", enum: ProblemStage, enumName: "problem_stage" })
  toStage!: ProblemStage;
}

/**
 * An incident's link to its problem (at most one: the incident id is the key). Kept in the problem
 * module so incidents know nothing of problems; it records who linked it and when.
 */
@Entity("problem_incident")
@Index(["problemId", "linkedAt"])
export class ProblemIncidentLink {
  @PrimaryColumn({ type: "uuid" })
  incidentId!: string;

  @ManyToOne(() => Incident, { onDelete: "CASCADE" })
  @JoinColumn({ name: "incident_id" })
  incident?: Incident;

  @Column({ type: "uuid" })
  problemId!: string;

  @ManyToOne(() => Problem, { onDelete: "CASCADE" })
  @JoinColumn({ name: "problem_id" })
  problem?: Problem;

  @Column({ type: "timestamptz" })
  linkedAt!: Date;

  @Column({ type: "uuid", nullable: true })
  linkedById!: string | null;
}
