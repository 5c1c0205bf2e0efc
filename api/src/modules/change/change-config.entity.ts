import { Column, Entity, PrimaryColumn, VersionColumn } from "typeorm";
import { Field, Float, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { VersionedEntity } from "../../platform/database/base.entity";

/** A pre-approved standard change: changes made from it skip assessment and approval. */
@ObjectType()
@Entity("change_template")
export class ChangeTemplate extends VersionedEntity {
  @Field(() => String) @Column({ type: "varchar", length: 200, unique: true }) name!: string;
  @Field(() => String) @Column({ type: "text", default: "" }) description!: string;
  @Field(() => String) @Column({ type: "text", default: "" }) implementationPlan!: string;
  @Field(() => String) @Column({ type: "text", default: "" }) backoutPlan!: string;
  @Field(() => String) @Column({ type: "text", default: "" }) testPlan!: string;
  @Field(() => Int, { description: "Default window length for changes made from it." }) @Column({ type: "int", default: 60 }) durationMinutes!: number;
  @Field(() => [ID]) @Column({ type: "uuid", array: true, default: () => "'{}'" }) serviceIds!: string[];
  @Field(() => Boolean, { description: "Retired templates can't be used for new changes." }) @Column({ type: "boolean", default: true }) active!: boolean;
}

export enum FreezeRecurrence {
  once = "once",
  weekly = "weekly",
}
registerEnumType(FreezeRecurrence, { name: "FreezeRecurrence" });

/** A blackout window: no changes on its services (or any service when it names none). */
@ObjectType()
@Entity("freeze_window")
export class FreezeWindow extends VersionedEntity {
  @Field(() => String) @Column({ type: "varchar", length: 200 }) name!: string;
  @Field(() => String) @Column({ type: "text", default: "" }) reason!: string;
  @Field(() => Date, { description: "Start of the (first) occurrence." }) @Column({ type: "timestamptz" }) startsAt!: Date;
  @Field(() => Date, { description: "End of the (first) occurrence." }) @Column({ type: "timestamptz" }) endsAt!: Date;
  @Field(() => FreezeRecurrence) @Column({ type: "enum", enum: FreezeRecurrence, enumName: "freeze_recurrence", default: FreezeRecurrence.once }) recurrence!: FreezeRecurrence;
  @Field(() => Date, { nullable: true, description: "Weekly freezes stop repeating after this." }) @Column({ type: "timestamptz", nullable: true }) repeatUntil!: Date | null;
  @Field(() => [ID], { description: "Empty: every service." }) @Column({ type: "uuid", array: true, default: () => "'{}'" }) serviceIds!: string[];
}

export enum RiskFactor {
  service_criticality = "service_criticality",
  change_type = "change_type",
  window_length = "window_length",
  business_hours = "business_hours",
  affected_services = "affected_services",
  failed_changes = "failed_changes",
  caused_incidents = "caused_incidents",
}
registerEnumType(RiskFactor, { name: "RiskFactor" });

/**
 * One row of the risk rules admins tune. A categorical factor matches `matchValue`; a numeric
 * one matches the row with the largest `minValue` not above the measured value.
 */
@ObjectType()
@Entity("risk_rule")
export class RiskRule extends VersionedEntity {
  @Field(() => String) @Column({ type: "varchar", length: 80, unique: true }) key!: string;
  @Field(() => RiskFactor) @Column({ type: "enum", enum: RiskFactor, enumName: "risk_factor" }) factor!: RiskFactor;
  @Field(() => String, { nullable: true }) @Column({ type: "varchar", length: 80, nullable: true }) matchValue!: string | null;
  @Field(() => Float, { nullable: true }) @Column({ type: "real", nullable: true }) minValue!: number | null;
  @Field(() => Int) @Column({ type: "int" }) weight!: number;
  @Field(() => String) @Column({ type: "text", default: "" }) description!: string;
}

/** The change-management settings in force (one row). */
@ObjectType()
@Entity("change_policy")
export class ChangePolicy {
  @PrimaryColumn({ type: "smallint", default: 1 }) id!: number;
  @Field(() => Int, { description: "CAB approvals a normal change needs." }) @Column({ type: "int", default: 2 }) cabQuorum!: number;
  @Field(() => Int, { description: "How far back 'What changed?' looks from an incident." }) @Column({ type: "int", default: 72 }) recentChangesHours!: number;
  @Field(() => Int, { description: "Risk history (failed changes, caused incidents) window." }) @Column({ type: "int", default: 90 }) riskLookbackDays!: number;
  @Field(() => Int, { description: "Risk score from which a change is medium risk." }) @Column({ type: "int", default: 3 }) riskMediumFrom!: number;
  @Field(() => Int, { description: "Risk score from which a change is high risk." }) @Column({ type: "int", default: 6 }) riskHighFrom!: number;
  @Field(() => Int, { description: "Business hours start (hour, UTC, Monday to Friday)." }) @Column({ type: "smallint", default: 8 }) businessStartHour!: number;
  @Field(() => Int, { description: "Business hours end (hour, UTC)." }) @Column({ type: "smallint", default: 18 }) businessEndHour!: number;
  @Field(() => Int, { description: "Send it back on update; a stale version gets CONFLICT." }) @VersionColumn({ type: "int" }) version!: number;
}
