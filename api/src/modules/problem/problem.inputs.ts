import { ArrayMaxSize, ArrayMinSize, IsDate, IsInt, IsOptional, IsString, IsUUID, Length, Max, MaxLength, Min, ValidateNested } from "class-validator";
import { Field, ID, InputType, Int } from "type-graphql";
import { ProblemStage } from "./problem.lifecycle";

/** Bulk link/unlink and create-from-incidents take at most this many incidents in one call. */
export const MAX_INCIDENTS_PER_CALL = 500;

@InputType()
export class CreateProblemInput {
  @Field(() => String) @Length(3, 300) title!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100_000) statement?: string;
  @Field(() => [ID], { nullable: true, description: "Affected services." }) @IsOptional() @ArrayMaxSize(50) @IsUUID("all", { each: true }) serviceIds?: string[];
  @Field(() => ID, { nullable: true, description: "A problem manager (or admin)." }) @IsOptional() @IsUUID() ownerId?: string;
  @Field(() => Int, { defaultValue: 3 }) @IsInt() @Min(1) @Max(3) impact!: number;
  @Field(() => Int, { defaultValue: 3 }) @IsInt() @Min(1) @Max(3) urgency!: number;
  @Field(() => [ID], { nullable: true, description: "Incidents to link at once." })
  @IsOptional()
  @ArrayMaxSize(MAX_INCIDENTS_PER_CALL)
  @IsUUID("all", { each: true })
  incidentIds?: string[];
}

@InputType()
export class CreateProblemFromIncidentsInput {
  @Field(() => [ID]) @ArrayMinSize(1) @ArrayMaxSize(MAX_INCIDENTS_PER_CALL) @IsUUID("all", { each: true }) incidentIds!: string[];
  @Field(() => String, { nullable: true, description: "Defaults to the first incident's title." }) @IsOptional() @Length(3, 300) title?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100_000) statement?: string;
  @Field(() => ID, { nullable: true, description: "Defaults to the caller when they are a problem manager." }) @IsOptional() @IsUUID() ownerId?: string;
}

@InputType()
export class UpdateProblemInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => Int, { description: "The version you read; a stale one gets CONFLICT." }) @IsInt() version!: number;
  @Field(() => String, { nullable: true }) @IsOptional() @Length(3, 300) title?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100_000) statement?: string;
  @Field(() => [ID], { nullable: true }) @IsOptional() @ArrayMaxSize(50) @IsUUID("all", { each: true }) serviceIds?: string[];
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() ownerId?: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(1) @Max(3) impact?: number;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(1) @Max(3) urgency?: number;
}

@InputType()
export class SetProblemPriorityInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => Int) @IsInt() version!: number;
  @Field(() => Int, { nullable: true, description: "null hands the priority back to the roll-up." }) @IsOptional() @IsInt() @Min(1) @Max(5) priority?: number | null;
  @Field(() => String, { description: "Why (recorded with the priority)." }) @Length(3, 2_000) reason!: string;
}

@InputType()
export class TransitionProblemInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => Int) @IsInt() version!: number;
  @Field(() => ProblemStage) to!: ProblemStage;
  @Field(() => String, { nullable: true, description: "Required to cancel, to reopen a resolved problem, and to close inside the quiet period." })
  @IsOptional()
  @MaxLength(10_000)
  reason?: string;
  @Field(() => String, { nullable: true, description: "The fix, when moving to resolved." }) @IsOptional() @MaxLength(50_000) fixDescription?: string;
}

@InputType()
export class FiveWhyInput {
  @Field(() => String) @Length(1, 2_000) why!: string;
  @Field(() => String) @Length(1, 2_000) because!: string;
}

@InputType()
export class RecordRootCauseInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => Int) @IsInt() version!: number;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(50_000) rootCause?: string;
  @Field(() => [String], { nullable: true }) @IsOptional() @ArrayMaxSize(50) @IsString({ each: true }) @MaxLength(2_000, { each: true }) contributingFactors?: string[];
  @Field(() => [FiveWhyInput], { nullable: true, description: "The whole chain, in order (replaces the stored one)." })
  @IsOptional()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  fiveWhys?: FiveWhyInput[];
}

@InputType()
export class SetWorkaroundInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => Int) @IsInt() version!: number;
  @Field(() => String) @Length(3, 50_000) workaround!: string;
}

@InputType()
export class LinkIncidentsInput {
  @Field(() => ID) @IsUUID() problemId!: string;
  @Field(() => Int, { description: "The problem's version." }) @IsInt() version!: number;
  @Field(() => [ID]) @ArrayMinSize(1) @ArrayMaxSize(MAX_INCIDENTS_PER_CALL) @IsUUID("all", { each: true }) incidentIds!: string[];
}

@InputType()
export class AddProblemNoteInput {
  @Field(() => ID) @IsUUID() problemId!: string;
  @Field(() => String) @Length(1, 20_000) message!: string;
}

@InputType()
export class AddProblemTaskInput {
  @Field(() => ID) @IsUUID() problemId!: string;
  @Field(() => String) @Length(3, 300) title!: string;
  @Field(() => ID) @IsUUID() ownerId!: string;
  @Field(() => Date) @IsDate() dueAt!: Date;
}

@InputType()
export class CompleteProblemTaskInput {
  @Field(() => ID) @IsUUID() taskId!: string;
  @Field(() => Int) @IsInt() version!: number;
}

@InputType()
export class ProblemFilter {
  @Field(() => [ProblemStage], { nullable: true }) stage?: ProblemStage[];
  @Field(() => ID, { nullable: true, description: "Problems affecting this service." }) @IsOptional() @IsUUID() serviceId?: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() ownerId?: string;
  @Field(() => Boolean, { nullable: true, description: "true: only known errors; false: only the others." }) knownError?: boolean;
  @Field(() => String, { nullable: true, description: "Full-text search over title, statement, root cause and workaround (web-search syntax)." })
  @IsOptional()
  @MaxLength(500)
  text?: string;
}
