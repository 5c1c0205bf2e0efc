import { Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm";
import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { TimelineEntryBase } from "../record/timeline.base";
import { Incident } from "./incident.entity";

export enum TimelineKind {
  created = "created",
  stage_changed = "stage_changed",
  updated = "updated",
  assigned = "assigned",
  note = "note",
  task_added = "task_added",
  task_completed = "task_completed",
  report_written = "report_written",
  reopened = "reopened",
  marked_duplicate = "marked_duplicate",
  major_incident = "major_incident",
  suggestion = "suggestion",
  /** An SLA warning or breach, written by the SLA module. */
  sla = "sla",
}
registerEnumType(TimelineKind, { name: "TimelineKind" });

/** Append-only history of an incident, shown to people (the audit log is the machine's). */
@ObjectType({ simpleResolvers: true })
@Entity("timeline_entry")
@Index(["incidentId", "createdAt"])
export class TimelineEntry extends TimelineEntryBase {
  @Field(() => ID)
  @Column({ type: "uuid" })
  incidentId!: string;

  @ManyToOne(() => Incident, { onDelete: "CASCADE" })
  @JoinColumn({ name: "incident_id" })
  incident?: Incident;

  @Field(() => TimelineKind)
  @Column({ type: "enum", enum: TimelineKind, enumName: "timeline_kind" })
  kind!: TimelineKind;
}
