import { Column, JoinColumn, ManyToOne } from "typeorm";
import { Field, ID, ObjectType } from "type-graphql";
import { VersionedEntity } from "../../platform/database/base.entity";
import { User } from "../user/user.entity";

/** A follow-up action with an owner and a due date; incidents and problems each keep their own. */
@ObjectType()
export abstract class TaskBase extends VersionedEntity {
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
