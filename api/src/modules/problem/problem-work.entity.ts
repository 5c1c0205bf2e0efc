import { Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm";
import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { TaskBase } from "../record/task.base";
import { TimelineEntryBase } from "../record/timeline.base";
import { Problem } from "./problem.entity";

export enum ProblemTimelineKind {
  created = "created",
  updated = "updated",
  stage_changed = "stage_changed",
  priority_changed = "priority_changed",
  incidents_linked = "incidents_linked",
  incidents_unlinked = "incidents_unlinked",
  root_cause = "root_cause",
  workaround = "workaround",
  note = "note",
  task_added = "task_added",
  task_completed = "task_completed",
}
registerEnumType(ProblemTimelineKind, { name: "ProblemTimelineKind" });

/** Append-only history of a problem, shown to people (the audit log is the machine's). */
@ObjectType()
@Entity("problem_timeline_entry")
@Index(["problemId", "createdAt"])
export class ProblemTimelineEntry extends TimelineEntryBase {
  @Field(() => ID)
  @Column({ type: "uuid" })
  problemId!: string;

  @ManyToOne(() => Problem, { onDelete: "CASCADE" })
  @JoinColumn({ name: "problem_id" })
  problem?: Problem;

  @Field(() => ProblemTimelineKind)
  @Column({ type: "enum", enum: ProblemTimelineKind, enumName: "problem_timeline_kind" })
  kind!: ProblemTimelineKind;
}

/** An investigation or fix task of a problem, with an owner and a due date. */
@ObjectType()
@Entity("problem_task")
@Index(["problemId"])
export class ProblemTask extends TaskBase {
  @Field(() => ID)
  @Column({ type: "uuid" })
  problemId!: string;

  @ManyToOne(() => Problem, { onDelete: "CASCADE" })
  @JoinColumn({ name: "problem_id" })
  problem?: Problem;
}
