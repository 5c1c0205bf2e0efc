import { Column, Entity, PrimaryColumn } from "typeorm";
import { Field, Int, ObjectType } from "type-graphql";

/** One cell of the configurable ITIL impact × urgency matrix. */
@ObjectType()
@Entity("priority_rule")
export class PriorityRule {
  @Field(() => Int) @PrimaryColumn({ type: "smallint" }) impact!: number;
  @Field(() => Int) @PrimaryColumn({ type: "smallint" }) urgency!: number;
  @Field(() => Int) @Column({ type: "smallint" }) priority!: number;
}
