import { ErrorCode, QuellError } from "../errors";

/**
 * Bounds how many argon2 computations run at once. Each takes ~20 MB and tens of ms on a libuv
 * thread; unbounded, a burst of logins filled the thread pool and tripled everyone's latency.
 * Callers beyond the bound wait in line; beyond the queue they get RATE_LIMITED at once.
 */
export class Argon2Pool {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly concurrency: number,
    private readonly maxQueue: number,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxQueue) throw new QuellError(ErrorCode.RateLimited, "The server is busy checking passwords; try again in a moment.", { retryAfterSeconds: 1 });
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next in line, so `running` never dips while work is queued.
      if (next) next();
      else this.running--;
    }
  }

  get active(): number {
    return this.running;
  }
}
