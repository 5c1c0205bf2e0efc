import { createHash, randomBytes } from "node:crypto";
import { hash as argonHash, verify as argonVerify } from "@node-rs/argon2";
import { SignJWT, jwtVerify } from "jose";
import type { DataSource } from "typeorm";
import { ErrorCode, QuellError } from "../errors";
import { Argon2Pool } from "./argon2-pool";
import { ApiToken } from "../../modules/user/user.entity";
import { Session } from "../../modules/user/session.entity";
import { rememberedPrincipal } from "./principal-cache";
import { effectiveTokenRole, type Principal, type Role } from "./roles";

export const API_TOKEN_PREFIX = "qt_";

let argon2Pool = new Argon2Pool(2, 200);

/** How many argon2 computations this process runs at once (config.argon2Concurrency). */
export function limitArgon2Concurrency(concurrency: number): void {
  argon2Pool = new Argon2Pool(Math.max(1, concurrency), 200);
}

export function hashPassword(password: string): Promise<string> {
  return argon2Pool.run(() => argonHash(password));
}

export function verifyPassword(hash: string, password: string): Promise<boolean> {
  return argon2Pool.run(() => argonVerify(hash, password).catch(() => false));
}

/** API tokens are 32 random bytes, so one SHA-256 is enough (no need for a slow hash). */
export function hashApiToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function newApiToken(): string {
  return API_TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

/** Claims of an access token: who, in which (revocable) session. */
export interface AccessClaims {
  userId: string;
  sessionId: string;
  expiresAt: Date;
}

/** Signs and checks the short-lived access tokens (HS256 JWTs); sessions make them revocable. */
export class TokenIssuer {
  private readonly key: Uint8Array;
  constructor(secret: string, readonly ttlSeconds: number) {
    this.key = new TextEncoder().encode(secret);
  }

  async issue(claims: { userId: string; sessionId: string; role: Role }): Promise<{ token: string; expiresAt: Date }> {
    const issuedAt = Math.floor(Date.now() / 1000);
    const expiresAt = new Date((issuedAt + this.ttlSeconds) * 1000);
    const token = await new SignJWT({ role: claims.role, sid: claims.sessionId })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(claims.userId)
      .setIssuedAt(issuedAt)
      .setIssuer("quell")
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.key);
    return { token, expiresAt };
  }

  async verify(jwt: string): Promise<AccessClaims> {
    const { payload } = await jwtVerify(jwt, this.key, { issuer: "quell", algorithms: ["HS256"] });
    // A token without a session could never be revoked: refuse it.
    if (!payload.sub || typeof payload.sid !== "string" || !payload.exp) throw new Error("token has no subject or session");
    return { userId: payload.sub, sessionId: payload.sid, expiresAt: new Date(payload.exp * 1000) };
  }
}

/** Writes of api_token.last_used_at are at most this often per token (a busy integration calls many times a second). */
const LAST_USED_WRITE_INTERVAL_MS = 60_000;

/**
 * Resolves a bearer credential to a principal. The session, the user and the token's creator are
 * read from the database, so logout, revocation, demotion and deactivation take effect at once
 * rather than when a JWT expires. A session checked in the last `cacheMs` (config.sessionCacheMs;
 * 0, the default here, always reads) answers from memory; every revocation empties that cache
 * first (see principal-cache.ts).
 */
export async function principalFromBearer(dataSource: DataSource, issuer: TokenIssuer, bearer: string | undefined, cacheMs = 0): Promise<Principal | undefined> {
  if (!bearer) return undefined;
  const credential = bearer.replace(/^Bearer\s+/i, "").trim();
  if (!credential) return undefined;
  if (credential.startsWith(API_TOKEN_PREFIX)) return principalFromApiToken(dataSource, credential);
  const lookup = () => principalFromAccessToken(dataSource, issuer, credential);
  return rememberedPrincipal(dataSource, credential, cacheMs, lookup);
}

/** Checks a JWT and reads its session and user; also says until when the answer holds. */
async function principalFromAccessToken(dataSource: DataSource, issuer: TokenIssuer, credential: string): Promise<{ principal: Principal; expiresAtMs: number }> {
  let claims: AccessClaims;
  try {
    claims = await issuer.verify(credential);
  } catch {
    throw new QuellError(ErrorCode.Unauthenticated, "Your session token is invalid or has expired; refresh it or log in again.");
  }
  // One statement (findOne with relations would add a DISTINCT pre-query).
  const session = await dataSource.getRepository(Session).createQueryBuilder("s").innerJoinAndSelect("s.user", "u").where("s.id = :id", { id: claims.sessionId }).getOne();
  if (!session || session.userId !== claims.userId || session.revokedAt || session.expiresAt <= new Date()) {
    throw new QuellError(ErrorCode.Unauthenticated, "This session has ended (signed out, revoked or expired); log in again.");
  }
  const user = session.user;
  if (!user || !user.active) throw new QuellError(ErrorCode.Unauthenticated, "This account no longer exists or is disabled.");
  return {
    principal: { kind: "user", userId: user.id, role: user.role as Role, label: user.email, sessionId: session.id },
    expiresAtMs: Math.min(claims.expiresAt.getTime(), session.expiresAt.getTime()),
  };
}

async function principalFromApiToken(dataSource: DataSource, credential: string): Promise<Principal> {
  const token = await dataSource
    .getRepository(ApiToken)
    .createQueryBuilder("t")
    .innerJoinAndSelect("t.createdBy", "u")
    .where("t.tokenHash = :hash", { hash: hashApiToken(credential) })
    .getOne();
  if (!token || token.revokedAt) throw new QuellError(ErrorCode.Unauthenticated, "This API token is unknown or revoked.");
  const creator = token.createdBy;
  if (!creator || !creator.active) throw new QuellError(ErrorCode.Unauthenticated, "This API token's creator is deactivated, so the token no longer works.");
  const now = Date.now();
  if (!token.lastUsedAt || now - token.lastUsedAt.getTime() >= LAST_USED_WRITE_INTERVAL_MS) {
    // Raw UPDATE: a use is not an edit (no version bump), and the condition keeps replicas from piling up writes.
    await dataSource.query(`UPDATE api_token SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - make_interval(secs => $2))`, [
      token.id,
      LAST_USED_WRITE_INTERVAL_MS / 1000,
    ]);
  }
  return { kind: "token", userId: token.createdById, role: effectiveTokenRole(token.role, creator.role as Role), label: `token:${token.name}`, tokenId: token.id };
}
