import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { Allow, ANY_ROLE, PUBLIC } from "../../platform/auth/policy";
import { Role } from "../../platform/auth/roles";
import type { QuellContext } from "../../platform/graphql/context";
import { Team } from "../team/team.entity";
import { ApiToken, User } from "./user.entity";
import {
  AuthPayload,
  ChangePasswordInput,
  ChangeUserRoleInput,
  CreateApiTokenInput,
  CreatedApiToken,
  CreateUserInput,
  IssuedPasswordReset,
  IssuePasswordResetInput,
  LoginInput,
  RedeemPasswordResetInput,
  RefreshSessionInput,
  UserVersionInput,
} from "./user.inputs";

/**
 * Users returned by login and refreshSession are the caller's own account, though the request
 * carried no token yet: their email may be shown.
 */
const ownAccountViews = new WeakSet<User>();
const isOwnAccountView = (user: User) => ownAccountViews.has(user);
function showOwnAccount(payload: AuthPayload): AuthPayload {
  ownAccountViews.add(payload.user);
  return payload;
}

@Resolver(() => User)
export class UserResolver {
  @Allow(PUBLIC)
  @Mutation(() => AuthPayload, { description: "Exchange email and password for a session token (JWT)." })
  login(@Arg("input", () => LoginInput) input: LoginInput, @Ctx() ctx: QuellContext): Promise<AuthPayload> {
    return ctx.services.users.login(input, ctx.clientAddress ?? "unknown").then(showOwnAccount);
  }

  @Allow(PUBLIC)
  @Mutation(() => AuthPayload, { description: "Trade a refresh token for a new access token and refresh token (the old refresh token stops working)." })
  refreshSession(@Arg("input", () => RefreshSessionInput) input: RefreshSessionInput, @Ctx() ctx: QuellContext): Promise<AuthPayload> {
    return ctx.services.users.refreshSession(input.refreshToken).then(showOwnAccount);
  }

  @Allow(...ANY_ROLE)
  @Mutation(() => Boolean, {
    description: "End the session this refresh token belongs to (one of yours) on the server: its access and refresh tokens are refused from now on.",
  })
  logout(@Arg("input", () => RefreshSessionInput) input: RefreshSessionInput, @Ctx() ctx: QuellContext): Promise<boolean> {
    return ctx.services.users.logout(ctx.principal!, input.refreshToken);
  }

  @Allow(...ANY_ROLE)
  @Mutation(() => AuthPayload, { description: "Change your own password: every one of your sessions ends and this answer starts a new one." })
  changePassword(@Arg("input", () => ChangePasswordInput) input: ChangePasswordInput, @Ctx() ctx: QuellContext): Promise<AuthPayload> {
    return ctx.services.users.changePassword(ctx.principal!, input);
  }

  @Allow(...ANY_ROLE)
  @Query(() => User, { description: "The signed-in user (for an API token, the user who created it)." })
  me(@Ctx() ctx: QuellContext): Promise<User> {
    return ctx.dataSource.getRepository(User).findOneByOrFail({ id: ctx.principal!.userId });
  }

  @Allow(...ANY_ROLE)
  @Query(() => [User])
  users(@Arg("role", () => Role, { nullable: true }) role: Role | undefined, @Ctx() ctx: QuellContext): Promise<User[]> {
    return ctx.dataSource.getRepository(User).find({ where: role ? { role } : {}, order: { name: "ASC" } });
  }

  @Allow(Role.admin)
  @Mutation(() => User)
  createUser(@Arg("input", () => CreateUserInput) input: CreateUserInput, @Ctx() ctx: QuellContext): Promise<User> {
    return ctx.services.users.createUser(ctx.principal!, input);
  }

  @Allow(Role.admin)
  @Query(() => [ApiToken])
  apiTokens(@Ctx() ctx: QuellContext): Promise<ApiToken[]> {
    return ctx.dataSource.getRepository(ApiToken).find({ order: { createdAt: "DESC" } });
  }

  @Allow(Role.admin)
  @Mutation(() => CreatedApiToken, { description: "Creates an integration token; the token text is shown only in this answer." })
  createApiToken(@Arg("input", () => CreateApiTokenInput) input: CreateApiTokenInput, @Ctx() ctx: QuellContext): Promise<CreatedApiToken> {
    return ctx.services.users.createApiToken(ctx.principal!, input);
  }

  @Allow(Role.admin)
  @Mutation(() => ApiToken)
  revokeApiToken(@Arg("id", () => ID) id: string, @Ctx() ctx: QuellContext): Promise<ApiToken> {
    return ctx.services.users.revokeApiToken(ctx.principal!, id);
  }

  @Allow(Role.admin)
  @Mutation(() => User, { description: "Ends the user's sessions; their API tokens stop working. Refused for yourself and the last admin." })
  deactivateUser(@Arg("input", () => UserVersionInput) input: UserVersionInput, @Ctx() ctx: QuellContext): Promise<User> {
    return ctx.services.userAdmin.deactivate(ctx.principal!, input.id, input.version);
  }

  @Allow(Role.admin)
  @Mutation(() => User)
  reactivateUser(@Arg("input", () => UserVersionInput) input: UserVersionInput, @Ctx() ctx: QuellContext): Promise<User> {
    return ctx.services.userAdmin.reactivate(ctx.principal!, input.id, input.version);
  }

  @Allow(Role.admin)
  @Mutation(() => User, { description: "Changes a user's role and ends their sessions (they sign in again with the new role)." })
  changeUserRole(@Arg("input", () => ChangeUserRoleInput) input: ChangeUserRoleInput, @Ctx() ctx: QuellContext): Promise<User> {
    return ctx.services.userAdmin.changeRole(ctx.principal!, input.id, input.version, input.role);
  }

  @Allow(Role.admin)
  @Mutation(() => IssuedPasswordReset, { description: "Issues a one-time password reset code for a user (24 h); an earlier unused code stops working." })
  issuePasswordReset(@Arg("input", () => IssuePasswordResetInput) input: IssuePasswordResetInput, @Ctx() ctx: QuellContext): Promise<IssuedPasswordReset> {
    return ctx.services.userAdmin.issuePasswordReset(ctx.principal!, input.id);
  }

  @Allow(PUBLIC)
  @Mutation(() => Boolean, { description: "Sets a new password with a reset code from an administrator; every session of the account ends." })
  redeemPasswordReset(@Arg("input", () => RedeemPasswordResetInput) input: RedeemPasswordResetInput, @Ctx() ctx: QuellContext): Promise<boolean> {
    return ctx.services.userAdmin.redeemPasswordReset(input.code, input.newPassword);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: "Only admins see every user's email; others see their own and null for everyone else (names and ids are enough to assign work).",
  })
  email(@Root() user: User, @Ctx() ctx: QuellContext): string | null {
    const viewer = ctx.principal;
    if (viewer?.role === Role.admin || viewer?.userId === user.id || isOwnAccountView(user)) return user.email;
    return null;
  }

  @FieldResolver(() => Team, { nullable: true })
  team(@Root() user: User, @Ctx() ctx: QuellContext): Promise<Team | null> | null {
    return user.teamId ? ctx.loaders.team.load(user.teamId) : null;
  }
}
