import { Column, Entity, Index, JoinColumn, ManyToOne } from "typeorm";
import { Field, ID, ObjectType } from "type-graphql";
import { VersionedEntity } from "../../platform/database/base.entity";
import { User } from "../user/user.entity";
import { Incident } from "./incident.entity";

/** A follow-up action with an owner and a due date; an incident can't close while one is open. */
@ObjectType()
@Entity("follow_up_task")
@Index(["incidentId"])
export class FollowUpTask extends VersionedEntity {
  @Field(() => ID)
  @Column({ type: "uuid" })
  incidentId!: string;

  @ManyToOne(() => Incident, { onDelete: "CASCADE" })
  @JoinColumn({ name: "incident_id" })
  incident?: Incident;

  @Field(() => String)
  @Column({ type: "varchar", length: 300 })
  title!: string;

  @Field(() => ID)
  @Column({ type: "uuid" })
  ownerId!: string;

  @ManyToOne(() => User, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "owner_id" })
  owner?: User;

  @Field(() => Date)
  @Column({ type: "timestamptz" })
  dueAt!: Date;

  @Field(() => Date, { nullable: true })
  @Column({ type: "timestamptz", nullable: true })
  completedAt!: Date | null;

  @Field(() => ID, { nullable: true })
  @Column({ type: "uuid", nullable: true })
  completedById!: string | null;
}
