import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { ErrorCode, QuellError } from "../errors";
import { logger } from "../logger";

export interface LoginThrottleOptions {
  /** Failed logins allowed per account within the window. */
  perAccount: number;
  /** Failed logins allowed per client address within the window (password spraying across accounts). */
  perAddress: number;
  windowSeconds: number;
  /** Shared by every API replica when given, so the limit holds across them; else this process only. */
  redis?: Redis;
  keyPrefix: string;
}

/**
 * Login throttling per account and per client address (rate-limiter-flexible). Every attempt takes
 * a point from both before the password is checked, so parallel guesses can't slip past the limit;
 * a successful login gives them back.
 */
export class LoginThrottle {
  private readonly byAccount: RateLimiterAbstract;
  private readonly byAddress: RateLimiterAbstract;

  constructor(options: LoginThrottleOptions) {
    const limiter = (name: string, points: number): RateLimiterAbstract => {
      const common = { keyPrefix: `${options.keyPrefix}:${name}`, points, duration: options.windowSeconds };
      if (!options.redis) return new RateLimiterMemory(common);
      // A Redis outage falls back to this process's own count rather than letting every guess through.
      return new RateLimiterRedis({ ...common, storeClient: options.redis, insuranceLimiter: new RateLimiterMemory(common) });
    };
    this.byAccount = limiter("account", options.perAccount);
    this.byAddress = limiter("address", options.perAddress);
  }

  /** Takes one attempt for this account and address, or throws RATE_LIMITED saying when to try again. */
  async begin(email: string, address: string): Promise<void> {
    const account = email.trim().toLowerCase();
    const results = await Promise.allSettled([this.byAccount.consume(account), this.byAddress.consume(address)]);
    const refused = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (!refused) return;
    if (!(refused.reason instanceof RateLimiterRes)) throw refused.reason;
    const retryAfterSeconds = Math.max(1, Math.ceil(refused.reason.msBeforeNext / 1000));
    logger.warn({ account, address }, "login throttled");
    throw new QuellError(ErrorCode.RateLimited, `Too many failed sign-in attempts; try again in ${retryAfterSeconds} s.`, { retryAfterSeconds });
  }

  /** A successful login clears the account's failures and returns the address's point. */
  async succeeded(email: string, address: string): Promise<void> {
    await Promise.all([this.byAccount.delete(email.trim().toLowerCase()), this.byAddress.reward(address, 1)]);
  }
}
