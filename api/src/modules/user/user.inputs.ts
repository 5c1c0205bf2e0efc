import { IsEmail, IsInt, IsOptional, IsUUID, Length, Matches, MaxLength, Min } from "class-validator";
import { REFRESH_TOKEN_PATTERN } from "./session.service";
import { Field, ID, InputType, Int, ObjectType } from "type-graphql";
import { PASSWORD_RESET_PATTERN } from "./user.admin";
import { Role } from "../../platform/auth/roles";
import { Trim } from "../../platform/graphql/input-hygiene";
import { ApiToken, User } from "./user.entity";

@InputType()
export class LoginInput {
  @Field(() => String) @Trim() @IsEmail() email!: string;
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
  @Field(() => String) @Trim() @IsEmail() @MaxLength(254) email!: string;
  @Field(() => String) @Trim() @Length(1, 120) name!: string;
  @Field(() => String, { description: "At least 12 characters and not easy to guess (checked with zxcvbn)." }) @Length(1, 200) password!: string;
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

@InputType({ description: "Which user, at which version (a stale version gets CONFLICT)." })
export class UserVersionInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => Int) @IsInt() @Min(1) version!: number;
}

@InputType()
export class ChangeUserRoleInput extends UserVersionInput {
  @Field(() => Role) role!: Role;
}

@InputType()
export class IssuePasswordResetInput {
  @Field(() => ID) @IsUUID() id!: string;
}

@ObjectType({ description: "Give the code to the user over a trusted channel; it works once, until expiresAt. Shown only here." })
export class IssuedPasswordReset {
  @Field(() => String) code!: string;
  @Field(() => Date) expiresAt!: Date;
  @Field(() => User) user!: User;
}

@InputType()
export class RedeemPasswordResetInput {
  @Field(() => String) @Matches(PASSWORD_RESET_PATTERN, { message: "is not a password reset code" }) code!: string;
  @Field(() => String) @Length(1, 200) newPassword!: string;
}
