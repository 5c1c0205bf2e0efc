import { createHash, randomBytes } from "node:crypto";
import { IsNull, MoreThan, type DataSource, type EntityManager } from "typeorm";
import { hashPassword } from "../../platform/auth/auth.service";
import { Role, type Principal } from "../../platform/auth/roles";
import { ErrorCode, QuellError, conflict, notFound } from "../../platform/errors";
import { inTransaction } from "../../platform/database/transaction";
import { appendAudit } from "../audit/audit.service";
import { PasswordReset } from "./session.entity";
import { revokeUserSessions, SessionEndReason } from "./session.service";
import { User } from "./user.entity";
import { assertStrongPassword, userSnapshot } from "./user.service";

export const PASSWORD_RESET_PREFIX = "qp_";
/** qp_ + 32 random bytes in base64url. */
export const PASSWORD_RESET_PATTERN = /^qp_[A-Za-z0-9_-]{43}$/;
/** An issued reset code works this long, once. */
export const PASSWORD_RESET_TTL_MS = 24 * 3600 * 1000;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** Admin work on accounts: activation, roles, password resets. Each is version-checked and audited. */
export class UserAdministration {
  constructor(private readonly dataSource: DataSource) {}

  deactivate(actor: Principal, id: string, version: number): Promise<User> {
    return this.change(actor, id, version, "user.deactivate", async (user, manager) => {
      if (user.id === actor.userId) throw new QuellError(ErrorCode.PreconditionFailed, "You cannot deactivate your own account; ask another administrator.");
      if (!user.active) return 0;
      if (user.role === Role.admin) await assertAnotherAdmin(manager, user.id);
      user.active = false;
      // Sessions end now; the user's API tokens stop working because their creator is inactive.
      return revokeUserSessions(manager, user.id, SessionEndReason.Deactivated);
    });
  }

  reactivate(actor: Principal, id: string, version: number): Promise<User> {
    return this.change(actor, id, version, "user.reactivate", async (user) => {
      user.active = true;
      return 0;
    });
  }

  changeRole(actor: Principal, id: string, version: number, role: Role): Promise<User> {
    return this.change(actor, id, version, "user.change_role", async (user, manager) => {
      if (user.role === role) return 0;
      if (user.role === Role.admin) await assertAnotherAdmin(manager, user.id);
      user.role = role;
      // Live sessions carry the old role in their JWT claims; end them so nobody reads stale claims.
      return revokeUserSessions(manager, user.id, SessionEndReason.RoleChanged);
    });
  }

  /**
   * A one-time code the admin hands to the user (shown once, stored hashed, expires in 24 h).
   * A new code replaces any earlier unused one.
   */
  issuePasswordReset(actor: Principal, id: string): Promise<{ code: string; expiresAt: Date; user: User }> {
    return inTransaction(this.dataSource, async ({ manager }) => {
      const user = await manager.findOne(User, { where: { id } });
      if (!user) throw notFound("User", id);
      if (!user.active) throw new QuellError(ErrorCode.PreconditionFailed, "This account is deactivated; reactivate it before resetting its password.");
      await manager.update(PasswordReset, { userId: id, usedAt: IsNull() }, { usedAt: new Date() });
      const code = PASSWORD_RESET_PREFIX + randomBytes(32).toString("base64url");
      const expiresAt = new Date(Date.now() + PASSWORD_RESET_TTL_MS);
      const reset = await manager.save(manager.create(PasswordReset, { userId: id, codeHash: sha256(code), createdById: actor.userId || null, expiresAt, usedAt: null }));
      await appendAudit(manager, actor, { action: "user.issue_password_reset", entityType: "user", entityId: id, after: { resetId: reset.id, expiresAt } });
      return { code, expiresAt, user };
    });
  }

  /** Unauthenticated: a valid, unexpired, unused code sets a new password once and ends every session. */
  redeemPasswordReset(code: string, newPassword: string): Promise<boolean> {
    return inTransaction(this.dataSource, async ({ manager }) => {
      const reset = await manager.findOne(PasswordReset, {
        where: { codeHash: sha256(code), usedAt: IsNull(), expiresAt: MoreThan(new Date()) },
        lock: { mode: "pessimistic_write" },
      });
      const user = reset && (await manager.findOne(User, { where: { id: reset.userId, active: true } }));
      if (!reset || !user) throw new QuellError(ErrorCode.BadUserInput, "This reset code is unknown, used or expired; ask an administrator for a new one.", { field: "code" });
      assertStrongPassword("newPassword", newPassword, user);
      await manager.update(User, { id: user.id }, { passwordHash: await hashPassword(newPassword) });
      await manager.update(PasswordReset, { id: reset.id }, { usedAt: new Date() });
      const ended = await revokeUserSessions(manager, user.id, SessionEndReason.PasswordReset);
      const actor: Principal = { kind: "user", userId: user.id, role: user.role, label: user.email };
      await appendAudit(manager, actor, { action: "user.redeem_password_reset", entityType: "user", entityId: user.id, after: { resetId: reset.id, sessionsRevoked: ended } });
      return true;
    });
  }

  /** Lock, check the version, apply, save, audit: the shape of every account change. */
  private change(actor: Principal, id: string, version: number, action: string, apply: (user: User, manager: EntityManager) => Promise<number>): Promise<User> {
    return inTransaction(this.dataSource, async ({ manager }) => {
      const user = await manager.findOne(User, { where: { id }, lock: { mode: "pessimistic_write" } });
      if (!user) throw notFound("User", id);
      if (user.version !== version) throw conflict("User", id, version, user.version);
      const before = userSnapshot(user);
      const sessionsRevoked = await apply(user, manager);
      await manager.save(user);
      await appendAudit(manager, actor, { action, entityType: "user", entityId: id, before, after: { ...userSnapshot(user), sessionsRevoked } });
      return user;
    });
  }
}

/** Removing the last active admin would lock everyone out of administration. */
async function assertAnotherAdmin(manager: EntityManager, exceptId: string): Promise<void> {
  const others = await manager.count(User, { where: { role: Role.admin, active: true } });
  if (others <= 1) throw new QuellError(ErrorCode.PreconditionFailed, `This is the last active administrator (${exceptId}); make someone else an admin first.`);
}
