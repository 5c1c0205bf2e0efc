import type { DataSource, EntityManager } from "typeorm";
import { hashApiToken, hashPassword, newApiToken, verifyPassword } from "../../platform/auth/auth.service";
import { Role, type Principal } from "../../platform/auth/roles";
import { ErrorCode, QuellError, badInput, notFound } from "../../platform/errors";
import { inTransaction } from "../../platform/database/transaction";
import { appendAudit } from "../audit/audit.service";
import { Team } from "../team/team.entity";
import type { AuthPayload, ChangePasswordInput, CreateApiTokenInput, CreateUserInput, LoginInput } from "./user.inputs";
import type { LoginThrottle } from "../../platform/auth/login-throttle";
import { passwordWeakness } from "./password.rules";
import { revokeUserSessions, SessionEndReason, type SessionService } from "./session.service";
import { ApiToken, User } from "./user.entity";

/** Hash of a password nobody has: login does the same work whether or not the email exists. */
const DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$ED9/eKSv+rmmIA/2vcdiWg$leN1WZmLpOrOlsFwu4HTeF/l7/hSSclXhcMtbZEFWpU";

/** The audit snapshot of a user: never its password hash. */
export function userSnapshot(user: User): Omit<User, "passwordHash"> {
  const { passwordHash: _omit, ...safe } = user;
  return safe;
}

/** Refuses a weak password with BAD_USER_INPUT naming why (length, common, guessable from the user's name or email). */
export function assertStrongPassword(field: string, password: string, user: { email: string; name: string }): void {
  const weakness = passwordWeakness(password, [user.email, user.name]);
  if (weakness) throw badInput(field, weakness);
}

async function insertUser(manager: EntityManager, actor: Principal | null, input: CreateUserInput, action: string): Promise<User> {
  assertStrongPassword("password", input.password, input);
  if (await manager.exists(User, { where: { email: input.email.toLowerCase() } })) {
    throw new QuellError(ErrorCode.Conflict, `A user with email ${input.email} already exists.`, { field: "email" });
  }
  if (input.teamId && !(await manager.exists(Team, { where: { id: input.teamId } }))) throw notFound("Team", input.teamId);
  const user = manager.create(User, {
    email: input.email.toLowerCase(),
    name: input.name,
    role: input.role,
    teamId: input.teamId ?? null,
    passwordHash: await hashPassword(input.password),
  });
  await manager.save(user);
  await appendAudit(manager, actor, { action, entityType: "user", entityId: user.id, after: userSnapshot(user) });
  return user;
}

/**
 * The first administrator of a fresh database (`quell admin create`). One-time: while an active
 * admin exists it refuses, unless the operator forces it (a locked-out organisation).
 */
export async function bootstrapAdmin(dataSource: DataSource, input: { email: string; name: string; password: string }, options: { force: boolean }): Promise<User> {
  return inTransaction(dataSource, async ({ manager }) => {
    // Serialise concurrent bootstraps: two "first" admins would defeat the one-time rule.
    await manager.query("LOCK TABLE app_user IN SHARE ROW EXCLUSIVE MODE");
    const admins = await manager.count(User, { where: { role: Role.admin, active: true } });
    if (admins > 0 && !options.force) {
      throw new QuellError(ErrorCode.Conflict, `An administrator already exists (${admins}); sign in as one to add users, or pass --force to add another anyway.`);
    }
    return insertUser(manager, null, { ...input, role: Role.admin }, "user.bootstrap_admin");
  });
}

export class UserService {
  constructor(
    private readonly dataSource: DataSource,
    readonly sessions: SessionService,
    private readonly throttle: LoginThrottle,
  ) {}

  /** Throttled per account and address; every outcome is audited (the email and address, never the password). */
  async login(input: LoginInput, clientAddress: string): Promise<AuthPayload> {
    await this.throttle.begin(input.email, clientAddress);
    const user = await this.dataSource
      .getRepository(User)
      .createQueryBuilder("u")
      .addSelect("u.passwordHash")
      .where("lower(u.email) = lower(:email)", { email: input.email })
      .getOne();
    const ok = await verifyPassword(user?.passwordHash ?? DUMMY_HASH, input.password);
    if (!user || !ok || !user.active) {
      const reason = !user ? "unknown_email" : !ok ? "wrong_password" : "deactivated";
      await inTransaction(this.dataSource, ({ manager }) =>
        appendAudit(manager, null, { action: "auth.login_failed", entityType: "user", entityId: user?.id ?? "unknown", after: { email: input.email.toLowerCase(), reason, clientAddress } }),
      );
      throw new QuellError(ErrorCode.Unauthenticated, "Wrong email or password.");
    }
    await this.throttle.succeeded(input.email, clientAddress);
    return inTransaction(this.dataSource, async ({ manager }) => {
      const tokens = await this.sessions.open(user, manager);
      const actor: Principal = { kind: "user", userId: user.id, role: user.role, label: user.email };
      await appendAudit(manager, actor, { action: "auth.login", entityType: "user", entityId: user.id, after: { clientAddress } });
      return { ...tokens, user };
    });
  }

  async refreshSession(refreshToken: string): Promise<AuthPayload> {
    const { tokens, user } = await this.sessions.refresh(refreshToken);
    return { ...tokens, user };
  }

  /**
   * Ends the caller's session on the server: the one holding this refresh token, and the one the
   * access token belongs to (they differ only if a refresh raced the logout). Their tokens stop working.
   */
  async logout(actor: Principal, refreshToken: string): Promise<boolean> {
    return inTransaction(this.dataSource, async ({ manager }) => {
      const ended = new Set<string>();
      const byRefresh = await this.sessions.revokeByRefreshToken(manager, actor.userId, refreshToken, SessionEndReason.Logout);
      if (byRefresh) ended.add(byRefresh);
      if (actor.sessionId && (await this.sessions.revokeById(manager, actor.sessionId, SessionEndReason.Logout))) ended.add(actor.sessionId);
      for (const sessionId of ended) await appendAudit(manager, actor, { action: "session.logout", entityType: "session", entityId: sessionId });
      return ended.size > 0;
    });
  }

  /** A user changes their own password: every session ends (a thief's too), and the caller gets a new one. */
  async changePassword(actor: Principal, input: ChangePasswordInput): Promise<AuthPayload> {
    if (actor.kind !== "user") throw new QuellError(ErrorCode.Forbidden, "An API token has no password; sign in as the user to change it.");
    return inTransaction(this.dataSource, async ({ manager }) => {
      const user = await manager.getRepository(User).createQueryBuilder("u").addSelect("u.passwordHash").where("u.id = :id", { id: actor.userId }).getOneOrFail();
      if (!(await verifyPassword(user.passwordHash, input.currentPassword))) throw badInput("currentPassword", "is not your current password");
      assertStrongPassword("newPassword", input.newPassword, user);
      user.passwordHash = await hashPassword(input.newPassword);
      await manager.save(user);
      const ended = await revokeUserSessions(manager, user.id, SessionEndReason.PasswordChanged);
      await appendAudit(manager, actor, { action: "user.change_password", entityType: "user", entityId: user.id, after: { sessionsRevoked: ended } });
      return { ...(await this.sessions.open(user, manager)), user };
    });
  }

  async createUser(actor: Principal | null, input: CreateUserInput): Promise<User> {
    return inTransaction(this.dataSource, ({ manager }) => insertUser(manager, actor, input, "user.create"));
  }

  async createApiToken(actor: Principal, input: CreateApiTokenInput): Promise<{ token: string; apiToken: ApiToken }> {
    return inTransaction(this.dataSource, async ({ manager }) => {
      const token = newApiToken();
      const apiToken = manager.create(ApiToken, {
        name: input.name,
        role: input.role,
        tokenHash: hashApiToken(token),
        prefix: token.slice(0, 10),
        createdById: actor.userId,
      });
      await manager.save(apiToken);
      const { tokenHash: _omit, ...safe } = apiToken;
      await appendAudit(manager, actor, { action: "api_token.create", entityType: "api_token", entityId: apiToken.id, after: safe });
      return { token, apiToken };
    });
  }

  async revokeApiToken(actor: Principal, id: string): Promise<ApiToken> {
    return inTransaction(this.dataSource, async ({ manager }) => {
      const apiToken = await manager.findOne(ApiToken, { where: { id } });
      if (!apiToken) throw notFound("ApiToken", id);
      const before = { ...apiToken };
      apiToken.revokedAt ??= new Date();
      await manager.save(apiToken);
      await appendAudit(manager, actor, { action: "api_token.revoke", entityType: "api_token", entityId: id, before, after: apiToken });
      return apiToken;
    });
  }
}
