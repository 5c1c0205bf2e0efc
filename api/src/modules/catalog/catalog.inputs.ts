import { IsEmail, IsInt, IsOptional, IsUUID, Length, MaxLength, Min } from "class-validator";
import { Field, ID, InputType, Int } from "type-graphql";
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

@InputType({ description: "Which record, at which version (a stale version gets CONFLICT)." })
export class CatalogVersionInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => Int) @IsInt() @Min(1) version!: number;
}

@InputType({ description: "Only the fields given change; null clears description and contactEmail." })
export class UpdateTeamInput extends CatalogVersionInput {
  @Field(() => String, { nullable: true }) @IsOptional() @Length(2, 120) name?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2_000) description?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsEmail() contactEmail?: string | null;
}

@InputType({ description: "Only the fields given change; null clears description." })
export class UpdateServiceInput extends CatalogVersionInput {
  @Field(() => String, { nullable: true }) @IsOptional() @Length(2, 120) name?: string;
  @Field(() => ServiceKind, { nullable: true }) @IsOptional() kind?: ServiceKind;
  @Field(() => Criticality, { nullable: true }) @IsOptional() criticality?: Criticality;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() ownerTeamId?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(2_000) description?: string | null;
}
