import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startRuntime, type QuellRuntime } from "@quell/api/app";
import { SYSTEM_ACTOR } from "@quell/api/modules/audit/audit.service";
import { dropSchema, testConfig } from "../../api/test/support/harness";
import { seedHistoryAndTrain } from "../../api/test/support/triage-history";
import { startWorkers, type RunningWorkers } from "../src/index";
import { OwnRedis, freePort, uniquePrefix, waitFor } from "./support/redis";

/** The whole path (commit → outbox → relay → BullMQ → triage → suggestions) across a Redis outage. */
describe.runIf(!!process.env.REDIS_URL)("triage while Redis is down", () => {
  let redis: OwnRedis;
  let runtime: QuellRuntime;
  let workers: RunningWorkers;
  let config: ReturnType<typeof testConfig>;

  beforeAll(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    process.env.QUELL_QUEUE_PREFIX = uniquePrefix("redis-down");
    config = testConfig({ redisUrl: redis.url });
    runtime = await startRuntime(config);
    const team = await runtime.services.catalog.createTeam(null, { name: "Outage team" });
    await seedHistoryAndTrain(runtime, [team.id], 15);
    workers = await startWorkers(runtime, { relay: { intervalMs: 50, maxBackoffMs: 300 }, schedules: false });
  });
  afterAll(async () => {
    await workers?.close();
    await runtime?.close();
    await redis?.stop();
    await dropSchema(config);
  });

  const suggestionCount = async (id: string) =>
    ((await runtime.dataSource.query(`SELECT count(*)::int AS n FROM suggestion WHERE incident_id = $1`, [id])) as Array<{ n: number }>)[0].n;

  it("stores the suggestions of an incident created during the outage once Redis is back", async () => {
    expect(workers.jobs.kind).toBe("bullmq");
    await redis.stop();
    const incident = await runtime.services.incidents.create(SYSTEM_ACTOR, { title: "Database replication lag", description: "postgres primary deadlock and timeout", impact: 2, urgency: 2 });
    // The relay tried, Redis refused, the incident's rows (triage and notification fan-out) are still there, the first with the reason.
    await waitFor(async () => {
      const rows = (await runtime.dataSource.query(`SELECT attempts, last_error FROM outbox WHERE (payload->>'incidentId' = $1 OR payload->>'id' = $1) AND dispatched_at IS NULL`, [incident.id])) as Array<{ attempts: number; last_error: string | null }>;
      return rows.some((row) => row.last_error && row.attempts >= 1);
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(await suggestionCount(incident.id)).toBe(0);

    await redis.start();
    await waitFor(async () => (await suggestionCount(incident.id)) > 0, 30_000);
    const rows = (await runtime.dataSource.query(`SELECT kind, value, abstained FROM suggestion WHERE incident_id = $1 AND kind = 'severity'`, [incident.id])) as Array<{ value: string | null; abstained: boolean }>;
    expect(rows).toEqual([{ kind: "severity", value: "SEV1", abstained: false }]);
    const [outbox] = (await runtime.dataSource.query(`SELECT dispatched_at FROM outbox WHERE payload->>'incidentId' = $1`, [incident.id])) as Array<{ dispatched_at: Date | null }>;
    expect(outbox.dispatched_at).not.toBeNull();
  });
});
