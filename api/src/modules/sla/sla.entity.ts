import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from "typeorm";
import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { VersionedEntity } from "../../platform/database/base.entity";
import { Incident } from "../incident/incident.entity";

@ObjectType("SlaWeeklyWindow")
@InputType("SlaWeeklyWindowInput")
export class SlaWeeklyWindow {
  @Field(() => Int, { description: "1 = Monday … 7 = Sunday" }) weekday!: number;
  @Field(() => String, { description: "HH:mm in the calendar's time zone" }) start!: string;
  @Field(() => String, { description: "HH:mm (24:00 for midnight)" }) end!: string;
}

@ObjectType("SlaHoliday")
@InputType("SlaHolidayInput")
export class SlaHoliday {
  @Field(() => String, { description: "yyyy-MM-dd in the calendar's time zone" }) date!: string;
  @Field(() => String) name!: string;
}

/** Business hours in one time zone, with closed days: admin-entered ones and, optionally, a country's public holidays. */
@ObjectType()
@Entity("sla_calendar")
export class SlaCalendar extends VersionedEntity {
  @Field(() => String)
  @Column({ type: "varchar", length: 120, unique: true })
  name!: string;

  @Field(() => String, { description: "IANA zone, e.g. Europe/Berlin; DST is handled by it." })
  @Column({ type: "varchar", length: 64 })
  timeZone!: string;

  @Field(() => [SlaWeeklyWindow])
  @Column({ type: "jsonb" })
  weeklyHours!: SlaWeeklyWindow[];

  @Field(() => [SlaHoliday])
  @Column({ type: "jsonb", default: () => "'[]'" })
  holidays!: SlaHoliday[];

  @Field(() => String, { nullable: true, description: "ISO country code whose public holidays are closed days too (date-holidays)." })
  @Column({ type: "varchar", length: 8, nullable: true })
  holidayCountry!: string | null;
}

/** Targets for one priority; without a calendar the clock runs around the clock. */
@ObjectType()
@Entity("sla_policy")
export class SlaPolicy extends VersionedEntity {
  @Field(() => String)
  @Column({ type: "varchar", length: 120 })
  name!: string;

  @Field(() => Int, { description: "The incident priority (1-5) it applies to; one policy per priority." })
  @Column({ type: "smallint", unique: true })
  priority!: number;

  @Field(() => Int, { description: "Business minutes until someone responds (acknowledges or is assigned)." })
  @Column({ type: "int" })
  responseTargetMinutes!: number;

  @Field(() => Int, { description: "Business minutes until the incident is recovered." })
  @Column({ type: "int" })
  resolutionTargetMinutes!: number;

  @Field(() => Float, { description: "Share of a target at which a warning is raised (0.75 = at 75 %)." })
  @Column({ type: "real", default: 0.75 })
  warnAtShare!: number;

  @Field(() => ID, { nullable: true })
  @Column({ type: "uuid", nullable: true })
  calendarId!: string | null;

  @ManyToOne(() => SlaCalendar, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "calendar_id" })
  calendar?: SlaCalendar;
}

export enum SlaClockKind {
  response = "response",
  resolution = "resolution",
}
registerEnumType(SlaClockKind, { name: "SlaClockKind", description: "response: until acknowledged or assigned; resolution: until recovered." });

/**
 * One clock of one incident: the stored SLA outcome (targets, time spent, warning and breach with
 * their times), queryable for compliance figures. See sla.rules.ts for the moves.
 */
@Entity("sla_clock")
@Unique("UQ_sla_clock_incident_kind", ["incidentId", "kind"])
@Index("IDX_sla_clock_pending_check", ["nextCheckAt"], { where: "next_check_at IS NOT NULL" })
export class SlaClock {
  @PrimaryGeneratedColumn("uuid") id!: string;
  @Column({ type: "uuid" }) incidentId!: string;
  @ManyToOne(() => Incident, { onDelete: "CASCADE" })
  @JoinColumn({ name: "incident_id" })
  incident?: Incident;
  @Column({ type: "enum", enum: SlaClockKind, enumName: "sla_clock_kind" }) kind!: SlaClockKind;
  @Column({ type: "uuid", nullable: true }) policyId!: string | null;
  @Column({ type: "uuid", nullable: true }) calendarId!: string | null;
  @Column({ type: "bigint", transformer: { to: (v: number) => v, from: (v: string) => Number(v) } }) targetMs!: number;
  @Column({ type: "real" }) warnShare!: number;
  @Column({ type: "bigint", transformer: { to: (v: number) => v, from: (v: string) => Number(v) } }) spentMs!: number;
  @Column({ type: "timestamptz", nullable: true }) runningSince!: Date | null;
  @Column({ type: "timestamptz", nullable: true }) pausedAt!: Date | null;
  @Column({ type: "timestamptz", nullable: true }) stoppedAt!: Date | null;
  @Column({ type: "timestamptz", nullable: true }) dueAt!: Date | null;
  @Column({ type: "timestamptz", nullable: true }) warnAt!: Date | null;
  @Column({ type: "timestamptz", nullable: true }) warnedAt!: Date | null;
  @Column({ type: "timestamptz", nullable: true }) breachedAt!: Date | null;
  @Column({ type: "timestamptz", nullable: true }) breachRecordedAt!: Date | null;
  /** The earlier of a pending warning and a pending breach: what the sweep scans by. */
  @Column({ type: "timestamptz", nullable: true }) nextCheckAt!: Date | null;
}
