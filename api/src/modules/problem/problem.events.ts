import { Field, ID, ObjectType, registerEnumType } from "type-graphql";

export const PROBLEM_CHANGED = "problemChanged";

export enum ProblemChangeKind {
  created = "created",
  updated = "updated",
  stage_changed = "stage_changed",
  priority_changed = "priority_changed",
  incidents_changed = "incidents_changed",
  analysis_changed = "analysis_changed",
  timeline_appended = "timeline_appended",
  task_changed = "task_changed",
}
registerEnumType(ProblemChangeKind, { name: "ProblemChangeKind" });

/** What travels through pub/sub: ids only, the subscriber re-reads the problem. */
export interface ProblemChangedPayload {
  problemId: string;
  kind: ProblemChangeKind;
  actorId: string | null;
}

@ObjectType()
export class ProblemChange {
  @Field(() => ID) problemId!: string;
  @Field(() => ProblemChangeKind) kind!: ProblemChangeKind;
  @Field(() => ID, { nullable: true }) actorId!: string | null;
}
