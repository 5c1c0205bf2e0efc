import { Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm";
import { Field, ID, ObjectType } from "type-graphql";
import { TaskBase } from "../record/task.base";
import { Incident } from "./incident.entity";

/** A follow-up action with an owner and a due date; an incident can't close while one is open. */
@ObjectType()
@Entity("follow_up_task")
@Index(["incidentId"])
export class FollowUpTask extends TaskBase {
  @Field(() => ID)
  @Column({ type: "uuid" })
  incidentId!: string;

  @ManyToOne(() => Incident, { onDelete: "CASCADE" })
  @JoinColumn({ name: "incident_id" })
  incident?: Incident;
}
