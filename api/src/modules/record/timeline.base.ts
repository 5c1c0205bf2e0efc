import { Column, CreateDateColumn, PrimaryGeneratedColumn } from "typeorm";
import { Field, ID, ObjectType } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";

/**
 * The columns every record's timeline shares (incidents, problems): an append-only history shown
 * to people. Each record type adds its own parent id and its own `kind` enum.
 */
@ObjectType({ simpleResolvers: true })
export abstract class TimelineEntryBase {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

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
