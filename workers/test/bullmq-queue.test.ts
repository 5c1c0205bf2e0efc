import { afterAll, describe, expect, it } from "vitest";
import { BullMqJobQueue, QueueName, UnrecoverableError } from "@quell/api/platform/queue/index";
import { uniquePrefix, waitFor } from "./support/redis";

const payload = (incidentId: string) => ({ incidentId, reason: "created" as const });

describe.runIf(!!process.env.REDIS_URL)("BullMQ job queue", () => {
  const opened: BullMqJobQueue[] = [];
  const open = () => {
    const q = new BullMqJobQueue({ redisUrl: process.env.REDIS_URL!, prefix: uniquePrefix("bullmq") });
    opened.push(q);
    return q;
  };
  afterAll(async () => {
    await Promise.all(opened.map((q) => q.close()));
  });

  it("retries a failing job with backoff until it succeeds", async () => {
    const jobs = open();
    const attempts: Array<{ attempt: number; at: number }> = [];
    jobs.process(QueueName.Triage, async (_p, job) => {
      attempts.push({ attempt: job.attempt, at: Date.now() });
      if (job.attempt < 3) throw new Error("flaky");
    });
    await jobs.enqueue(QueueName.Triage, "triage", payload("a"));
    await waitFor(async () => attempts.length === 3, 15_000);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    // 1 s then 2 s (exponential), give or take the scheduler's granularity.
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(900);
    expect(attempts[2].at - attempts[1].at).toBeGreaterThanOrEqual(1_800);
  });

  it("drops a duplicate job id, fails bad data at once, and retries a failed job on request", async () => {
    const jobs = open();
    const calls: string[] = [];
    let healthy = false;
    jobs.process(QueueName.Triage, async (p, job) => {
      calls.push(`${p.incidentId}#${job.attempt}`);
      if (!healthy) throw new UnrecoverableError("bad data");
    });
    await jobs.enqueue(QueueName.Triage, "triage", payload("x"), { jobId: "row-1" });
    await jobs.enqueue(QueueName.Triage, "triage", payload("x"), { jobId: "row-1" });
    const failed = await waitFor(async () => {
      const list = await jobs.failedJobs(QueueName.Triage);
      return list.length === 1 && list;
    });
    expect(failed[0]).toMatchObject({ id: "row-1", queue: "triage", attemptsMade: 1, failedReason: "bad data", payload: payload("x") });
    expect(calls).toEqual(["x#1"]);
    healthy = true;
    expect(await jobs.retry(QueueName.Triage, "row-1")).toBe(true);
    await waitFor(async () => calls.length === 2);
    expect(await jobs.failedJobs(QueueName.Triage)).toEqual([]);
    expect(await jobs.retry(QueueName.Triage, "row-1")).toBe(false);
  });
});
