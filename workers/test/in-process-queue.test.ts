import { describe, expect, it } from "vitest";
import { InProcessJobQueue, QueueName, UnrecoverableError, backoffDelay } from "@quell/api/platform/queue/index";
import { waitFor } from "./support/redis";

const payload = (incidentId: string) => ({ incidentId, reason: "created" as const });

describe("in-process job queue", () => {
  it("doubles the retry delay each attempt", () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay(1_000, n))).toEqual([1_000, 2_000, 4_000, 8_000]);
  });

  it("refuses a job id with ':' as BullMQ does, so embedded runs catch ids Redis would reject", async () => {
    const jobs = new InProcessJobQueue();
    await expect(jobs.enqueue(QueueName.Triage, "triage", payload("c"), { jobId: "a:b" })).rejects.toThrow(/contains ':'/);
    await expect(jobs.enqueue(QueueName.Triage, "triage", payload("c"), { jobId: "a-b" })).resolves.toBeUndefined();
    await jobs.close();
  });

  it("runs a job that fails twice on its third attempt", async () => {
    const jobs = new InProcessJobQueue({ backoffScale: 0.01 });
    const attempts: number[] = [];
    jobs.process(QueueName.Triage, async (_p, job) => {
      attempts.push(job.attempt);
      if (job.attempt < 3) throw new Error("flaky");
    });
    await jobs.enqueue(QueueName.Triage, "triage", payload("a"));
    await waitFor(async () => attempts.length === 3);
    expect(attempts).toEqual([1, 2, 3]);
    expect(await jobs.failedJobs()).toEqual([]);
    await jobs.close();
  });

  it("fails an UnrecoverableError at once, lists it, and runs it again on retry", async () => {
    const jobs = new InProcessJobQueue({ backoffScale: 0.01 });
    let calls = 0;
    let healthy = false;
    jobs.process(QueueName.Triage, async () => {
      calls++;
      if (!healthy) throw new UnrecoverableError("incident has no text");
    });
    await jobs.enqueue(QueueName.Triage, "triage", payload("b"), { jobId: "job-b" });
    const [failed] = await waitFor(async () => (await jobs.failedJobs()).length === 1 && jobs.failedJobs());
    expect(failed).toMatchObject({ queue: "triage", id: "job-b", attemptsMade: 1, failedReason: "incident has no text" });
    expect(calls).toBe(1);
    healthy = true;
    expect(await jobs.retry(QueueName.Triage, "job-b")).toBe(true);
    await waitFor(async () => calls === 2);
    expect(await jobs.failedJobs()).toEqual([]);
    expect(await jobs.retry(QueueName.Triage, "job-b")).toBe(false);
    await jobs.close();
  });

  it("ignores a second job with the same id and holds jobs until a processor is registered", async () => {
    const jobs = new InProcessJobQueue();
    const seen: string[] = [];
    await jobs.enqueue(QueueName.Triage, "triage", payload("c"), { jobId: "same" });
    await jobs.enqueue(QueueName.Triage, "triage", payload("c"), { jobId: "same" });
    jobs.process(QueueName.Triage, async (p) => void seen.push(p.incidentId));
    await waitFor(async () => seen.length === 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual(["c"]);
    await jobs.close();
  });

  it("respects the concurrency limit", async () => {
    const jobs = new InProcessJobQueue();
    let running = 0;
    let peak = 0;
    let done = 0;
    jobs.process(
      QueueName.Triage,
      async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 20));
        running--;
        done++;
      },
      { concurrency: 2 },
    );
    for (let i = 0; i < 6; i++) await jobs.enqueue(QueueName.Triage, "triage", payload(String(i)));
    await waitFor(async () => done === 6);
    expect(peak).toBe(2);
    await jobs.close();
  });
});
