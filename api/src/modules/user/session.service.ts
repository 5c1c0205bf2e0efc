import { createHash, randomBytes } from "node:crypto";
import { IsNull, type DataSource, type EntityManager } from "typeorm";
import type { TokenIssuer } from "../../platform/auth/auth.service";
import { forgetCachedPrincipals } from "../../platform/auth/principal-cache";
import type { Role } from "../../platform/auth/roles";
import { ErrorCode, QuellError } from "../../platform/errors";
import { Session } from "./session.entity";
import { User } from "./user.entity";

export const REFRESH_TOKEN_PREFIX = "qr_";
/** qr_ + 32 random bytes in base64url: anything else is refused by input validation, before any lookup. */
export const REFRESH_TOKEN_PATTERN = /^qr_[A-Za-z0-9_-]{43}$/;

/** Why sessions end; stored on the session and named in the audit trail. */
export enum SessionEndReason {
  Logout = "logout",
  PasswordChanged = "password_changed",
  PasswordReset = "password_reset",
  RoleChanged = "role_changed",
  Deactivated = "deactivated",
}

export interface SessionTokens {
  /** Short-lived access token (JWT): `Authorization: Bearer <token>`. */
  token: string;
  accessTokenExpiresAt: Date;
  /** Long-lived, single-use: trade it for new tokens with `refreshSession`. */
  refreshToken: string;
  sessionExpiresAt: Date;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const newRefreshToken = () => REFRESH_TOKEN_PREFIX + randomBytes(32).toString("base64url");

const SESSION_ENDED = "This session has ended (signed out, revoked or expired); log in again.";

/** Ends every live session of a user, inside the caller's transaction; returns how many. */
export async function revokeUserSessions(manager: EntityManager, userId: string, reason: SessionEndReason): Promise<number> {
  forgetCachedPrincipals();
  const result = await manager.update(Session, { userId, revokedAt: IsNull() }, { revokedAt: new Date(), revokedReason: reason });
  return result.affected ?? 0;
}

/** Server-side sessions: opened at login, renewed with a rotating refresh token, revoked at logout. */
export class SessionService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly issuer: TokenIssuer,
    private readonly sessionTtlSeconds: number,
  ) {}

  async open(user: Pick<User, "id" | "role">, manager: EntityManager = this.dataSource.manager): Promise<SessionTokens> {
    const refreshToken = newRefreshToken();
    const now = new Date();
    const session = await manager.save(
      manager.create(Session, { userId: user.id, refreshTokenHash: sha256(refreshToken), refreshedAt: now, expiresAt: this.sessionExpiry(now) }),
    );
    const access = await this.issuer.issue({ userId: user.id, sessionId: session.id, role: user.role as Role });
    return { token: access.token, accessTokenExpiresAt: access.expiresAt, refreshToken, sessionExpiresAt: session.expiresAt };
  }

  /**
   * Trades a refresh token for a new pair. The old refresh token stops working (rotation): the
   * conditional UPDATE lets exactly one of two concurrent refreshes with the same token win.
   */
  async refresh(refreshToken: string): Promise<{ tokens: SessionTokens; user: User }> {
    const oldHash = sha256(refreshToken);
    const session = await this.dataSource.getRepository(Session).findOne({ where: { refreshTokenHash: oldHash }, relations: { user: true } });
    const now = new Date();
    if (!session || session.revokedAt || session.expiresAt <= now || !session.user?.active) throw new QuellError(ErrorCode.Unauthenticated, SESSION_ENDED);
    const next = newRefreshToken();
    const expiresAt = this.sessionExpiry(now);
    const rotated = await this.dataSource
      .createQueryBuilder()
      .update(Session)
      .set({ refreshTokenHash: sha256(next), refreshedAt: now, expiresAt })
      .where("id = :id AND refresh_token_hash = :oldHash AND revoked_at IS NULL", { id: session.id, oldHash })
      .execute();
    if (!rotated.affected) throw new QuellError(ErrorCode.Unauthenticated, SESSION_ENDED);
    const access = await this.issuer.issue({ userId: session.userId, sessionId: session.id, role: session.user.role });
    return { tokens: { token: access.token, accessTokenExpiresAt: access.expiresAt, refreshToken: next, sessionExpiresAt: expiresAt }, user: session.user };
  }

  /** Ends the user's session that holds this refresh token (logout); returns its id, or null when there is none live. */
  async revokeByRefreshToken(manager: EntityManager, userId: string, refreshToken: string, reason: SessionEndReason): Promise<string | null> {
    const session = await manager.findOne(Session, { where: { refreshTokenHash: sha256(refreshToken), userId, revokedAt: IsNull() } });
    if (!session) return null;
    forgetCachedPrincipals();
    await manager.update(Session, { id: session.id }, { revokedAt: new Date(), revokedReason: reason });
    return session.id;
  }

  /** Ends a live session by id; false when it had already ended. */
  async revokeById(manager: EntityManager, sessionId: string, reason: SessionEndReason): Promise<boolean> {
    forgetCachedPrincipals();
    const result = await manager.update(Session, { id: sessionId, revokedAt: IsNull() }, { revokedAt: new Date(), revokedReason: reason });
    return (result.affected ?? 0) > 0;
  }

  private sessionExpiry(from: Date): Date {
    return new Date(from.getTime() + this.sessionTtlSeconds * 1000);
  }
}
