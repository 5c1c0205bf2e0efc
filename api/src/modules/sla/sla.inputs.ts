import { ArrayMaxSize, IsInt, IsNumber, IsOptional, IsUUID, Length, Matches, Max, Min } from "class-validator";
import { Field, Float, ID, InputType, Int } from "type-graphql";
import { Trim } from "../../platform/graphql/input-hygiene";
import { SlaHoliday, SlaWeeklyWindow } from "./sla.entity";

@InputType()
export class SaveSlaCalendarInput {
  @Field(() => ID, { nullable: true, description: "Edit this calendar (with version); omit to create one." }) @IsOptional() @IsUUID() id?: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() version?: number;
  @Field(() => String) @Trim() @Length(1, 120) name!: string;
  @Field(() => String) @Trim() @Length(1, 64) timeZone!: string;
  @Field(() => [SlaWeeklyWindow]) @ArrayMaxSize(50) weeklyHours!: SlaWeeklyWindow[];
  @Field(() => [SlaHoliday], { defaultValue: [] }) @ArrayMaxSize(1000) holidays!: SlaHoliday[];
  @Field(() => String, { nullable: true }) @IsOptional() @Matches(/^[A-Za-z]{2}$/, { message: "holidayCountry must be a two-letter country code" }) holidayCountry?: string | null;
}

@InputType()
export class SaveSlaPolicyInput {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() id?: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() version?: number;
  @Field(() => String) @Trim() @Length(1, 120) name!: string;
  @Field(() => Int) @IsInt() @Min(1) @Max(5) priority!: number;
  @Field(() => Int) @IsInt() @Min(1) @Max(525_600) responseTargetMinutes!: number;
  @Field(() => Int) @IsInt() @Min(1) @Max(5_256_000) resolutionTargetMinutes!: number;
  @Field(() => Float, { defaultValue: 0.75 }) @IsNumber() @Min(0.05) @Max(0.99) warnAtShare!: number;
  @Field(() => ID, { nullable: true, description: "Business-hours calendar; null runs around the clock." }) @IsOptional() @IsUUID() calendarId?: string | null;
}
