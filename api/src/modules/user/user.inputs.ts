import { IsEmail, IsOptional, IsUUID, Length, MaxLength } from "class-validator";
import { Field, ID, InputType, ObjectType } from "type-graphql";
import { Role } from "../../platform/auth/roles";
import { Trim } from "../../platform/graphql/input-hygiene";
import { ApiToken, User } from "./user.entity";

@InputType()
export class LoginInput {
  @Field(() => String) @Trim() @IsEmail() email!: string;
  @Field(() => String) @Length(1, 200) password!: string;
}

@ObjectType()
export class AuthPayload {
  @Field(() => String, { description: "Send as `Authorization: Bearer <token>`." }) token!: string;
  @Field(() => User) user!: User;
}

@InputType()
export class CreateUserInput {
  @Field(() => String) @Trim() @IsEmail() @MaxLength(254) email!: string;
  @Field(() => String) @Trim() @Length(1, 120) name!: string;
  @Field(() => String, { description: "At least 10 characters." }) @Length(10, 200) password!: string;
  @Field(() => Role) role!: Role;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() teamId?: string;
}

@InputType()
export class CreateApiTokenInput {
  @Field(() => String) @Trim() @Length(1, 120) name!: string;
  @Field(() => Role) role!: Role;
}

@ObjectType()
export class CreatedApiToken {
  @Field(() => String, { description: "Shown once; only its hash is stored." }) token!: string;
  @Field(() => ApiToken) apiToken!: ApiToken;
}
