import { IsEmail, IsOptional, IsUUID, Length, MaxLength } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { Trim } from "../../platform/graphql/input-hygiene";
import { Criticality, ServiceKind } from "./catalog.entity";

@InputType()
export class CreateTeamInput {
  @Field(() => String) @Trim() @Length(2, 120) name!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2_000) description?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsEmail() contactEmail?: string;
}

@InputType()
export class CreateServiceInput {
  @Field(() => String) @Trim() @Length(2, 120) name!: string;
  @Field(() => ServiceKind, { defaultValue: ServiceKind.business_service }) kind!: ServiceKind;
  @Field(() => Criticality, { defaultValue: Criticality.medium }) criticality!: Criticality;
  @Field(() => ID) @IsUUID() ownerTeamId!: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2_000) description?: string;
}
