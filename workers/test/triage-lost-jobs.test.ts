import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, startRuntime, type QuellApi, type QuellRuntime } from "@quell/api/app";
import { SYSTEM_ACTOR } from "@quell/api/modules/audit/audit.service";
import { OutboxRelay } from "@quell/api/modules/outbox/outbox.relay";
import { QueueName, redisConnection } from "@quell/api/platform/queue/index";
import { dropSchema, testConfig } from "../../api/test/support/harness";
import { startWorkers, type RunningWorkers } from "../src/index";
import { OwnRedis, freePort, uniquePrefix, waitFor } from "./support/redis";

type OutboxState = { dispatched_at: Date | null; completed_at: Date | null; attempts: number; last_error: string | null };
const outboxOf = async (runtime: QuellRuntime, incidentId: string) =>
  ((await runtime.dataSource.query(`SELECT dispatched_at, completed_at, attempts, last_error FROM outbox WHERE payload->>'incidentId' = $1`, [incidentId])) as OutboxState[])[0];
const suggestionCount = async (runtime: QuellRuntime, incidentId: string) =>
  ((await runtime.dataSource.query(`SELECT count(*)::int AS n FROM suggestion WHERE incident_id = $1`, [incidentId])) as Array<{ n: number }>)[0].n;

/** Redis lost its queued jobs (a flush, a failover without persistence): the outbox still knows. */
describe.runIf(!!process.env.REDIS_URL)("triage jobs lost by Redis", () => {
  const prefix = uniquePrefix("lost-jobs");
  let runtime: QuellRuntime;
  let workers: RunningWorkers | undefined;
  let config: ReturnType<typeof testConfig>;

  beforeAll(async () => {
    process.env.QUELL_QUEUE_PREFIX = prefix;
    config = testConfig({ redisUrl: process.env.REDIS_URL });
    runtime = await startRuntime(config);
  });
  afterAll(async () => {
    await workers?.close();
    const queue = new Queue(QueueName.Triage, { connection: redisConnection(process.env.REDIS_URL!), prefix });
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await runtime?.close();
    await dropSchema(config);
  });

  it("marks a row done only when its job completed, and hands over again what Redis lost", async () => {
    expect(runtime.services.jobs.kind).toBe("bullmq");
    const incident = await runtime.services.incidents.create(SYSTEM_ACTOR, { title: "Lost in a Redis flush", description: "queue wiped", impact: 2, urgency: 2 });
    // A relay with no worker consuming yet: the job waits in Redis.
    const relay = new OutboxRelay(runtime.dataSource, runtime.services.jobs, { intervalMs: 50 });
    expect((await relay.relayOnce()).delivered).toBeGreaterThanOrEqual(1);
    const handedOver = await outboxOf(runtime, incident.id);
    expect(handedOver.dispatched_at).not.toBeNull();
    expect(handedOver.completed_at).toBeNull();

    // Redis loses every queued job.
    const queue = new Queue(QueueName.Triage, { connection: redisConnection(process.env.REDIS_URL!), prefix });
    await queue.obliterate({ force: true });
    expect(await queue.count()).toBe(0);
    await queue.close();

    // Workers start; the sweep finds the row whose job never completed and hands it over again.
    workers = await startWorkers(runtime, { queues: [QueueName.Triage], relay: { intervalMs: 50, sweepIntervalMs: 100, redeliverAfterMs: 300 }, schedules: false });
    await waitFor(async () => (await suggestionCount(runtime, incident.id)) > 0, 30_000);
    const done = await waitFor(async () => {
      const row = await outboxOf(runtime, incident.id);
      return row.completed_at && row;
    });
    expect(done.attempts).toBeGreaterThanOrEqual(2);
    expect(done.last_error).toBeNull();
  });
});

describe.runIf(!!process.env.REDIS_URL)("/readyz with Redis configured", () => {
  let redis: OwnRedis;
  let api: QuellApi;
  let config: ReturnType<typeof testConfig>;
  beforeAll(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    process.env.QUELL_QUEUE_PREFIX = uniquePrefix("readyz");
    config = testConfig({ redisUrl: redis.url });
    api = await startApi(config);
  });
  afterAll(async () => {
    await api?.close();
    await redis?.stop();
    await dropSchema(config);
  });

  const readyz = async () => {
    const res = await fetch(`${api.http.url}/readyz`);
    return { status: res.status, body: (await res.json()) as Record<string, string> };
  };

  it("reports Redis, and answers 503 while it is unreachable", async () => {
    expect(await readyz()).toEqual({ status: 200, body: { status: "ready", database: "ok", redis: "ok" } });
    await redis.stop();
    expect(await readyz()).toEqual({ status: 503, body: { status: "unavailable", database: "ok", redis: "unreachable" } });
    await redis.start();
    await waitFor(async () => (await readyz()).status === 200, 15_000);
  });
});
