import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import type { DataSource } from "typeorm";
import { AlertIngestion, IngestError } from "../../src/modules/alert/alert.ingest";

/**
 * The per-integration rate is counted in Redis, shared by every API replica; each replica takes its
 * points a lease at a time (one round trip per lease, not per event). Two ingestion instances on one
 * Redis stand for two replicas; admission needs no database.
 */
describe.runIf(!!process.env.REDIS_URL)("alert rate limit leases shared across replicas (Redis)", () => {
  const redis = new Redis(process.env.REDIS_URL!);
  afterAll(() => redis.quit());
  const noDatabase = null as unknown as DataSource;

  const outcome = (admission: Promise<void>) =>
    admission.then(
      () => "admitted" as const,
      (error: unknown) => (error instanceof IngestError && error.status === 429 && error.code === "RATE_LIMITED" && (error.retryAfterSeconds ?? 0) >= 1 ? ("refused" as const) : error),
    );

  it("counts a lease in the shared window before using it, so two replicas together never pass the limit", async () => {
    const keyPrefix = `quell-test:${randomBytes(4).toString("hex")}:alert-rate`;
    const integrationId = "integration-1";
    const replica = () => new AlertIngestion(noDatabase, { perSecond: 10, leasePoints: 4, keyPrefix, redis });
    const [a, b] = [replica(), replica()];
    const shared = async () => Number(await redis.get(`${keyPrefix}:${integrationId}`));

    expect(await outcome(a.admit(integrationId))).toBe("admitted");
    // The event and A's lease of 4 are both counted already.
    expect(await shared()).toBe(5);
    for (let i = 0; i < 4; i++) expect(await outcome(a.admit(integrationId))).toBe("admitted");
    // Served from the lease: nothing more counted.
    expect(await shared()).toBe(5);

    const results: string[] = [];
    for (let i = 0; i < 16; i++) results.push(String(await outcome((i % 2 ? a : b).admit(integrationId))));
    // B takes 1 + a lease of 4 (the shared count reaches 10); A, its lease spent, finds the window full.
    expect(await shared()).toBeGreaterThanOrEqual(10);
    expect(results.filter((r, i) => r === "admitted" && i % 2 === 0)).toHaveLength(5);
    expect(results.filter((r, i) => r === "admitted" && i % 2 === 1)).toHaveLength(0);
    // Both replicas together: exactly the limit.
    expect(5 + results.filter((r) => r === "admitted").length).toBe(10);
    expect(results.every((r) => r === "admitted" || r === "refused")).toBe(true);
  });

  it("refuses exactly the events past the limit in one burst, and keeps no lease past it", async () => {
    const keyPrefix = `quell-test:${randomBytes(4).toString("hex")}:alert-rate`;
    const ingestion = new AlertIngestion(noDatabase, { perSecond: 10, leasePoints: 4, keyPrefix, redis });
    // One event-loop turn: counted with one call asking for 12 + 4.
    const burst = await Promise.all(Array.from({ length: 12 }, () => outcome(ingestion.admit("integration-2"))));
    expect(burst.slice(0, 10)).toEqual(Array(10).fill("admitted"));
    expect(burst.slice(10)).toEqual(["refused", "refused"]);
    expect(await outcome(ingestion.admit("integration-2"))).toBe("refused");
  });

  it("keeps the points of counts that overlap: a replica admits the whole limit when batches are counted at once", async () => {
    const keyPrefix = `quell-test:${randomBytes(4).toString("hex")}:alert-rate`;
    const ingestion = new AlertIngestion(noDatabase, { perSecond: 20, leasePoints: 4, keyPrefix, redis });
    // Batch A is on its way to Redis (its count started on the next turn) when batch B starts.
    const first = outcome(ingestion.admit("integration-3"));
    await new Promise((resolve) => setImmediate(resolve));
    const second = outcome(ingestion.admit("integration-3"));
    expect([await first, await second]).toEqual(["admitted", "admitted"]);
    const rest: string[] = [];
    for (let i = 0; i < 30; i++) rest.push(String(await outcome(ingestion.admit("integration-3"))));
    // Every point counted in the window is used: exactly the limit admitted, none lost with a replaced lease.
    expect(2 + rest.filter((r) => r === "admitted").length).toBe(20);
    expect(rest.every((r) => r === "admitted" || r === "refused")).toBe(true);
  });
});
