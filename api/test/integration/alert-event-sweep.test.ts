import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorkers, type RunningWorkers } from "@quell/workers/index";
import { SYSTEM_ACTOR } from "../../src/modules/audit/audit.service";
import { AlertSource } from "../../src/modules/alert/alert.entity";
import { parsePagerDuty } from "../../src/modules/alert/alert.sources";
import { QueueName } from "../../src/platform/queue/queues";
import { startTestApi } from "../support/harness";
import { waitFor } from "../support/wait";

type Api = Awaited<ReturnType<typeof startTestApi>>;
const MAX_ATTEMPTS = 3;

interface EventRow {
  attempts: number;
  retry_at: Date | null;
  processed_at: Date | null;
  dead_at: Date | null;
  dead_reason: string | null;
  last_error: string | null;
}

/**
 * The alert event sweep on real PostgreSQL and Redis (BullMQ): the repeatable job, registered the way
 * startWorkers registers every schedule, retries put-off events whose time has come with no new event
 * to start a drain, and gives up on an event (kept, marked dead) after the configured attempts. No
 * outbox relay runs, so nothing but the sweep drains events here.
 */
describe("alert event sweep", () => {
  let t: Api;
  let workers: RunningWorkers;
  let integration: { id: string; source: AlertSource };

  beforeAll(async () => {
    process.env.QUELL_QUEUE_PREFIX = `alert-sweep-${randomBytes(4).toString("hex")}`;
    t = await startTestApi({ redisUrl: process.env.REDIS_URL, alertEventSweepMs: 200, alertEventMaxAttempts: MAX_ATTEMPTS });
    const made = await t.api.services.alertAdmin.saveIntegration(SYSTEM_ACTOR, { name: "Sweep", source: AlertSource.pagerduty, serviceLabel: "component", dedupFields: [], enabled: true } as never);
    integration = { id: made.integration.id, source: made.integration.source };
    workers = await startWorkers(t.api, { queues: [QueueName.Alerts], relay: false, schedules: ["alert-event-sweep"] });
  });
  afterAll(async () => {
    await workers?.close();
    await t?.stop();
    delete process.env.QUELL_QUEUE_PREFIX;
  });

  const trigger = (dedup: string) =>
    parsePagerDuty({ routing_key: "x", event_action: "trigger", dedup_key: dedup, payload: { summary: `Sweep ${dedup}`, source: "h", severity: "error", component: "sweep" } }, new Date()).alert;
  const eventRow = async (id: string) => ((await t.api.dataSource.query(`SELECT attempts, retry_at, processed_at, dead_at, dead_reason, last_error FROM alert_event WHERE id = $1`, [id])) as EventRow[])[0]!;
  const insertEvent = async (key: string, alerts: unknown[], deferred: { attempts: number; retryInSeconds: number } | null) =>
    ((await t.api.dataSource.query(
      `INSERT INTO alert_event (integration_id, idempotency_key, alerts, attempts, retry_at, last_error)
       VALUES ($1, $2, $3::jsonb, $4, CASE WHEN $5::int IS NULL THEN NULL ELSE now() + $5::int * interval '1 second' END, $6) RETURNING id`,
      [integration.id, key, JSON.stringify(alerts), deferred?.attempts ?? 0, deferred?.retryInSeconds ?? null, deferred ? "deadlock detected" : null],
    )) as Array<{ id: string }>)[0]!.id;

  it("applies a put-off event once its retry time has passed, with no new event arriving, and leaves one not yet due", async () => {
    const due = await insertEvent("due-1", [trigger("sweep-due")], { attempts: 1, retryInSeconds: -1 });
    const later = await insertEvent("later-1", [trigger("sweep-later")], { attempts: 1, retryInSeconds: 3600 });
    const applied = await waitFor(async () => {
      const row = await eventRow(due);
      return row.processed_at ? row : null;
    }, 20_000);
    expect(applied.dead_at).toBeNull();
    const [alert] = (await t.api.dataSource.query(`SELECT count, status FROM alert WHERE integration_id = $1 AND title = 'Sweep sweep-due'`, [integration.id])) as Array<{ count: number; status: string }>;
    expect(alert).toMatchObject({ count: 1, status: "firing" });
    // The sweep that applied it saw the other one and left it for its time.
    expect(await eventRow(later)).toMatchObject({ processed_at: null, attempts: 1, dead_at: null });
    await t.api.dataSource.query(`DELETE FROM alert_event WHERE id = $1`, [later]);
  });

  it("gives up on an event after the configured attempts: kept, marked dead, never claimed again", async () => {
    // An event whose alert has no title: the alert row refuses it, every time.
    const poison = await insertEvent("poison-1", [{ ...trigger("sweep-poison"), title: null }], null);
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const row = await waitFor(async () => {
        const r = await eventRow(poison);
        return r.attempts >= attempt ? r : null;
      }, 20_000);
      expect(row.attempts).toBe(attempt);
      expect(row.last_error).toMatch(/title/);
      if (attempt < MAX_ATTEMPTS) {
        expect(row).toMatchObject({ dead_at: null, processed_at: null });
        expect(row.retry_at!.getTime()).toBeGreaterThan(Date.now());
        // Its time has come (instead of waiting 30 s, then a minute).
        await t.api.dataSource.query(`UPDATE alert_event SET retry_at = now() - interval '1 second' WHERE id = $1`, [poison]);
      }
    }
    const dead = await eventRow(poison);
    expect(dead).toMatchObject({ attempts: MAX_ATTEMPTS, retry_at: null, processed_at: null, dead_reason: "attempts_exhausted" });
    expect(dead.dead_at).not.toBeNull();

    // Even with a retry time in the past, a dead event is not claimed: a later event is applied by a
    // later sweep, and the dead one still has the attempts it had.
    await t.api.dataSource.query(`UPDATE alert_event SET retry_at = now() - interval '1 second' WHERE id = $1`, [poison]);
    const after = await insertEvent("after-dead-1", [trigger("sweep-after-dead")], null);
    await waitFor(async () => (await eventRow(after)).processed_at, 20_000);
    expect(await eventRow(poison)).toMatchObject({ attempts: MAX_ATTEMPTS, processed_at: null, dead_reason: "attempts_exhausted" });
  });
});
