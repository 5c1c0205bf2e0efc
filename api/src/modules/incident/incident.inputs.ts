import { ArrayMaxSize, IsDate, IsInt, IsOptional, IsString, IsUUID, Length, Max, MaxLength, Min } from "class-validator";
import { Field, ID, InputType, Int, registerEnumType } from "type-graphql";
import { OptionalNotNull, Trim } from "../../platform/graphql/input-hygiene";
import { ClosureCode, Severity } from "./incident.entity";
import { Stage } from "./incident.lifecycle";
import { PendingReason } from "./incident.hold";

@InputType()
export class CreateIncidentInput {
  @Field(() => String) @Trim() @Length(3, 300) title!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100_000) description?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() serviceId?: string;
  @Field(() => String, { nullable: true }) @Trim() @IsOptional() @Length(1, 120) category?: string;
  @Field(() => Int, { defaultValue: 3 }) @IsInt() @Min(1) @Max(3) impact!: number;
  @Field(() => Int, { defaultValue: 3 }) @IsInt() @Min(1) @Max(3) urgency!: number;
  @Field(() => Severity, { nullable: true }) @IsOptional() severity?: Severity;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() teamId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() assigneeId?: string;
}

@InputType()
export class UpdateIncidentInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => Int, { description: "The version you read; a stale one gets CONFLICT." }) @IsInt() version!: number;
  @Field(() => String, { nullable: true }) @Trim() @OptionalNotNull() @Length(3, 300) title?: string;
  @Field(() => String, { nullable: true }) @OptionalNotNull() @MaxLength(100_000) description?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() serviceId?: string;
  @Field(() => String, { nullable: true }) @Trim() @IsOptional() @Length(1, 120) category?: string;
  @Field(() => Int, { nullable: true }) @OptionalNotNull() @IsInt() @Min(1) @Max(3) impact?: number;
  @Field(() => Int, { nullable: true }) @OptionalNotNull() @IsInt() @Min(1) @Max(3) urgency?: number;
  @Field(() => Severity, { nullable: true }) @IsOptional() severity?: Severity;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100_000) resolution?: string;
  @Field(() => Boolean, { nullable: true }) @OptionalNotNull() isMajor?: boolean;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() commanderId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() communicationsLeadId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() scribeId?: string;
}

@InputType()
export class TransitionIncidentInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => Int) @IsInt() version!: number;
  @Field(() => Stage) to!: Stage;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(10_000) note?: string;
  @Field(() => String, { nullable: true, description: "Closing: what fixed it, or why nothing will (required unless the incident already has one)." })
  @IsOptional()
  @MaxLength(100_000)
  resolution?: string;
  @Field(() => ClosureCode, { nullable: true, description: "Closing: how it ended (required)." }) @IsOptional() closureCode?: ClosureCode;
}

@InputType()
export class AssignIncidentInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => Int) @IsInt() version!: number;
  @Field(() => ID, { nullable: true, description: "null unassigns" }) @IsOptional() @IsUUID() assigneeId?: string | null;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() teamId?: string | null;
}

@InputType()
export class AddTimelineNoteInput {
  @Field(() => ID) @IsUUID() incidentId!: string;
  @Field(() => String) @Trim() @Length(1, 20_000) message!: string;
}

@InputType()
export class AddTaskInput {
  @Field(() => ID) @IsUUID() incidentId!: string;
  @Field(() => String) @Trim() @Length(3, 300) title!: string;
  @Field(() => ID) @IsUUID() ownerId!: string;
  @Field(() => Date) @IsDate() dueAt!: Date;
}

@InputType()
export class CompleteTaskInput {
  @Field(() => ID) @IsUUID() taskId!: string;
  @Field(() => Int) @IsInt() version!: number;
}

@InputType()
export class WriteReportInput {
  @Field(() => ID) @IsUUID() incidentId!: string;
  @Field(() => Int, { description: "The report's version you read (0 when there is no report yet); a stale one gets CONFLICT." }) @IsInt() @Min(0) version!: number;
  @Field(() => String, { nullable: true }) @OptionalNotNull() @MaxLength(50_000) whatHappened?: string;
  @Field(() => String, { nullable: true }) @OptionalNotNull() @MaxLength(50_000) impact?: string;
  @Field(() => String, { nullable: true }) @OptionalNotNull() @MaxLength(50_000) rootCause?: string;
  @Field(() => String, { nullable: true }) @OptionalNotNull() @MaxLength(50_000) wentWell?: string;
  @Field(() => String, { nullable: true }) @OptionalNotNull() @MaxLength(50_000) toImprove?: string;
  @Field(() => [String], { nullable: true }) @OptionalNotNull() @ArrayMaxSize(100) @IsString({ each: true }) @MaxLength(1_000, { each: true }) actionItems?: string[];
  @Field(() => Boolean, { defaultValue: false, description: "Share the report (required before closing)." }) publish!: boolean;
}

@InputType()
export class ReopenIncidentInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => Int) @IsInt() version!: number;
  @Field(() => String) @Trim() @Length(3, 10_000) reason!: string;
}

@InputType()
export class SetIncidentPendingInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => Int) @IsInt() version!: number;
  @Field(() => PendingReason, { nullable: true, description: "What it now waits for; null resumes work (and the SLA clocks)." })
  @IsOptional()
  reason?: PendingReason | null;
  @Field(() => String, { nullable: true }) @Trim() @IsOptional() @MaxLength(10_000) note?: string;
}

@InputType()
export class MarkDuplicateInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => Int) @IsInt() version!: number;
  @Field(() => ID) @IsUUID() duplicateOfId!: string;
}

export enum IncidentSortField {
  createdAt = "createdAt",
  updatedAt = "updatedAt",
  priority = "priority",
  number = "number",
  /**
   * The nearest running service-level deadline first (ASC); then incidents whose clocks are all
   * paused, least business time left first (a paused clock can't breach, so any running one is
   * more pressing, but of two paused ones the shorter will be tighter once resumed); then those
   * without a clock. The order is stable between pages (it doesn't depend on the time of the query).
   */
  slaDueAt = "slaDueAt",
}
registerEnumType(IncidentSortField, { name: "IncidentSortField" });

export enum SortDirection {
  ASC = "ASC",
  DESC = "DESC",
}
registerEnumType(SortDirection, { name: "SortDirection" });

@InputType()
export class IncidentSort {
  @Field(() => IncidentSortField, { defaultValue: IncidentSortField.createdAt }) field!: IncidentSortField;
  @Field(() => SortDirection, { defaultValue: SortDirection.DESC }) direction!: SortDirection;
}

@InputType()
export class IncidentFilter {
  @Field(() => [Stage], { nullable: true }) stage?: Stage[];
  @Field(() => [Int], { nullable: true }) @IsOptional() @IsInt({ each: true }) @Min(1, { each: true }) @Max(5, { each: true }) priority?: number[];
  @Field(() => [Severity], { nullable: true }) severity?: Severity[];
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() serviceId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() teamId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() assigneeId?: string;
  @Field(() => Boolean, { nullable: true, description: "true: only unassigned incidents" }) unassigned?: boolean;
  @Field(() => Boolean, { nullable: true }) isMajor?: boolean;
  @Field(() => String, { nullable: true, description: "Full-text search over title and description (web-search syntax)." })
  @IsOptional()
  @MaxLength(500)
  search?: string;
  @Field(() => Date, { nullable: true }) createdAfter?: Date;
  @Field(() => Date, { nullable: true }) createdBefore?: Date;
}

@InputType()
export class SetPriorityCellInput {
  @Field(() => Int) @IsInt() @Min(1) @Max(3) impact!: number;
  @Field(() => Int) @IsInt() @Min(1) @Max(3) urgency!: number;
  @Field(() => Int) @IsInt() @Min(1) @Max(5) priority!: number;
}

