import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorkers, type RunningWorkers } from "@quell/workers/index";
import { SYSTEM_ACTOR } from "../../src/modules/audit/audit.service";
import { AlertSource } from "../../src/modules/alert/alert.entity";
import { parsePagerDuty } from "../../src/modules/alert/alert.sources";
import { QueueName } from "../../src/platform/queue/queues";
import { codeOf, seedFixture, startTestApi, type Fixture } from "../support/harness";
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
  let f: Fixture;

  beforeAll(async () => {
    process.env.QUELL_QUEUE_PREFIX = `alert-sweep-${randomBytes(4).toString("hex")}`;
    t = await startTestApi({ redisUrl: process.env.REDIS_URL, alertEventSweepMs: 200, alertEventMaxAttempts: MAX_ATTEMPTS });
    const made = await t.api.services.alertAdmin.saveIntegration(SYSTEM_ACTOR, { name: "Sweep", source: AlertSource.pagerduty, serviceLabel: "component", dedupFields: [], enabled: true } as never);
    integration = { id: made.integration.id, source: made.integration.source };
    f = await seedFixture(t.api);
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

  const FIELDS = `id integrationId integrationName source receivedAt alertCount attempts lastError retryAt deadAt deadReason`;
  const admin = async (query: string, variables: Record<string, unknown> = {}) => {
    const res = await t.gql(query, variables, f.tokens.admin);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data!;
  };
  const audited = async (id: string) =>
    (await t.api.dataSource.query(`SELECT action, actor_id, before, after FROM audit_log WHERE entity_type = 'alert_event' AND entity_id = $1 ORDER BY seq`, [id])) as Array<{ action: string; actor_id: string; before: Record<string, unknown>; after: Record<string, unknown> }>;

  it("lists failing events to admins, retries a dead one now, and discards one (both audited)", async () => {
    const dead = await insertEvent("admin-dead-1", [{ ...trigger("admin-poison"), title: null }], { attempts: MAX_ATTEMPTS - 1, retryInSeconds: -1 });
    await waitFor(async () => (await eventRow(dead)).dead_at, 20_000);
    const deferred = await insertEvent("admin-deferred-1", [trigger("admin-later")], { attempts: 2, retryInSeconds: 3600 });
    const applied = await insertEvent("admin-applied-1", [trigger("admin-applied")], null);
    await waitFor(async () => (await eventRow(applied)).processed_at, 20_000);

    const { failingAlertEvents: listed } = await admin(`query { failingAlertEvents { ${FIELDS} } }`);
    const byId = new Map((listed as Array<Record<string, unknown>>).map((e) => [e.id, e]));
    expect(byId.get(dead)).toMatchObject({ integrationName: "Sweep", source: "pagerduty", alertCount: 1, attempts: MAX_ATTEMPTS, retryAt: null, deadReason: "attempts_exhausted" });
    expect(byId.get(dead)!.lastError).toMatch(/title/);
    expect(byId.get(deferred)).toMatchObject({ attempts: 2, deadAt: null, deadReason: null, lastError: "deadlock detected" });
    expect(byId.has(applied)).toBe(false);
    expect((await t.gql(`query { failingAlertEvents { id } }`, {}, f.tokens.agent)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");

    // Retry now: due at once and no longer dead; the sweep tries it, it fails again and is dead again.
    const { retryAlertEvent: retried } = await admin(`mutation($id: ID!) { retryAlertEvent(id: $id) { ${FIELDS} } }`, { id: dead });
    expect(retried).toMatchObject({ id: dead, deadAt: null, deadReason: null, attempts: MAX_ATTEMPTS });
    expect(new Date(retried.retryAt).getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    const again = await waitFor(async () => {
      const r = await eventRow(dead);
      return r.attempts > MAX_ATTEMPTS ? r : null;
    }, 20_000);
    expect(again).toMatchObject({ attempts: MAX_ATTEMPTS + 1, dead_reason: "attempts_exhausted", retry_at: null });
    const [retryAudit] = await audited(dead);
    expect(retryAudit).toMatchObject({ action: "alert_event.retry", actor_id: f.users.admin.id, before: { deadReason: "attempts_exhausted" }, after: { deadAt: null, deadReason: null } });

    // Discard: kept, dead by an admin's hand, never tried again.
    const { discardAlertEvent: discarded } = await admin(`mutation($id: ID!) { discardAlertEvent(id: $id) { ${FIELDS} } }`, { id: deferred });
    expect(discarded).toMatchObject({ id: deferred, retryAt: null, deadReason: "discarded", attempts: 2 });
    expect(discarded.deadAt).not.toBeNull();
    expect(await eventRow(deferred)).toMatchObject({ processed_at: null, dead_reason: "discarded", retry_at: null });
    expect(await audited(deferred)).toMatchObject([{ action: "alert_event.discard", actor_id: f.users.admin.id, before: { deadReason: null }, after: { deadReason: "discarded" } }]);

    // An applied event has nothing to retry or discard; an unknown one does not exist.
    expect(codeOf(await t.gql(`mutation($id: ID!) { discardAlertEvent(id: $id) { id } }`, { id: applied }, f.tokens.admin))).toBe("PRECONDITION_FAILED");
    expect(codeOf(await t.gql(`mutation($id: ID!) { retryAlertEvent(id: $id) { id } }`, { id: "00000000-0000-4000-8000-000000000000" }, f.tokens.admin))).toBe("NOT_FOUND");
    expect(await audited(applied)).toEqual([]);
  });
});
