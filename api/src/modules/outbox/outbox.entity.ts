import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from "typeorm";
import { Field, ID, Int, ObjectType } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";

/**
 * A job to start, written in the same transaction as the change that asks for it; the relay
 * moves it to the queue. If Redis is down the row waits here, so nothing is lost. The row is
 * done when the job has completed (not merely been queued): a row handed over but never
 * completed (Redis lost its queued jobs, a process died) is handed over again by the relay's sweep.
 */
@ObjectType()
@Entity("outbox")
@Index("IDX_outbox_pending", ["createdAt"], { where: "dispatched_at IS NULL" })
@Index("IDX_outbox_unfinished", ["dispatchedAt"], { where: "dispatched_at IS NOT NULL AND completed_at IS NULL" })
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

  @Field(() => Date, { nullable: true, description: "When its job completed; until then the relay may hand it over again." })
  @Column({ type: "timestamptz", nullable: true })
  completedAt!: Date | null;

  @Field(() => Int)
  @Column({ type: "int", default: 0 })
  attempts!: number;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  lastError!: string | null;
}
