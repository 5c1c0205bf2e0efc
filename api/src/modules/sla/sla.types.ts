import { Field, Float, ObjectType } from "type-graphql";
import { SlaClockKind } from "./sla.entity";

@ObjectType({ description: "One service-level clock of an incident, as of now." })
export class SlaClockState {
  @Field(() => SlaClockKind) kind!: SlaClockKind;
  @Field(() => Float, { description: "Business minutes of the target." }) targetMinutes!: number;
  @Field(() => Float, { description: "Business milliseconds left (negative once breached)." }) timeLeftMs!: number;
  @Field(() => Date, { nullable: true, description: "When it will breach if it keeps running (null while paused or stopped)." }) dueAt!: Date | null;
  @Field(() => Boolean) running!: boolean;
  @Field(() => Boolean, { description: "Paused while the incident waits on the requester or a vendor." }) paused!: boolean;
  @Field(() => Boolean, { description: "Its goal was reached (responded or recovered)." }) stopped!: boolean;
  @Field(() => Boolean, { description: "Past the warning share of its target." }) warning!: boolean;
  @Field(() => Boolean) breached!: boolean;
  @Field(() => Date, { nullable: true }) warnedAt!: Date | null;
  @Field(() => Date, { nullable: true, description: "When the target was exceeded." }) breachedAt!: Date | null;
}

@ObjectType({ description: "An incident's service levels: the response and resolution clocks and a summary for badges." })
export class IncidentSla {
  @Field(() => String, { nullable: true }) policyName!: string | null;
  @Field(() => SlaClockState, { nullable: true }) response!: SlaClockState | null;
  @Field(() => SlaClockState, { nullable: true }) resolution!: SlaClockState | null;
  @Field(() => Float, { nullable: true, description: "Time left on the clock that is running out soonest (the badge's figure); null when none runs." })
  timeLeftMs!: number | null;
  @Field(() => Boolean, { description: "Every unfinished clock is paused." }) paused!: boolean;
  @Field(() => Boolean) warning!: boolean;
  @Field(() => Boolean) breached!: boolean;
}
