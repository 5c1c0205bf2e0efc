import { ErrorCode, QuellError } from "../errors";

/**
 * Fixed one-minute windows per caller. Per process: behind several replicas the effective
 * limit is the per-replica limit times the replica count (documented in the README).
 */
export class RateLimiter {
  private windowStartMs = Date.now();
  private readonly counts = new Map<string, number>();

  constructor(private readonly perMinute: number) {}

  check(key: string): void {
    const now = Date.now();
    if (now - this.windowStartMs >= 60_000) {
      this.windowStartMs = now;
      this.counts.clear();
    }
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    if (count > this.perMinute) {
      const retryAfterSeconds = Math.ceil((this.windowStartMs + 60_000 - now) / 1000);
      throw new QuellError(ErrorCode.RateLimited, `Too many requests: at most ${this.perMinute} a minute. Retry in ${retryAfterSeconds} s.`, { retryAfterSeconds });
    }
  }
}
