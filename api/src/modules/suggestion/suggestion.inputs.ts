import { IsUUID, Length } from "class-validator";
import { Field, Float, ID, InputType, Int, ObjectType } from "type-graphql";
import { Trim } from "../../platform/graphql/input-hygiene";
import { SuggestionKind } from "./suggestion.entity";

@InputType()
export class DecideSuggestionInput {
  @Field(() => ID) @IsUUID() id!: string;
}

@InputType()
export class CorrectSuggestionInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => String, { description: "SEV1-SEV4, a team id, or a category." }) @Trim() @Length(1, 200) value!: string;
}

@ObjectType()
export class SuggestionKindMetrics {
  @Field(() => SuggestionKind) kind!: SuggestionKind;
  @Field(() => Float, { nullable: true, description: "accepted / (accepted + corrected + dismissed); null before any decision." }) precision!: number | null;
  @Field(() => Float, { nullable: true, description: "Share of triaged incidents that got a real (not abstained) suggestion." }) coverage!: number | null;
  @Field(() => Int) accepted!: number;
  @Field(() => Int) corrected!: number;
  @Field(() => Int) dismissed!: number;
  @Field(() => Int) pending!: number;
  @Field(() => Int) abstained!: number;
  @Field(() => Int) decided!: number;
  @Field(() => Int) triagedIncidents!: number;
  @Field(() => Int) coveredIncidents!: number;
}
