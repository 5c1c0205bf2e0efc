import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { Field, ID, ObjectType } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";

/**
 * Append-only, hash-chained record of every change: hash = sha256(prevHash + canonical row).
 * Editing or deleting any row breaks the chain from that row on (`quell audit verify`).
 */
@ObjectType()
@Entity("audit_log")
@Index(["entityType", "entityId"])
export class AuditRecord {
  /** Gapless position in the chain (assigned under an advisory lock, not a sequence). */
  @Field(() => String)
  @PrimaryColumn({ type: "bigint" })
  seq!: string;

  @Field(() => Date)
  @Column({ type: "timestamptz" })
  at!: Date;

  @Field(() => ID, { nullable: true })
  @Column({ type: "uuid", nullable: true })
  actorId!: string | null;

  @Field(() => String, { description: "Who, readable: a user's email or token:<name>, or system." })
  @Column({ type: "varchar", length: 300 })
  actorLabel!: string;

  @Field(() => String)
  @Column({ type: "varchar", length: 100 })
  action!: string;

  @Field(() => String)
  @Column({ type: "varchar", length: 60 })
  entityType!: string;

  @Field(() => String)
  @Column({ type: "varchar", length: 100 })
  entityId!: string;

  @Field(() => GraphQLJSONObject, { nullable: true })
  @Column({ type: "jsonb", nullable: true })
  before!: Record<string, unknown> | null;

  @Field(() => GraphQLJSONObject, { nullable: true })
  @Column({ type: "jsonb", nullable: true })
  after!: Record<string, unknown> | null;

  @Field(() => String)
  @Column({ type: "char", length: 64 })
  prevHash!: string;

  @Field(() => String)
  @Column({ type: "char", length: 64 })
  hash!: string;
}
