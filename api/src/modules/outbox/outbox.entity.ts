import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { Field, ID, Int, ObjectType } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";

/**
 * A job to start, written in the same transaction as the change that asks for it; the relay
 * moves it to the queue. If Redis is down the row waits here, so nothing is lost.
 */
@ObjectType()
@Entity("outbox")
@Index("IDX_outbox_pending", ["createdAt"], { where: "dispatched_at IS NULL" })
export class OutboxMessage {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => String)
  @Column({ type: "varchar", length: 60 })
  queue!: string;

  @Field(() => String)
  @Column({ type: "varchar", length: 60 })
  jobName!: string;

  /** Ids only: the job re-reads the records it needs. */
  @Field(() => GraphQLJSONObject)
  @Column({ type: "jsonb" })
  payload!: Record<string, unknown>;

  @Field(() => Date)
  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  @Column({ type: "timestamptz", nullable: true })
  dispatchedAt!: Date | null;

  @Field(() => Int)
  @Column({ type: "int", default: 0 })
  attempts!: number;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  lastError!: string | null;
}
