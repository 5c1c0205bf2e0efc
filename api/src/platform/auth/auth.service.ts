import { createHash, randomBytes } from "node:crypto";
import { hash as argonHash, verify as argonVerify } from "@node-rs/argon2";
import { SignJWT, jwtVerify } from "jose";
import type { DataSource } from "typeorm";
import { ErrorCode, QuellError } from "../errors";
import { ApiToken, User } from "../../modules/user/user.entity";
import type { Principal, Role } from "./roles";

export const API_TOKEN_PREFIX = "qt_";

export function hashPassword(password: string): Promise<string> {
  return argonHash(password);
}

export function verifyPassword(hash: string, password: string): Promise<boolean> {
  return argonVerify(hash, password).catch(() => false);
}

/** API tokens are 32 random bytes, so one SHA-256 is enough (no need for a slow hash). */
export function hashApiToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function newApiToken(): string {
  return API_TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

export class TokenIssuer {
  private readonly key: Uint8Array;
  constructor(secret: string, private readonly ttlSeconds: number) {
    this.key = new TextEncoder().encode(secret);
  }

  issue(user: Pick<User, "id" | "role" | "email">): Promise<string> {
    return new SignJWT({ role: user.role, email: user.email })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(user.id)
      .setIssuedAt()
      .setIssuer("quell")
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key);
  }

  async verify(jwt: string): Promise<{ userId: string }> {
    const { payload } = await jwtVerify(jwt, this.key, { issuer: "quell" });
    if (!payload.sub) throw new Error("token has no subject");
    return { userId: payload.sub };
  }
}

/**
 * Resolves a bearer credential to a principal, reading the role from the database every time,
 * so a demoted or deactivated user loses access at once rather than when the JWT expires.
 */
export async function principalFromBearer(dataSource: DataSource, issuer: TokenIssuer, bearer: string | undefined): Promise<Principal | undefined> {
  if (!bearer) return undefined;
  const credential = bearer.replace(/^Bearer\s+/i, "").trim();
  if (!credential) return undefined;
  if (credential.startsWith(API_TOKEN_PREFIX)) {
    const token = await dataSource.getRepository(ApiToken).findOne({ where: { tokenHash: hashApiToken(credential) } });
    if (!token || token.revokedAt) throw new QuellError(ErrorCode.Unauthenticated, "This API token is unknown or revoked.");
    return { kind: "token", userId: token.createdById, role: token.role, label: `token:${token.name}`, tokenId: token.id };
  }
  let userId: string;
  try {
    ({ userId } = await issuer.verify(credential));
  } catch {
    throw new QuellError(ErrorCode.Unauthenticated, "Your session token is invalid or has expired; log in again.");
  }
  const user = await dataSource.getRepository(User).findOne({ where: { id: userId } });
  if (!user || !user.active) throw new QuellError(ErrorCode.Unauthenticated, "This account no longer exists or is disabled.");
  return { kind: "user", userId: user.id, role: user.role as Role, label: user.email };
}
