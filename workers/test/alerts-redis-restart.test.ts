import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApi, type QuellApi } from "@quell/api/app";
import { SYSTEM_ACTOR } from "@quell/api/modules/audit/audit.service";
import { AlertSource } from "@quell/api/modules/alert/alert.entity";
import { QueueName } from "@quell/api/platform/queue/index";
import { dropSchema, testConfig } from "../../api/test/support/harness";
import { startWorkers, type RunningWorkers } from "../src/index";
import { OwnRedis, freePort, uniquePrefix, waitFor } from "./support/redis";

/**
 * Alerts keep flowing while the Redis behind BullMQ and the rate limiter is killed and started
 * again empty (no persistence: every queued job is gone): every accepted event ends up applied,
 * once. Its own redis-server on a spare port, so no other test's Redis is touched.
 */
describe.runIf(!!process.env.DATABASE_URL)("alert ingestion across a Redis restart", () => {
  let redis: OwnRedis;
  let api: QuellApi;
  let workers: RunningWorkers;
  let config: ReturnType<typeof testConfig>;
  let token: string;
  let integrationId: string;

  beforeAll(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    process.env.QUELL_QUEUE_PREFIX = uniquePrefix("alerts-restart");
    config = testConfig({ redisUrl: redis.url, alertRateLimitPrefix: uniquePrefix("alerts-rate") });
    api = await startApi(config);
    const made = await api.services.alertAdmin.saveIntegration(SYSTEM_ACTOR, { name: "Restart", source: AlertSource.pagerduty, serviceLabel: "service", dedupFields: [], enabled: true } as never);
    token = made.token!;
    integrationId = made.integration.id;
    workers = await startWorkers(api, { queues: [QueueName.Alerts], relay: { intervalMs: 50, maxBackoffMs: 300, redeliverAfterMs: 1_500, sweepIntervalMs: 300 }, schedules: false });
  });
  afterAll(async () => {
    await workers?.close();
    await api?.close();
    await redis?.stop();
    await dropSchema(config);
  });

  it("loses no accepted alert when Redis restarts in the middle of ingestion", async () => {
    expect(workers.jobs.kind).toBe("bullmq");
    const total = 240;
    const statuses: number[] = [];
    let sent = 0;
    const sendOne = async (i: number) => {
      const res = await fetch(`${api.http.url}/hooks/pagerduty`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ event_action: "trigger", dedup_key: `restart-${i % 40}`, payload: { summary: `Restart ${i % 40}`, source: "h", severity: "error", custom_details: { i } } }),
      });
      statuses.push(res.status);
    };
    const sender = (async () => {
      await Promise.all(
        Array.from({ length: 6 }, async () => {
          for (;;) {
            const i = sent++;
            if (i >= total) return;
            await sendOne(i);
            await new Promise((r) => setTimeout(r, 5));
          }
        }),
      );
    })();
    await waitFor(async () => statuses.length >= 80, 20_000, 10);
    await redis.stop();
    await new Promise((r) => setTimeout(r, 800));
    await redis.start();
    await sender;

    const accepted = statuses.filter((s) => s === 202).length;
    expect(accepted).toBe(total);
    await waitFor(async () => {
      const [{ n }] = await api.dataSource.query(`SELECT count(*)::int AS n FROM alert_event WHERE integration_id = $1 AND processed_at IS NULL`, [integrationId]);
      return n === 0;
    }, 45_000);
    const [{ events }] = await api.dataSource.query(`SELECT count(*)::int AS events FROM alert_event WHERE integration_id = $1`, [integrationId]);
    const [{ alerts, counted }] = await api.dataSource.query(`SELECT count(*)::int AS alerts, sum(count)::int AS counted FROM alert WHERE integration_id = $1`, [integrationId]);
    expect(events).toBe(total);
    expect(alerts).toBe(40);
    // Every accepted event applied exactly once: the counts add up to what was sent.
    expect(counted).toBe(total);

    // The worker's blocking connection still takes new jobs once everything has drained (the
    // BullMQ worker that silently stops after a reconnect, taskforcesh/bullmq#4585 family): with
    // no schedules running, only a job taken from Redis can apply these events.
    for (let round = 0; round < 2; round++) {
      await new Promise((r) => setTimeout(r, 2_000));
      await sendOne(total + round);
      await waitFor(async () => {
        const [{ n }] = await api.dataSource.query(`SELECT count(*)::int AS n FROM alert_event WHERE integration_id = $1 AND processed_at IS NULL`, [integrationId]);
        return n === 0;
      }, 15_000);
    }
    const [{ after }] = await api.dataSource.query(`SELECT sum(count)::int AS after FROM alert WHERE integration_id = $1`, [integrationId]);
    expect(after).toBe(total + 2);
  });
});
