import { Field, Float, InputType, Int, ObjectType, registerEnumType } from "type-graphql";

export enum MetricsGroupBy {
  none = "none",
  priority = "priority",
  severity = "severity",
  service = "service",
  team = "team",
  month = "month",
}
registerEnumType(MetricsGroupBy, { name: "MetricsGroupBy" });

@InputType()
export class MetricsWindow {
  @Field(() => Date, { description: "Incidents identified at or after this time." }) from!: Date;
  @Field(() => Date, { description: "Incidents identified before this time." }) to!: Date;
}

/** Durations in minutes; null where no incident in the group reached that stage. */
@ObjectType()
export class DurationStats {
  @Field(() => Int) count!: number;
  @Field(() => Float, { nullable: true }) meanMinutes!: number | null;
  @Field(() => Float, { nullable: true }) medianMinutes!: number | null;
  @Field(() => Float, { nullable: true }) p90Minutes!: number | null;
}

@ObjectType()
export class IncidentMetricsGroup {
  @Field(() => String, { description: "The group's key: P1, SEV2, a service or team name, 2026-05, or all." }) key!: string;
  @Field(() => Int) incidents!: number;
  @Field(() => Int) open!: number;
  @Field(() => Int) major!: number;
  @Field(() => Int) reopened!: number;
  @Field(() => Float, { description: "Share of incidents reopened at least once." }) reopenRate!: number;
  @Field(() => Int) duplicates!: number;
  @Field(() => DurationStats, { description: "Mean time to acknowledge: identified → first assignment or classification." }) timeToAcknowledge!: DurationStats;
  @Field(() => DurationStats, { description: "identified → assessed" }) timeToAssess!: DurationStats;
  @Field(() => DurationStats, { description: "identified → contained" }) timeToContain!: DurationStats;
  @Field(() => DurationStats, { description: "Mean time to recover (MTTR): identified → recovered." }) timeToRecover!: DurationStats;
  @Field(() => DurationStats, { description: "identified → closed" }) timeToClose!: DurationStats;
}

@ObjectType()
export class IncidentMetrics {
  @Field(() => Date) from!: Date;
  @Field(() => Date) to!: Date;
  @Field(() => MetricsGroupBy) groupBy!: MetricsGroupBy;
  @Field(() => [IncidentMetricsGroup]) groups!: IncidentMetricsGroup[];
}
