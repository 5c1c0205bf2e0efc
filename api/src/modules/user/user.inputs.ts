import { IsEmail, IsOptional, IsUUID, Length, Matches, MaxLength } from "class-validator";
import { REFRESH_TOKEN_PATTERN } from "./session.service";
import { Field, ID, InputType, ObjectType } from "type-graphql";
import { Role } from "../../platform/auth/roles";
import { ApiToken, User } from "./user.entity";

@InputType()
export class LoginInput {
  @Field(() => String) @IsEmail() email!: string;
  @Field(() => String) @Length(1, 200) password!: string;
}

@ObjectType({ description: "A session: a short-lived access token and the refresh token that renews it." })
export class AuthPayload {
  @Field(() => String, { description: "Send as `Authorization: Bearer <token>`; it expires at accessTokenExpiresAt." }) token!: string;
  @Field(() => Date) accessTokenExpiresAt!: Date;
  @Field(() => String, { description: "Single use: trade it for new tokens with refreshSession before sessionExpiresAt. Keep it secret." })
  refreshToken!: string;
  @Field(() => Date) sessionExpiresAt!: Date;
  @Field(() => User) user!: User;
}

@InputType()
export class RefreshSessionInput {
  @Field(() => String) @Matches(REFRESH_TOKEN_PATTERN, { message: "is not a refresh token" }) refreshToken!: string;
}

@InputType()
export class ChangePasswordInput {
  @Field(() => String) @Length(1, 200) currentPassword!: string;
  @Field(() => String) @Length(1, 200) newPassword!: string;
}

@InputType()
export class CreateUserInput {
  @Field(() => String) @IsEmail() @MaxLength(254) email!: string;
  @Field(() => String) @Length(1, 120) name!: string;
  @Field(() => String, { description: "At least 12 characters and not easy to guess (checked with zxcvbn)." }) @Length(1, 200) password!: string;
  @Field(() => Role) role!: Role;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() teamId?: string;
}

@InputType()
export class CreateApiTokenInput {
  @Field(() => String) @Length(1, 120) name!: string;
  @Field(() => Role) role!: Role;
}

@ObjectType()
export class CreatedApiToken {
  @Field(() => String, { description: "Shown once; only its hash is stored." }) token!: string;
  @Field(() => ApiToken) apiToken!: ApiToken;
}
