import { ArrayMaxSize, ArrayMinSize, IsDate, IsInt, IsOptional, IsUUID, Length, Matches, Max, MaxLength, Min, ValidateNested } from "class-validator";
import { GraphQLJSONObject } from "graphql-scalars";
import { Field, ID, InputType, Int } from "type-graphql";
import { Trim } from "../../platform/graphql/input-hygiene";
import { AlertSource, AlertStatus } from "./alert.entity";

@InputType()
export class AlertRef {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => Int, { description: "The version you read; a stale one gets CONFLICT." }) @IsInt() version!: number;
}

@InputType()
export class MoveAlertsInput {
  @Field(() => [AlertRef]) @ArrayMinSize(1) @ArrayMaxSize(200) @ValidateNested({ each: true }) alerts!: AlertRef[];
  @Field(() => ID, { description: "The incident they move to." }) @IsUUID() incidentId!: string;
}

@InputType()
export class MergeAlertsInput {
  @Field(() => [AlertRef], { description: "At least two; they join the open incident of the first one that has one." })
  @ArrayMinSize(2)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
 
  alerts!: AlertRef[];
}

@InputType()
export class AlertFilter {
  @Field(() => AlertStatus, { nullable: true }) @IsOptional() status?: AlertStatus;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() serviceId?: string;
  @Field(() => AlertSource, { nullable: true }) @IsOptional() source?: AlertSource;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() incidentId?: string;
  @Field(() => Boolean, { nullable: true, description: "true: only alerts in no incident." }) @IsOptional() unplaced?: boolean;
}

const PATH = /^[A-Za-z0-9_\-]+(\.[A-Za-z0-9_\-]+)*$/;
const PATH_MESSAGE = "must be a dot path like check.name";

@InputType()
export class FieldMappingInput {
  @Field(() => String) @Trim() @Length(1, 200) @Matches(PATH, { message: PATH_MESSAGE }) title!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @Trim() @Length(1, 200) @Matches(PATH, { message: PATH_MESSAGE }) status?: string;
  @Field(() => [String], { nullable: true }) @IsOptional() @ArrayMaxSize(20) @Length(1, 60, { each: true }) resolvedValues?: string[];
  @Field(() => String, { nullable: true }) @IsOptional() @Trim() @Length(1, 200) @Matches(PATH, { message: PATH_MESSAGE }) severity?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @Trim() @Length(1, 200) @Matches(PATH, { message: PATH_MESSAGE }) dedupKey?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @Trim() @Length(1, 200) @Matches(PATH, { message: PATH_MESSAGE }) labels?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @Trim() @Length(1, 200) @Matches(PATH, { message: PATH_MESSAGE }) service?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @Trim() @Length(1, 200) @Matches(PATH, { message: PATH_MESSAGE }) description?: string;
}

@InputType()
export class AlertIntegrationInput {
  @Field(() => ID, { nullable: true, description: "Give id and version to edit an existing integration." }) @IsOptional() @IsUUID() id?: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() version?: number;
  @Field(() => String) @Trim() @Length(3, 120) name!: string;
  @Field(() => AlertSource) source!: AlertSource;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() serviceId?: string;
  @Field(() => String, { defaultValue: "service" }) @Trim() @Length(1, 80) serviceLabel!: string;
  @Field(() => [String], { defaultValue: [], description: "Fingerprint fields, e.g. labels.alertname; empty: the source's dedup key, else its labels." })
  @ArrayMaxSize(20)
  @Matches(PATH, { each: true, message: PATH_MESSAGE })
  dedupFields!: string[];
  @Field(() => FieldMappingInput, { nullable: true, description: "Required for generic webhooks." }) @IsOptional() @ValidateNested() fieldMapping?: FieldMappingInput;
  @Field(() => Boolean, { defaultValue: true }) enabled!: boolean;
}

@InputType()
export class CorrelationRuleInput {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() id?: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() version?: number;
  @Field(() => String) @Trim() @Length(3, 120) name!: string;
  @Field(() => Int, { defaultValue: 100 }) @IsInt() @Min(0) @Max(100_000) position!: number;
  @Field(() => Boolean, { defaultValue: true }) enabled!: boolean;
  @Field(() => GraphQLJSONObject, { nullable: true, description: "Labels (string values) an alert must carry; none: every alert." }) @IsOptional() matchLabels?: Record<string, unknown> | null;
  @Field(() => Boolean, { defaultValue: true }) sameService!: boolean;
  @Field(() => [String], { defaultValue: [] }) @ArrayMaxSize(20) @Length(1, 80, { each: true }) groupLabels!: string[];
  @Field(() => Int, { defaultValue: 30 }) @IsInt() @Min(1) @Max(7 * 24 * 60) windowMinutes!: number;
  @Field(() => Boolean, { defaultValue: true }) createIncident!: boolean;
  @Field(() => Boolean, { defaultValue: true }) recoverIncident!: boolean;
}

@InputType()
export class MaintenanceWindowInput {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() id?: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() version?: number;
  @Field(() => String) @Trim() @Length(3, 200) name!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(5_000) reason?: string;
  @Field(() => Date) @IsDate() startsAt!: Date;
  @Field(() => Date) @IsDate() endsAt!: Date;
  @Field(() => [ID], { defaultValue: [], description: "Empty: every service." }) @ArrayMaxSize(200) @IsUUID("all", { each: true }) serviceIds!: string[];
}
