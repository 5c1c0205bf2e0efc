import { Column, Entity, Generated, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { VersionedEntity } from "../../platform/database/base.entity";
import { TransitionRecordBase } from "../record/transition.base";
import { Service } from "../catalog/catalog.entity";
import { Team } from "../team/team.entity";
import { User } from "../user/user.entity";
import { Stage } from "./incident.lifecycle";
import { PendingReason } from "./incident.hold";

export enum Severity {
  SEV1 = "SEV1",
  SEV2 = "SEV2",
  SEV3 = "SEV3",
  SEV4 = "SEV4",
}
registerEnumType(Severity, { name: "Severity", description: "Technical severity, set by agents (SEV1 is worst)." });

/** How an incident ended, as ServiceNow's resolution codes put it; closing requires one. */
export enum ClosureCode {
  solved_permanently = "solved_permanently",
  solved_workaround = "solved_workaround",
  solved_remotely = "solved_remotely",
  not_reproducible = "not_reproducible",
  not_solved_too_costly = "not_solved_too_costly",
  resolved_by_caller = "resolved_by_caller",
  resolved_by_change = "resolved_by_change",
  resolved_by_problem = "resolved_by_problem",
  duplicate = "duplicate",
  cancelled_by_requester = "cancelled_by_requester",
}
registerEnumType(ClosureCode, { name: "ClosureCode", description: "How an incident ended (close code); required to close." });

// simpleResolvers: plain properties resolve with graphql's default resolver instead of a type-graphql
// wrapper per field and row (a queue page has hundreds). Nothing is lost: no field middleware is used,
// access rules sit on root fields (guardSchema), and field resolvers keep their own wrapper.
@ObjectType({ simpleResolvers: true })
@Entity("incident")
@Index("IDX_incident_stage_created", ["stage", "createdAt"])
@Index("IDX_incident_created_id", ["createdAt", "id"])
// Range scans of the metrics query (see incident.measures.ts).
@Index("IDX_incident_identified", ["identifiedAt"])
// The agent queue: open stages by priority, the id breaking ties as the keyset cursor does (priority alone made the page scan and discard the closed rows).
@Index("IDX_incident_open_queue", ["priority", "id"], { where: "stage IN ('identified', 'classified', 'assessed')" })
// Full-text search over title and description: an expression index, created by hand in the migration.
@Index("IDX_incident_search", { synchronize: false })
export class Incident extends VersionedEntity {
  /** Human number, shown as INC-000123. */
  @Field(() => Int)
  @Column({ type: "int", unique: true })
  @Generated("increment")
  number!: number;

  @Field(() => String)
  @Column({ type: "varchar", length: 300 })
  title!: string;

  @Field(() => String)
  @Column({ type: "text", default: "" })
  description!: string;

  @Field(() => ID, { nullable: true })
  @Index()
  @Column({ type: "uuid", nullable: true })
  serviceId!: string | null;

  @ManyToOne(() => Service, { onDelete: "SET NULL" })
  @JoinColumn({ name: "service_id" })
  service?: Service;

  @Field(() => String, { nullable: true })
  @Column({ type: "varchar", length: 120, nullable: true })
  category!: string | null;

  @Field(() => Int, { description: "1 = extensive/widespread … 3 = minor/localised" })
  @Column({ type: "smallint" })
  impact!: number;

  @Field(() => Int, { description: "1 = critical … 3 = low" })
  @Column({ type: "smallint" })
  urgency!: number;

  @Field(() => Int, { description: "1-5 from the impact × urgency matrix (P1 is highest)" })
  @Index()
  @Column({ type: "smallint" })
  priority!: number;

  @Field(() => Severity, { nullable: true })
  @Column({ type: "enum", enum: Severity, enumName: "severity", nullable: true })
  severity!: Severity | null;

  @Field(() => Stage)
  @Column({ type: "enum", enum: Stage, enumName: "stage", default: Stage.identified })
  stage!: Stage;

  @Field(() => ID, { nullable: true })
  @Index()
  @Column({ type: "uuid", nullable: true })
  teamId!: string | null;

  @ManyToOne(() => Team, { onDelete: "SET NULL" })
  @JoinColumn({ name: "team_id" })
  team?: Team;

  @Field(() => ID, { nullable: true })
  @Index()
  @Column({ type: "uuid", nullable: true })
  assigneeId!: string | null;

  @ManyToOne(() => User, { onDelete: "SET NULL" })
  @JoinColumn({ name: "assignee_id" })
  assignee?: User;

  @Field(() => ID, { nullable: true })
  @Column({ type: "uuid", nullable: true })
  reporterId!: string | null;

  @ManyToOne(() => User, { onDelete: "SET NULL" })
  @JoinColumn({ name: "reporter_id" })
  reporter?: User;

  @Field(() => Boolean)
  @Column({ type: "boolean", default: false })
  isMajor!: boolean;

  @Field(() => ID, { nullable: true })
  @Column({ type: "uuid", nullable: true })
  commanderId!: string | null;

  @Field(() => ID, { nullable: true })
  @Column({ type: "uuid", nullable: true })
  communicationsLeadId!: string | null;

  @Field(() => ID, { nullable: true })
  @Column({ type: "uuid", nullable: true })
  scribeId!: string | null;

  @Field(() => String, { nullable: true, description: "How it was resolved (fed to similar-incident suggestions)." })
  @Column({ type: "text", nullable: true })
  resolution!: string | null;

  @Field(() => ClosureCode, { nullable: true, description: "How it ended; set when it is closed (or cancelled as a duplicate), cleared on reopen." })
  @Column({ type: "enum", enum: ClosureCode, enumName: "closure_code", nullable: true })
  closureCode!: ClosureCode | null;

  @Field(() => ID, { nullable: true, description: "Set when cancelled as a duplicate of another incident." })
  @Column({ type: "uuid", nullable: true })
  duplicateOfId!: string | null;

  @ManyToOne(() => Incident, { onDelete: "SET NULL" })
  @JoinColumn({ name: "duplicate_of_id" })
  duplicateOf?: Incident;

  @Field(() => Int)
  @Column({ type: "int", default: 0 })
  reopenCount!: number;

  @Field(() => String, { nullable: true, description: "Its id in the system it was imported from (CSV `id`); imports are idempotent on it." })
  @Column({ type: "varchar", length: 200, nullable: true, unique: true })
  externalId!: string | null;

  @Field(() => PendingReason, { nullable: true, description: "Set while the incident waits on the requester or a vendor; SLA clocks pause meanwhile." })
  @Column({ type: "enum", enum: PendingReason, enumName: "pending_reason", nullable: true })
  pendingReason!: PendingReason | null;

  @Field(() => Date, { nullable: true, description: "Since when it has been waiting (null when it is not)." })
  @Column({ type: "timestamptz", nullable: true })
  pendingSince!: Date | null;

  /** The nearest running SLA deadline, kept by the SLA module so the queue can sort by time left with an index. */
  @Index("IDX_incident_sla_due_at")
  @Column({ type: "timestamptz", nullable: true })
  slaDueAt!: Date | null;

  /** Set when every unfinished SLA clock is paused: the least business time left (seconds), so the slaDueAt sort can place it. */
  @Column({ type: "int", nullable: true })
  slaPausedLeftSeconds!: number | null;

  /** First time someone took it (assignment or leaving `identified`): MTTA is measured to here. */
  @Field(() => Date, { nullable: true })
  @Column({ type: "timestamptz", nullable: true })
  acknowledgedAt!: Date | null;

  @Field(() => Date) @Column({ type: "timestamptz", default: () => "now()" }) identifiedAt!: Date;
  @Field(() => Date, { nullable: true }) @Column({ type: "timestamptz", nullable: true }) classifiedAt!: Date | null;
  @Field(() => Date, { nullable: true }) @Column({ type: "timestamptz", nullable: true }) assessedAt!: Date | null;
  @Field(() => Date, { nullable: true }) @Column({ type: "timestamptz", nullable: true }) containedAt!: Date | null;
  @Field(() => Date, { nullable: true }) @Column({ type: "timestamptz", nullable: true }) eradicatedAt!: Date | null;
  @Field(() => Date, { nullable: true }) @Column({ type: "timestamptz", nullable: true }) recoveredAt!: Date | null;
  @Field(() => Date, { nullable: true }) @Column({ type: "timestamptz", nullable: true }) reviewedAt!: Date | null;
  @Field(() => Date, { nullable: true }) @Column({ type: "timestamptz", nullable: true }) closedAt!: Date | null;
  @Field(() => Date, { nullable: true }) @Column({ type: "timestamptz", nullable: true }) cancelledAt!: Date | null;
}

/** Every stage change: when, who, from where to where. The stage stamps on Incident are its summary. */
@ObjectType()
@Entity("incident_transition")
@Index(["incidentId", "at"])
export class IncidentTransition extends TransitionRecordBase {
  @Field(() => ID)
  @Column({ type: "uuid" })
  incidentId!: string;

  @ManyToOne(() => Incident, { onDelete: "CASCADE" })
  @JoinColumn({ name: "incident_id" })
  incident?: Incident;

  @Field(() => Stage, { nullable: true })
  @Column({ type: "enum", enum: Stage, enumName: "stage", nullable: true })
  fromStage!: Stage | null;

  @Field(() => Stage)
  @Column({ type: "enum", enum: Stage, enumName: "stage" })
  toStage!: Stage;
}
