import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IsNull } from "typeorm";
import { startRuntime, type QuellRuntime } from "@quell/api/app";
import { OutboxRelay } from "@quell/api/modules/outbox/outbox.relay";
import { OutboxMessage } from "@quell/api/modules/outbox/outbox.entity";
import { BullMqJobQueue, InProcessJobQueue, QueueName, type JobQueue } from "@quell/api/platform/queue/index";
import { SYSTEM_ACTOR } from "@quell/api/modules/audit/audit.service";
import { dropSchema, testConfig } from "../../api/test/support/harness";
import { OwnRedis, freePort, uniquePrefix, waitFor } from "./support/redis";

async function createIncident(runtime: QuellRuntime, title: string) {
  return runtime.services.incidents.create(SYSTEM_ACTOR, { title, description: "disk full on db-1", impact: 2, urgency: 2 });
}

const pendingRows = (runtime: QuellRuntime) => runtime.dataSource.getRepository(OutboxMessage).find({ where: { dispatchedAt: IsNull() } });

describe("outbox relay", () => {
  const config = testConfig();
  let runtime: QuellRuntime;
  beforeAll(async () => {
    runtime = await startRuntime(config);
  });
  afterAll(async () => {
    await runtime?.close();
    await dropSchema(config);
  });

  it("delivers each committed row once, with the row id as job id, even with two relays polling", async () => {
    const seen: Array<{ incidentId: string; jobId: string }> = [];
    const jobs = new InProcessJobQueue();
    jobs.process(QueueName.Triage, async (p, job) => void seen.push({ incidentId: p.incidentId, jobId: job.id }));
    const relays = [new OutboxRelay(runtime.dataSource, jobs, { intervalMs: 20, batchSize: 3 }), new OutboxRelay(runtime.dataSource, jobs, { intervalMs: 20, batchSize: 3 })];
    const incidents = [];
    for (let i = 0; i < 8; i++) incidents.push(await createIncident(runtime, `Relay incident ${i}`));
    relays.forEach((r) => r.start());
    await waitFor(async () => seen.length >= 8);
    await Promise.all(relays.map((r) => r.stop()));
    expect(seen.map((s) => s.incidentId).sort()).toEqual(incidents.map((i) => i.id).sort());
    const rows = await runtime.dataSource.getRepository(OutboxMessage).find();
    expect(rows.every((r) => r.dispatchedAt !== null)).toBe(true);
    // Creating an incident also queues its notification fan-out; this consumer sees the triage rows.
    expect(new Set(seen.map((s) => s.jobId))).toEqual(new Set(rows.filter((r) => r.queue === QueueName.Triage).map((r) => r.id)));
    await jobs.close();
  });

  it("keeps a row the queue refuses, notes why, and sends it on the next poll", async () => {
    let up = false;
    const delivered: string[] = [];
    const flaky: JobQueue = Object.assign(new InProcessJobQueue(), {
      async enqueue(_q: QueueName, _n: string, payload: { incidentId?: string; id?: string }) {
        if (!up) throw new Error("connect ECONNREFUSED");
        delivered.push(payload.incidentId ?? payload.id ?? "");
      },
    }) as never;
    const relay = new OutboxRelay(runtime.dataSource, flaky);
    const incident = await createIncident(runtime, "Refused at first");
    expect(await relay.relayOnce()).toEqual({ delivered: 0, refused: true });
    // The incident's rows (triage, and the notification fan-out) wait; the one refused says why.
    const pending = await pendingRows(runtime);
    expect(pending.length).toBeGreaterThan(0);
    expect(pending.filter((r) => r.attempts === 1 && r.lastError === "connect ECONNREFUSED")).toHaveLength(1);
    up = true;
    expect(await relay.relayOnce()).toEqual({ delivered: pending.length, refused: false });
    expect(delivered.length).toBe(pending.length);
    expect(new Set(delivered)).toEqual(new Set([incident.id]));
    expect(await pendingRows(runtime)).toEqual([]);
  });
});

describe.runIf(!!process.env.REDIS_URL)("outbox relay with Redis going away", () => {
  const config = testConfig();
  let runtime: QuellRuntime;
  let redis: OwnRedis;
  let jobs: BullMqJobQueue;
  beforeAll(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    runtime = await startRuntime(config);
    jobs = new BullMqJobQueue({ redisUrl: redis.url, prefix: uniquePrefix("relay"), enqueueTimeoutMs: 500 });
  });
  afterAll(async () => {
    await jobs?.close();
    await runtime?.close();
    await redis?.stop();
    await dropSchema(config);
  });

  it("runs the job of an incident created while Redis was down once Redis is back", async () => {
    const processed: string[] = [];
    jobs.process(QueueName.Triage, async (p) => void processed.push(p.incidentId));
    const relay = new OutboxRelay(runtime.dataSource, jobs, { intervalMs: 50, maxBackoffMs: 300 });
    relay.start();
    await redis.stop();
    const incident = await createIncident(runtime, "Created while Redis is down");
    await waitFor(async () => (await pendingRows(runtime)).some((row) => row.lastError));
    expect(processed).toEqual([]);
    await redis.start();
    await waitFor(async () => processed.includes(incident.id), 20_000);
    await relay.stop();
    expect(processed).toEqual([incident.id]);
    expect(await pendingRows(runtime)).toEqual([]);
  });
});
