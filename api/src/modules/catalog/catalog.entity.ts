import { Column, Entity, JoinColumn, ManyToOne } from "typeorm";
import { Team } from "../team/team.entity";
import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { VersionedEntity } from "../../platform/database/base.entity";

export enum ServiceKind {
  business_service = "business_service",
  configuration_item = "configuration_item",
}
registerEnumType(ServiceKind, { name: "ServiceKind" });

export enum Criticality {
  low = "low",
  medium = "medium",
  high = "high",
  critical = "critical",
}
registerEnumType(Criticality, { name: "Criticality" });

/** A business service or configuration item, owned by a team. */
@ObjectType({ simpleResolvers: true })
@Entity("service")
export class Service extends VersionedEntity {
  @Field(() => String)
  @Column({ type: "varchar", length: 120, unique: true })
  name!: string;

  @Field(() => ServiceKind)
  @Column({ type: "enum", enum: ServiceKind, enumName: "service_kind" })
  kind!: ServiceKind;

  @Field(() => Criticality)
  @Column({ type: "enum", enum: Criticality, enumName: "criticality" })
  criticality!: Criticality;

  @Field(() => ID)
  @Column({ type: "uuid" })
  ownerTeamId!: string;

  @ManyToOne(() => Team, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "owner_team_id" })
  ownerTeam?: Team;

  @Field(() => String, { nullable: true })
  @Column({ type: "text", nullable: true })
  description!: string | null;
}
