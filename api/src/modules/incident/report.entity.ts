import { Column, Entity, JoinColumn, OneToOne } from "typeorm";
import { Field, ID, ObjectType } from "type-graphql";
import { VersionedEntity } from "../../platform/database/base.entity";
import { Incident } from "./incident.entity";

/** The lessons-learned report written at review; its timeline is drawn from the stage stamps. */
@ObjectType()
@Entity("incident_report")
export class IncidentReport extends VersionedEntity {
  @Field(() => ID)
  @Column({ type: "uuid" })
  incidentId!: string;

  @OneToOne(() => Incident, { onDelete: "CASCADE" })
  @JoinColumn({ name: "incident_id" })
  incident?: Incident;

  @Field(() => String) @Column({ type: "text", default: "" }) whatHappened!: string;
  @Field(() => String) @Column({ type: "text", default: "" }) impact!: string;
  @Field(() => String) @Column({ type: "text", default: "" }) rootCause!: string;
  @Field(() => String) @Column({ type: "text", default: "" }) wentWell!: string;
  @Field(() => String) @Column({ type: "text", default: "" }) toImprove!: string;

  @Field(() => [String])
  @Column({ type: "jsonb", default: () => "'[]'" })
  actionItems!: string[];

  @Field(() => ID, { nullable: true })
  @Column({ type: "uuid", nullable: true })
  authorId!: string | null;

  @Field(() => Date, { nullable: true, description: "When the report was shared; closing needs it." })
  @Column({ type: "timestamptz", nullable: true })
  publishedAt!: Date | null;
}
