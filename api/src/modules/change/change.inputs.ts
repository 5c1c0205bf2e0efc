import { ArrayMaxSize, IsDate, IsInt, IsOptional, IsUUID, Length, Max, MaxLength, Min } from "class-validator";
import { Field, ID, InputType, Int } from "type-graphql";
import { FreezeRecurrence } from "./change-config.entity";
import { ReviewOutcome } from "./change.entity";
import { ChangeStage, ChangeType } from "./change.lifecycle";

/** The fields a change is drafted with, shared by create and update. */
@InputType()
abstract class ChangeDetailsInput {
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100_000) description?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100_000) implementationPlan?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100_000) backoutPlan?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100_000) testPlan?: string;
  @Field(() => Date, { nullable: true }) @IsOptional() @IsDate() plannedStart?: Date;
  @Field(() => Date, { nullable: true }) @IsOptional() @IsDate() plannedEnd?: Date;
  @Field(() => [ID], { nullable: true }) @IsOptional() @ArrayMaxSize(50) @IsUUID("all", { each: true }) serviceIds?: string[];
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() ownerId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() implementerId?: string;
}

@InputType()
export class CreateChangeInput extends ChangeDetailsInput {
  @Field(() => ChangeType, { defaultValue: ChangeType.normal, description: "Ignored when templateId is given (that makes it standard)." }) type!: ChangeType;
  @Field(() => ID, { nullable: true, description: "A pre-approved template: the change is standard and copies its plans and services." })
  @IsOptional()
  @IsUUID()
  templateId?: string;
  @Field(() => String) @Length(3, 300) title!: string;
  @Field(() => [ID], { nullable: true, description: "Problems this change fixes (\"Raise a change to fix this\")." })
  @IsOptional()
  @ArrayMaxSize(50)
  @IsUUID("all", { each: true })
  problemIds?: string[];
}

@InputType()
export class UpdateChangeInput extends ChangeDetailsInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => Int, { description: "The version you read; a stale one gets CONFLICT." }) @IsInt() version!: number;
  @Field(() => ChangeType, { nullable: true }) @IsOptional() type?: ChangeType;
  @Field(() => String, { nullable: true }) @IsOptional() @Length(3, 300) title?: string;
}

@InputType()
export class TransitionChangeInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => Int) @IsInt() version!: number;
  @Field(() => ChangeStage) to!: ChangeStage;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(10_000) note?: string;
  @Field(() => String, { nullable: true, description: "Scheduling a standard change despite conflicts or a freeze (change managers and admins)." })
  @IsOptional()
  @Length(3, 2_000)
  overrideReason?: string;
}

@InputType()
export class DecideChangeInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => Int) @IsInt() version!: number;
  @Field(() => String, { nullable: true, description: "Required when rejecting." }) @IsOptional() @MaxLength(10_000) comment?: string;
  @Field(() => String, { nullable: true, description: "Authorize despite conflicts or a freeze; the reason is recorded." })
  @IsOptional()
  @Length(3, 2_000)
  overrideReason?: string;
}

@InputType()
export class ReviewChangeInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => Int) @IsInt() version!: number;
  @Field(() => ReviewOutcome) outcome!: ReviewOutcome;
  @Field(() => String) @Length(1, 50_000) lessons!: string;
  @Field(() => [ID], { nullable: true, description: "Incidents this change caused; each is linked to it." })
  @IsOptional()
  @ArrayMaxSize(100)
  @IsUUID("all", { each: true })
  causedIncidentIds?: string[];
}

@InputType()
export class SetIncidentCauseInput {
  @Field(() => ID) @IsUUID() incidentId!: string;
  @Field(() => Int, { description: "The incident's version." }) @IsInt() version!: number;
  @Field(() => ID, { nullable: true, description: "null: no change caused it" }) @IsOptional() @IsUUID() changeId?: string | null;
}

@InputType()
export class ChangeFilter {
  @Field(() => [ChangeType], { nullable: true }) type?: ChangeType[];
  @Field(() => [ChangeStage], { nullable: true }) stage?: ChangeStage[];
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() serviceId?: string;
  @Field(() => Date, { nullable: true, description: "With windowTo: changes whose planned window overlaps the range." }) windowFrom?: Date;
  @Field(() => Date, { nullable: true }) windowTo?: Date;
  @Field(() => String, { nullable: true, description: "Full-text search over title and description (web-search syntax)." })
  @IsOptional()
  @MaxLength(500)
  search?: string;
}

@InputType()
export class ChangeTemplateInput {
  @Field(() => ID, { nullable: true, description: "Give id and version to edit an existing template." }) @IsOptional() @IsUUID() id?: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() version?: number;
  @Field(() => String) @Length(3, 200) name!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(20_000) description?: string;
  @Field(() => String) @Length(3, 100_000) implementationPlan!: string;
  @Field(() => String) @Length(3, 100_000) backoutPlan!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100_000) testPlan?: string;
  @Field(() => Int, { defaultValue: 60 }) @IsInt() @Min(5) @Max(7 * 24 * 60) durationMinutes!: number;
  @Field(() => [ID], { defaultValue: [] }) @ArrayMaxSize(50) @IsUUID("all", { each: true }) serviceIds!: string[];
  @Field(() => Boolean, { defaultValue: true }) active!: boolean;
}

@InputType()
export class FreezeWindowInput {
  @Field(() => ID, { nullable: true, description: "Give id and version to edit an existing freeze." }) @IsOptional() @IsUUID() id?: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() version?: number;
  @Field(() => String) @Length(3, 200) name!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(5_000) reason?: string;
  @Field(() => Date) @IsDate() startsAt!: Date;
  @Field(() => Date) @IsDate() endsAt!: Date;
  @Field(() => FreezeRecurrence, { defaultValue: FreezeRecurrence.once }) recurrence!: FreezeRecurrence;
  @Field(() => Date, { nullable: true }) @IsOptional() @IsDate() repeatUntil?: Date;
  @Field(() => [ID], { defaultValue: [], description: "Empty: every service." }) @ArrayMaxSize(200) @IsUUID("all", { each: true }) serviceIds!: string[];
}

@InputType()
export class SetRiskRuleWeightInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => Int) @IsInt() version!: number;
  @Field(() => Int) @IsInt() @Min(0) @Max(100) weight!: number;
}

@InputType()
export class ChangePolicyInput {
  @Field(() => Int) @IsInt() version!: number;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(1) @Max(20) cabQuorum?: number;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(1) @Max(24 * 30) recentChangesHours?: number;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(1) @Max(3650) riskLookbackDays?: number;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) @Max(1000) riskMediumFrom?: number;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) @Max(1000) riskHighFrom?: number;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) @Max(23) businessStartHour?: number;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(1) @Max(24) businessEndHour?: number;
}

@InputType()
export class LinkChangeProblemsInput {
  @Field(() => ID) @IsUUID() changeId!: string;
  @Field(() => Int, { description: "The change's version." }) @IsInt() version!: number;
  @Field(() => [ID]) @ArrayMaxSize(50) @IsUUID("all", { each: true }) problemIds!: string[];
}
