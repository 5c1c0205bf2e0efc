import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDatabase, openDatabase } from "../../src/platform/database/data-source";
import { seedDemoData } from "../../src/modules/demo/demo.seed";
import { dropSchema, testConfig } from "../support/harness";

/** The demo seed shows event management and service levels on `npm start`: policies, clocks, an integration, alerts, maintenance. */
describe("demo seed: alerts and service levels", () => {
  const config = testConfig();
  const now = new Date("2026-11-28T12:00:00Z");
  let dataSource: Awaited<ReturnType<typeof openDatabase>>;
  beforeAll(async () => {
    dataSource = await openDatabase(config);
    await seedDemoData(dataSource, { incidentCount: 320, now });
  });
  afterAll(async () => {
    await closeDatabase(dataSource);
    await dropSchema(config);
  });

  it("has a policy per priority on an office-hours calendar, and clocks on every open incident of a covered priority", async () => {
    const policies = await dataSource.query(`SELECT p.priority, c.name AS calendar FROM sla_policy p LEFT JOIN sla_calendar c ON c.id = p.calendar_id ORDER BY p.priority`);
    expect(policies).toEqual([
      { priority: 1, calendar: null },
      { priority: 2, calendar: null },
      { priority: 3, calendar: "Berlin office hours" },
      { priority: 4, calendar: "Berlin office hours" },
    ]);
    const [open] = await dataSource.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE EXISTS (SELECT 1 FROM sla_clock c WHERE c.incident_id = i.id))::int AS clocked,
              count(*) FILTER (WHERE i.sla_due_at IS NOT NULL)::int AS due
         FROM incident i WHERE i.stage IN ('identified', 'classified', 'assessed', 'contained', 'eradicated') AND i.priority <= 4`,
    );
    expect(open.n).toBeGreaterThan(0);
    expect(open.clocked).toBe(open.n);
    expect(open.due).toBe(open.n); // every open one has its resolution clock running
    // No clock on incidents that were already resolved before the policies existed.
    const [done] = await dataSource.query(`SELECT count(*)::int AS n FROM sla_clock c JOIN incident i ON i.id = c.incident_id WHERE i.stage IN ('closed', 'cancelled', 'recovered', 'reviewed')`);
    expect(done.n).toBe(0);
    // Breaches recorded where the target passed before now: at the instant it passed.
    const breached = await dataSource.query(`SELECT breached_at, due_at FROM sla_clock WHERE breached_at IS NOT NULL LIMIT 5`);
    for (const b of breached) expect(new Date(b.breached_at) <= now).toBe(true);
  });

  it("has an integration, firing and resolved alerts, one pair correlated into an open incident of its service, and one suppressed by a running maintenance window", async () => {
    const [integration] = await dataSource.query(`SELECT name, enabled FROM alert_integration`);
    expect(integration).toEqual({ name: "Prometheus (production)", enabled: true });
    const alerts = await dataSource.query(
      `SELECT a.status::text AS status, a.suppressed, a.placed_by, a.service_id = i.service_id AS same_service, i.stage::text AS stage
         FROM alert a LEFT JOIN incident i ON i.id = a.incident_id ORDER BY a.last_seen_at DESC`,
    );
    expect(alerts.filter((a: any) => a.status === "firing")).toHaveLength(3);
    expect(alerts.filter((a: any) => a.status === "resolved")).toHaveLength(2);
    const correlated = alerts.filter((a: any) => a.placed_by === "rule");
    expect(correlated).toHaveLength(2);
    for (const c of correlated) expect(c).toMatchObject({ same_service: true, stage: expect.stringMatching(/identified|classified|assessed|contained|eradicated/) });
    expect(alerts.filter((a: any) => a.suppressed)).toHaveLength(1);
    const windows = await dataSource.query(`SELECT name FROM maintenance_window WHERE starts_at <= $1 AND ends_at > $1`, [now]);
    expect(windows.map((w: { name: string }) => w.name)).toEqual(["orders-db replica rebuild"]);
  });
});
