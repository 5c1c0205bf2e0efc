import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";
import { Incident } from "./incident.entity";

export enum TimelineKind {
  Created = "created",
  StageChanged = "stage_changed",
  Updated = "updated",
  Assigned = "assigned",
  Note = "note",
  TaskAdded = "task_added",
  TaskCompleted = "task_completed",
  ReportWritten = "report_written",
  Reopened = "reopened",
  MarkedDuplicate = "marked_duplicate",
  MajorIncident = "major_incident",
  Suggestion = "suggestion",
}
registerEnumType(TimelineKind, { name: "TimelineKind" });

/** Append-only history of an incident, shown to people (the audit log is the machine's). */
@ObjectType()
@Entity("timeline_entry")
@Index(["incidentId", "createdAt"])
export class TimelineEntry {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => ID)
  @Column({ type: "uuid" })
  incidentId!: string;

  @ManyToOne(() => Incident, { onDelete: "CASCADE" })
  @JoinColumn({ name: "incident_id" })
  incident?: Incident;

  @Field(() => TimelineKind)
  @Column({ type: "enum", enum: TimelineKind, enumName: "timeline_kind" })
  kind!: TimelineKind;

  @Field(() => String)
  @Column({ type: "text" })
  message!: string;

  @Field(() => ID, { nullable: true })
  @Column({ type: "uuid", nullable: true })
  actorId!: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true })
  @Column({ type: "jsonb", nullable: true })
  data!: Record<string, unknown> | null;

  @Field(() => Date)
  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;
}
