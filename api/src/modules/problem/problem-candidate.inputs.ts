import { Field, ID, InputType, Int } from "type-graphql";
import { IsInt, IsOptional, IsString, IsUUID, Length, MaxLength, Min } from "class-validator";

@InputType()
export class AcceptProblemCandidateInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => Int) @IsInt() @Min(1) version!: number;
  @Field(() => String, { nullable: true, description: "Defaults to the oldest incident's title." })
  @IsOptional() @IsString() @Length(3, 300)
  title?: string;
}

@InputType()
export class MergeProblemCandidateInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => Int) @IsInt() @Min(1) version!: number;
  @Field(() => ID, { description: "The existing problem that gets the candidate's incidents." }) @IsUUID() problemId!: string;
}

@InputType()
export class DismissProblemCandidateInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => Int) @IsInt() @Min(1) version!: number;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(2_000) reason?: string;
}
