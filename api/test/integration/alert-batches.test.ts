import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SYSTEM_ACTOR } from "../../src/modules/audit/audit.service";
import { AlertSource } from "../../src/modules/alert/alert.entity";
import { parsePagerDuty } from "../../src/modules/alert/alert.sources";
import { Criticality, ServiceKind } from "../../src/modules/catalog/catalog.entity";
import { seedFixture, startTestApi } from "../support/harness";

type Api = Awaited<ReturnType<typeof startTestApi>>;

/**
 * Correlation in batches: two workers draining the same pending events side by side (no queue
 * workers here, so nothing else applies them) must count every event once, keep one alert per
 * fingerprint, and open one incident per correlation group.
 */
describe("alert correlation in batches", () => {
  let t: Api;
  let integration: { id: string; source: AlertSource };

  beforeAll(async () => {
    t = await startTestApi();
    const fx = await seedFixture(t.api);
    for (const name of ["batch-alpha", "batch-beta"]) {
      await t.api.services.catalog.createService(null, { name, kind: ServiceKind.configuration_item, criticality: Criticality.medium, ownerTeamId: fx.team.id });
    }
    const made = await t.api.services.alertAdmin.saveIntegration(SYSTEM_ACTOR, { name: "Batches", source: AlertSource.pagerduty, serviceLabel: "component", dedupFields: [], enabled: true } as never);
    integration = { id: made.integration.id, source: made.integration.source };
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("gives exact counts and one alert per fingerprint when two batch workers drain many events for a few fingerprints", async () => {
    // 4 fingerprints on 2 services, 90 triggers each, interleaved so every batch holds repeats of all of them.
    const fingerprints = [
      { dedup: "batch-a1", component: "batch-alpha" },
      { dedup: "batch-a2", component: "batch-alpha" },
      { dedup: "batch-b1", component: "batch-beta" },
      { dedup: "batch-b2", component: "batch-beta" },
    ];
    const perFingerprint = 90;
    const stores = [];
    for (let i = 0; i < perFingerprint * fingerprints.length; i++) {
      const { dedup, component } = fingerprints[i % fingerprints.length];
      const body = { routing_key: "x", event_action: "trigger", dedup_key: dedup, payload: { summary: `Batch ${dedup}`, source: "h", severity: "error", component, custom_details: { i } } };
      stores.push(t.api.services.alertIngestion.store(integration, [parsePagerDuty(body, new Date()).alert], `batch-${i}`));
    }
    await Promise.all(stores);
    const pending = async () => ((await t.api.dataSource.query(`SELECT count(*)::int AS n FROM alert_event WHERE integration_id = $1 AND processed_at IS NULL`, [integration.id])) as Array<{ n: number }>)[0].n;
    expect(await pending()).toBe(perFingerprint * fingerprints.length);

    // Small batches, so the two workers interleave many times over the same fingerprints.
    const alerts = t.api.services.alerts;
    const [first, second] = await Promise.all([alerts.drainPendingEvents(17), alerts.drainPendingEvents(23)]);
    expect(first + second).toBe(perFingerprint * fingerprints.length);
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(0);
    expect(await pending()).toBe(0);

    const rows = (await t.api.dataSource.query(`SELECT fingerprint, count, status, incident_id FROM alert WHERE integration_id = $1 ORDER BY fingerprint`, [integration.id])) as Array<{ fingerprint: string; count: number; status: string; incident_id: string | null }>;
    expect(rows).toHaveLength(fingerprints.length);
    expect(new Set(rows.map((r) => r.fingerprint)).size).toBe(fingerprints.length);
    for (const row of rows) {
      expect(row.count).toBe(perFingerprint);
      expect(row.status).toBe("firing");
      expect(row.incident_id).not.toBeNull();
    }
    // The default rule groups by service: one incident per service, however the batches fell.
    expect(new Set(rows.map((r) => r.incident_id)).size).toBe(2);

    // A drain run again (a retried job) finds nothing to apply and counts nothing twice.
    expect(await alerts.drainPendingEvents(17)).toBe(0);
    const [{ total }] = (await t.api.dataSource.query(`SELECT sum(count)::int AS total FROM alert WHERE integration_id = $1`, [integration.id])) as Array<{ total: number }>;
    expect(total).toBe(perFingerprint * fingerprints.length);
  });

  it("puts off an event that cannot be applied, so later drains apply new events in whole batches without it", async () => {
    const trigger = (dedup: string, i: number) =>
      parsePagerDuty({ routing_key: "x", event_action: "trigger", dedup_key: dedup, payload: { summary: `Poison ${dedup}`, source: "h", severity: "error", component: "batch-alpha", custom_details: { i } } }, new Date()).alert;
    // An event whose alert has no title: the alert row refuses it, every time.
    const [{ id: poison }] = (await t.api.dataSource.query(
      `INSERT INTO alert_event (integration_id, idempotency_key, alerts) VALUES ($1, 'poison-1', $2::jsonb) RETURNING id`,
      [integration.id, JSON.stringify([{ ...trigger("poison", 0), title: null }])],
    )) as Array<{ id: string }>;
    try {
      await t.api.services.alertIngestion.store(integration, [trigger("after-poison-1", 1)], "after-poison-1");
      const alerts = t.api.services.alerts;
      // The first drain finds it, applies the good event around it, and reports the failure.
      await expect(alerts.drainPendingEvents(50)).rejects.toThrow();
      const [first] = (await t.api.dataSource.query(`SELECT attempts, retry_at > now() AS later, last_error, processed_at FROM alert_event WHERE id = $1`, [poison])) as Array<{ attempts: number; later: boolean; last_error: string; processed_at: Date | null }>;
      expect(first).toMatchObject({ attempts: 1, later: true, processed_at: null });
      expect(first!.last_error).toMatch(/title/);

      // Until its retry time, drains no longer trip over it: new events go through and nothing is thrown.
      for (let i = 2; i <= 4; i++) await t.api.services.alertIngestion.store(integration, [trigger(`after-poison-${i}`, i)], `after-poison-${i}`);
      expect(await alerts.drainPendingEvents(50)).toBe(3);
      const [second] = (await t.api.dataSource.query(`SELECT attempts FROM alert_event WHERE id = $1`, [poison])) as Array<{ attempts: number }>;
      expect(second!.attempts).toBe(1);
      const applied = (await t.api.dataSource.query(`SELECT count(*)::int AS n FROM alert WHERE integration_id = $1 AND fingerprint IN (SELECT fingerprint FROM alert WHERE title LIKE 'Poison after-poison-%')`, [integration.id])) as Array<{ n: number }>;
      expect(applied[0]!.n).toBe(4);
    } finally {
      // Other tests on this database drain every integration's events: take the poison away.
      await t.api.dataSource.query(`DELETE FROM alert_event WHERE id = $1`, [poison]);
    }
  });
});
