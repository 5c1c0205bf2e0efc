import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from "typeorm";
import { Field, ID, ObjectType } from "type-graphql";
import { Service } from "./catalog.entity";

/** `serviceId` depends on `dependsOnId`: a change to the latter can break the former. */
@ObjectType()
@Entity("service_dependency")
@Index(["dependsOnId"])
export class ServiceDependency {
  @Field(() => ID) @PrimaryColumn({ type: "uuid" }) serviceId!: string;
  @Field(() => ID) @PrimaryColumn({ type: "uuid" }) dependsOnId!: string;
  @ManyToOne(() => Service, { onDelete: "CASCADE" }) @JoinColumn({ name: "service_id" }) service?: Service;
  @ManyToOne(() => Service, { onDelete: "CASCADE" }) @JoinColumn({ name: "depends_on_id" }) dependsOn?: Service;
  @Field(() => Date) @Column({ type: "timestamptz", default: () => "now()" }) createdAt!: Date;
}
