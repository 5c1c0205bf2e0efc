import { Column, PrimaryGeneratedColumn } from "typeorm";
import { Field, ID, ObjectType } from "type-graphql";

/** What every record's stage-change row shares: when, who and why. Each record adds its parent id and its stage enum. */
@ObjectType()
export abstract class TransitionRecordBase {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => Date)
  @Column({ type: "timestamptz" })
  at!: Date;

  @Field(() => ID, { nullable: true })
  @Column({ type: "uuid", nullable: true })
  actorId!: string | null;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  reason!: string | null;
}
