import { Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm";
import { Field, Float, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { VersionedEntity } from "../../platform/database/base.entity";
import { Problem } from "./problem.entity";

export enum CandidateStatus {
  /** Waiting for a problem manager. */
  open = "open",
  /** A problem was created from it. */
  accepted = "accepted",
  /** Its incidents were linked to an existing problem. */
  merged = "merged",
  /** Not a problem; it stays dismissed until the group grows by new incidents. */
  dismissed = "dismissed",
  /** The group fell apart or its incidents were linked to problems elsewhere. */
  gone = "gone",
}
registerEnumType(CandidateStatus, { name: "CandidateStatus" });

@ObjectType({ description: "A service or team and how many of the candidate's incidents it had." })
export class CandidateCount {
  @Field(() => String) name!: string;
  @Field(() => Int) incidents!: number;
}

/**
 * A group of similar incidents with no problem, found by the recurrence job, with the evidence a
 * problem manager needs to accept, merge or dismiss it. The evidence is over its incidents that
 * have no problem yet (those are the ones a decision links).
 */
@ObjectType({ description: "Recurring incidents the model grouped that have no problem yet." })
@Entity("problem_candidate")
@Index("IDX_problem_candidate_status_last", ["status", "lastAt"])
export class ProblemCandidate extends VersionedEntity {
  @Field(() => CandidateStatus)
  @Column({ type: "enum", enum: CandidateStatus, enumName: "candidate_status", default: CandidateStatus.open })
  status!: CandidateStatus;

  /** The oldest incident of the group when it was found: how the next run recognises it. */
  @Index()
  @Column({ type: "uuid" })
  groupKey!: string;

  @Field(() => [ID], { description: "Oldest first." })
  @Column({ type: "jsonb" })
  incidentIds!: string[];

  @Field(() => Int)
  @Column({ type: "int" })
  size!: number;

  @Field(() => Date) @Column({ type: "timestamptz" }) firstAt!: Date;
  @Field(() => Date) @Column({ type: "timestamptz" }) lastAt!: Date;

  @Field(() => [CandidateCount], { description: "Services affected, most incidents first." })
  @Column({ type: "jsonb" })
  services!: CandidateCount[];

  @Field(() => [CandidateCount], { description: "Teams that handled them, most incidents first." })
  @Column({ type: "jsonb" })
  teams!: CandidateCount[];

  @Field(() => [String], { description: "Words most of the incidents share, most telling first." })
  @Column({ type: "jsonb" })
  topTerms!: string[];

  @Field(() => Float, { description: "Mean text similarity over pairs of its incidents, 0-1." })
  @Column({ type: "double precision" })
  cohesion!: number;

  @Field(() => Float, { description: "Incidents per week over its time span (a span under a week counts as one)." })
  @Column({ type: "double precision" })
  perWeek!: number;

  @Field(() => Float, { description: "Hours its incidents were open, summed (open ones until now)." })
  @Column({ type: "double precision" })
  openHours!: number;

  @Field(() => ID, { nullable: true, description: "The problem it was accepted as or merged into." })
  @Column({ type: "uuid", nullable: true })
  problemId!: string | null;

  @ManyToOne(() => Problem, { onDelete: "SET NULL" })
  @JoinColumn({ name: "problem_id" })
  problem?: Problem;

  @Field(() => ID, { nullable: true })
  @Column({ type: "uuid", nullable: true })
  decidedById!: string | null;

  @Field(() => Date, { nullable: true })
  @Column({ type: "timestamptz", nullable: true })
  decidedAt!: Date | null;

  @Field(() => String, { nullable: true, description: "Why it was dismissed, gone, or reopened." })
  @Column({ type: "text", nullable: true })
  note!: string | null;

  /** The incidents it had when dismissed: it comes back only with others, newer than the dismissal. */
  @Column({ type: "jsonb", default: () => "'[]'" })
  dismissedIncidentIds!: string[];
}
