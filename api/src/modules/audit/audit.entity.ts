import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import { Field, ID, Int, ObjectType } from "type-graphql";
import { GraphQLJSONObject } from "graphql-scalars";

/**
 * Append-only, hash-chained record of every change: hash = sha256(prevHash + canonical row).
 * The trail is several chains (streams, see audit_chain_head), so concurrent writers don't queue on
 * one; prevHash links to the record before in the same stream. Editing or deleting any row breaks
 * its stream from that row on (`quell audit verify`).
 */
@ObjectType()
@Entity("audit_log")
@Index(["entityType", "entityId"])
@Index("UQ_audit_log_stream_position", ["stream", "streamSeq"], { unique: true })
export class AuditRecord {
  /** The record's number across the whole trail, from a sequence: ordered, with gaps where a write rolled back. */
  @Field(() => String)
  @PrimaryColumn({ type: "bigint" })
  seq!: string;

  @Field(() => Int, { description: "The hash chain (stream) the record belongs to." })
  @Column({ type: "smallint" })
  stream!: number;

  /** Gapless position within its stream, 1 first. */
  @Field(() => String, { description: "Gapless position within its stream, 1 first." })
  @Column({ type: "bigint" })
  streamSeq!: string;

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

  /**
   * Above the xid of every transaction that drew a lower seq (taken after this record's seq was
   * drawn). Once no transaction of this database below it is still running, no record with a lower
   * seq can appear any more, so paging may pass this one (see auditPage). Not part of the hash: it
   * says when the record is settled, not what it records.
   */
  @Column({ type: "bigint", nullable: true, select: false })
  settlesAtXid!: string | null;
}
