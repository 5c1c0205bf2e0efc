import { CreateDateColumn, PrimaryGeneratedColumn, UpdateDateColumn, VersionColumn } from "typeorm";
import { Field, ID, Int, ObjectType } from "type-graphql";

/** id, timestamps and an optimistic-concurrency version, shared by every mutable record. */
// Registered as a type only so subclasses inherit its fields; it is never exposed on its own.
// Subclasses copy these fields with their resolvers: plain properties, so graphql's default resolver.
@ObjectType({ simpleResolvers: true })
export abstract class VersionedEntity {
  @Field(() => ID)
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  @Field(() => Date)
  @CreateDateColumn({ type: "timestamptz" })
  createdAt!: Date;

  @Field(() => Date)
  @UpdateDateColumn({ type: "timestamptz" })
  updatedAt!: Date;

  @Field(() => Int, { description: "Send it back on update; a stale version gets CONFLICT." })
  @VersionColumn({ type: "int" })
  version!: number;
}
