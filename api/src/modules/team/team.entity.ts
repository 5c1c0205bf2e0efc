import { Column, Entity } from "typeorm";
import { Field, ObjectType } from "type-graphql";
import { VersionedEntity } from "../../platform/database/base.entity";

/** An assignment group: the team incidents are routed to. */
@ObjectType({ simpleResolvers: true })
@Entity("team")
export class Team extends VersionedEntity {
  @Field(() => String)
  @Column({ type: "varchar", length: 120, unique: true })
  name!: string;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  description!: string | null;

  @Field(() => String, { nullable: true, description: "Where the team is paged or mailed." })
  @Column({ type: "varchar", length: 200, nullable: true })
  contactEmail!: string | null;
}
