import { describe, expect, it } from "vitest";
import { Argon2Pool } from "./argon2-pool";

describe("Argon2Pool", () => {
  it("never runs more than its bound at once and runs everything queued", async () => {
    const pool = new Argon2Pool(2, 100);
    let now = 0;
    let peak = 0;
    const releases: Array<() => void> = [];
    const jobs = Array.from({ length: 7 }, (_, i) =>
      pool.run(async () => {
        now++;
        peak = Math.max(peak, now);
        await new Promise<void>((resolve) => releases.push(resolve));
        now--;
        return i;
      }),
    );
    while (releases.length < 7) {
      await new Promise((r) => setImmediate(r));
      expect(now).toBeLessThanOrEqual(2);
      releases.splice(0).forEach((release) => release());
      if (releases.length === 0 && now === 0) break;
    }
    expect(await Promise.all(jobs)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(peak).toBe(2);
    expect(pool.active).toBe(0);
  });

  it("answers RATE_LIMITED when the queue is full instead of queueing without end", async () => {
    const pool = new Argon2Pool(1, 1);
    let release!: () => void;
    const first = pool.run(() => new Promise<void>((r) => (release = r)));
    const second = pool.run(async () => "queued");
    await expect(pool.run(async () => "third")).rejects.toMatchObject({ code: "RATE_LIMITED" });
    release();
    await first;
    expect(await second).toBe("queued");
  });
});
