import { connect } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorkers, type RunningWorkers } from "@quell/workers/index";
import { Criticality, ServiceKind, type Service } from "../../src/modules/catalog/catalog.entity";
import { parsePagerDuty } from "../../src/modules/alert/alert.sources";
import { QueueName } from "../../src/platform/queue/queues";
import { ALERTMANAGER_EXAMPLE, PAGERDUTY_EXAMPLE } from "../support/alert-payloads";
import { codeOf, seedFixture, startTestApi, type Fixture } from "../support/harness";
import { waitFor } from "../support/wait";

type Api = Awaited<ReturnType<typeof startTestApi>>;

const INTEGRATION = `mutation($input: AlertIntegrationInput!) { saveAlertIntegration(input: $input) { token integration { id version name source tokenPrefix } } }`;
const ALERTS = `query($filter: AlertFilter, $first: Int, $after: String) { alerts(filter: $filter, first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { node { id version title status count firstSeenAt lastSeenAt severity source suppressed suppressedReason flapping placedBy integrationName service { name } incident { id number stage severity } } } } }`;

async function post(url: string, path: string, body: unknown, token?: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any>, retryAfter: res.headers.get("retry-after") };
}

describe("alert ingestion, deduplication and correlation", () => {
  let t: Api;
  let fx: Fixture;
  let workers: RunningWorkers;
  let url: string;
  const tokens: Record<string, string> = {};
  const services: Record<string, Service> = {};

  const count = async (sql: string, params: unknown[] = []) => ((await t.api.dataSource.query(sql, params)) as Array<{ n: number }>)[0].n;
  const settled = () => waitFor(async () => (await count(`SELECT count(*)::int AS n FROM alert_event WHERE processed_at IS NULL`)) === 0 && (await count(`SELECT count(*)::int AS n FROM outbox WHERE queue = 'alerts' AND completed_at IS NULL`)) === 0);
  const alertsWhere = async (filter: Record<string, unknown>) => (await t.gql(ALERTS, { filter, first: 50 }, fx.tokens.agent)).data!.alerts;
  const pd = (dedup: string, summary: string, component: string, severity = "error") => ({
    routing_key: tokens.pagerduty,
    event_action: "trigger",
    dedup_key: dedup,
    payload: { summary, source: "host-1", severity, component, timestamp: new Date().toISOString() },
  });
  const send = async (body: unknown, path = "/hooks/pagerduty") => {
    const res = await post(url, path, body, path === "/hooks/pagerduty" ? undefined : tokens[path.split("/")[2]]);
    expect(res.status).toBe(202);
    await settled();
    return res.body;
  };

  beforeAll(async () => {
    t = await startTestApi({ alertFlapThreshold: 3 });
    fx = await seedFixture(t.api);
    url = t.api.http.url;
    for (const name of ["payments", "search", "ledger", "replica", "quiet", "deploying", "manual"]) {
      services[name] = await t.api.services.catalog.createService(null, { name, kind: ServiceKind.configuration_item, criticality: Criticality.medium, ownerTeamId: fx.team.id });
    }
    const make = async (input: Record<string, unknown>) => {
      const res = await t.gql<any>(INTEGRATION, { input }, fx.tokens.admin);
      expect(res.errors).toBeUndefined();
      return res.data.saveAlertIntegration;
    };
    tokens.alertmanager = (await make({ name: "Prometheus", source: "alertmanager", serviceId: fx.service.id })).token;
    tokens.pagerduty = (await make({ name: "PagerDuty", source: "pagerduty", serviceLabel: "component" })).token;
    tokens.generic = (await make({ name: "Nagios", source: "generic", fieldMapping: { title: "check", status: "state", severity: "level", dedupKey: "id", service: "app" } })).token;
    workers = await startWorkers(t.api, { queues: [QueueName.Alerts], relay: { intervalMs: 20 }, schedules: false });
  });
  afterAll(async () => {
    await workers?.close();
    await t?.stop();
  });

  it("accepts the documented Alertmanager example as-is and opens one incident for the group", async () => {
    const res = await post(url, "/hooks/alertmanager", ALERTMANAGER_EXAMPLE, tokens.alertmanager);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: "accepted", duplicate: false, alerts: 2 });
    expect(res.body.eventId).toMatch(/^[0-9a-f-]{36}$/);
    await settled();
    const page = await alertsWhere({ source: "alertmanager" });
    expect(page.totalCount).toBe(2);
    const [a, b] = page.edges.map((e: any) => e.node);
    expect(a.incident).not.toBeNull();
    expect(a.incident.id).toBe(b.incident.id);
    expect(a.incident.severity).toBe("SEV1");
    expect(a).toMatchObject({ status: "firing", count: 1, severity: "SEV1", placedBy: "rule", integrationName: "Prometheus", service: { name: fx.service.name } });
    const origin = await t.gql<any>(`query($id: ID!) { incident(id: $id) { alertOrigin { alertId ruleId recoverWhenResolved } alerts { id } } }`, { id: a.incident.id }, fx.tokens.agent);
    expect(origin.data.incident.alertOrigin.recoverWhenResolved).toBe(true);
    expect(origin.data.incident.alerts).toHaveLength(2);
  });

  it("accepts the documented PagerDuty example as-is (token in the header) and answers like PagerDuty", async () => {
    const res = await post(url, "/hooks/pagerduty", PAGERDUTY_EXAMPLE, tokens.pagerduty);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: "accepted", message: "Event processed", dedup_key: "srv01/mysql" });
    await settled();
    const [row] = await t.api.dataSource.query(`SELECT title, severity, labels, count FROM alert WHERE title LIKE 'DISK at 99%%'`);
    expect(row).toMatchObject({ severity: "SEV1", count: 1, labels: { component: "mysql", group: "prod-datapipe", class: "disk", source: "prod-datapipe03.example.com" } });
  });

  it("stores the same delivery once (idempotent) and answers with the first event's id", async () => {
    const body = pd("idem-1", "Idempotent alert", "payments");
    const first = await post(url, "/hooks/pagerduty", body);
    const second = await post(url, "/hooks/pagerduty", body);
    expect(second.status).toBe(202);
    expect(second.body).toMatchObject({ eventId: first.body.eventId, duplicate: true });
    await settled();
    expect(await count(`SELECT count(*)::int AS n FROM alert_event WHERE id = $1`, [first.body.eventId])).toBe(1);
    expect(await count(`SELECT count::int AS n FROM alert WHERE title = 'Idempotent alert'`)).toBe(1);
    // An Idempotency-Key header names the delivery instead of its bytes.
    const a = await post(url, "/hooks/pagerduty", pd("idem-2", "Keyed", "payments"), undefined, { "idempotency-key": "delivery-77" });
    const b = await post(url, "/hooks/pagerduty", pd("idem-2", "Keyed again", "payments"), undefined, { "idempotency-key": "delivery-77" });
    expect(b.body).toMatchObject({ eventId: a.body.eventId, duplicate: true });
  });

  it("stores once a delivery repeated at the same moment (one group commit), among distinct events stored each", async () => {
    const repeated = pd("idem-burst", "Burst repeat", "payments");
    const results = await Promise.all([
      ...Array.from({ length: 5 }, () => post(url, "/hooks/pagerduty", repeated)),
      ...Array.from({ length: 5 }, (_, i) => post(url, "/hooks/pagerduty", pd(`idem-burst-${i}`, `Burst distinct ${i}`, "payments"))),
    ]);
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(202));
    const repeats = results.slice(0, 5);
    expect(new Set(repeats.map((r) => r.body.eventId)).size).toBe(1);
    expect(repeats.filter((r) => r.body.duplicate === false)).toHaveLength(1);
    const distinct = results.slice(5);
    expect(new Set(distinct.map((r) => r.body.eventId)).size).toBe(5);
    expect(distinct.every((r) => r.body.duplicate === false)).toBe(true);
    const ids = results.map((r) => r.body.eventId as string);
    expect(await count(`SELECT count(*)::int AS n FROM alert_event WHERE id = ANY($1::uuid[])`, [ids])).toBe(6);
    // Each stored event is named by exactly one correlation job (one per group commit), committed with it.
    expect(await count(`SELECT count(*)::int AS n FROM outbox o, jsonb_array_elements_text(o.payload->'eventIds') AS e(id) WHERE o.queue = 'alerts' AND e.id = ANY($1::text[])`, [ids])).toBe(6);
    expect(await count(`SELECT count(DISTINCT e.id)::int AS n FROM outbox o, jsonb_array_elements_text(o.payload->'eventIds') AS e(id) WHERE o.queue = 'alerts' AND e.id = ANY($1::text[])`, [ids])).toBe(6);
    await settled();
    expect(await count(`SELECT count::int AS n FROM alert WHERE title = 'Burst repeat'`)).toBe(1);
  });

  it("refuses only the event a group commit could not store, storing the rest of its batch", async () => {
    const [integration] = (await t.api.dataSource.query(`SELECT id, source FROM alert_integration WHERE source = 'pagerduty' LIMIT 1`)) as Array<{ id: string; source: any }>;
    const alerts = parsePagerDuty(pd("batch-ok", "Batch survivor", "payments"), new Date()).alert;
    const ingestion = t.api.services.alertIngestion;
    const commitsBefore = ingestion.commitStats.commits;
    // Handed over in one turn, so they share a batch; the second names an integration that does not exist.
    const [ok, orphan] = await Promise.allSettled([
      ingestion.store(integration, [alerts], "batch-ok"),
      ingestion.store({ id: "00000000-0000-4000-8000-000000000000", source: integration.source }, [alerts], "batch-orphan"),
    ]);
    expect(ok.status).toBe("fulfilled");
    expect(orphan.status).toBe("rejected");
    expect(ingestion.commitStats.commits).toBeGreaterThan(commitsBefore);
    const stored = (ok as PromiseFulfilledResult<{ eventId: string }>).value.eventId;
    expect(await count(`SELECT count(*)::int AS n FROM alert_event WHERE id = $1`, [stored])).toBe(1);
    expect(await count(`SELECT count(*)::int AS n FROM alert_event WHERE integration_id = '00000000-0000-4000-8000-000000000000'`)).toBe(0);
    await settled();
  });

  it("answers a gzip-compressed delivery (the express route) like the same bytes sent plain (answered ahead of express)", async () => {
    const text = JSON.stringify(pd("gzip-1", "Compressed alert", "payments"));
    const plain = await post(url, "/hooks/pagerduty/v2/enqueue/?via=plain", text);
    expect(plain.status).toBe(202);
    const res = await fetch(`${url}/hooks/pagerduty`, { method: "POST", headers: { "content-type": "application/json", "content-encoding": "gzip" }, body: gzipSync(text) });
    expect(res.status).toBe(202);
    // Same bytes once inflated: the same delivery, so the same event, stored once.
    expect(await res.json()).toMatchObject({ eventId: plain.body.eventId, duplicate: true });
    expect(await count(`SELECT count(*)::int AS n FROM alert_event WHERE id = $1`, [plain.body.eventId])).toBe(1);
    const unknown = await post(url, "/hooks/nagios", text, tokens.generic);
    expect(unknown).toMatchObject({ status: 404, body: { code: "NOT_FOUND" } });
    await settled();
  });

  it("stores nothing from a body cut short of its Content-Length, and goes on answering", async () => {
    const events = () => count(`SELECT count(*)::int AS n FROM alert_event`);
    const before = await events();
    const { hostname, port } = new URL(url);
    const body = JSON.stringify(pd("cut-1", "Cut short", "payments"));
    await new Promise<void>((resolve) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write(`POST /hooks/pagerduty HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${body.length + 50}\r\n\r\n${body}`);
        socket.end();
      });
      socket.on("close", () => resolve());
      socket.on("error", () => resolve());
      socket.resume();
    });
    expect((await post(url, "/hooks/pagerduty", pd("cut-2", "After the cut", "payments"))).status).toBe(202);
    await settled();
    expect(await events()).toBe(before + 1);
  });

  it("deduplicates repeats into one alert whose count and last-seen rise", async () => {
    await send(pd("dup-1", "Queue depth high", "search"));
    const [before] = await t.api.dataSource.query(`SELECT id, count, first_seen_at, last_seen_at FROM alert WHERE title = 'Queue depth high'`);
    await send(pd("dup-1", "Queue depth high", "search"));
    await send(pd("dup-1", "Queue depth high", "search"));
    const rows = await t.api.dataSource.query(`SELECT id, count, first_seen_at, last_seen_at FROM alert WHERE title = 'Queue depth high'`);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: before.id, count: 3 });
    expect(rows[0].first_seen_at.getTime()).toBe(before.first_seen_at.getTime());
    expect(rows[0].last_seen_at.getTime()).toBeGreaterThan(before.last_seen_at.getTime());
  });

  it("groups alerts of one service within the window into one incident, another service into another", async () => {
    await send(pd("corr-1", "Payments latency", "payments"));
    await send(pd("corr-2", "Payments errors", "payments"));
    await send(pd("corr-3", "Ledger down", "ledger", "critical"));
    const payments = (await alertsWhere({ serviceId: services.payments.id })).edges.map((e: any) => e.node).filter((n: any) => n.title.startsWith("Payments"));
    expect(payments).toHaveLength(2);
    expect(payments[0].incident.id).toBe(payments[1].incident.id);
    const ledger = (await alertsWhere({ serviceId: services.ledger.id })).edges[0].node;
    expect(ledger.incident.id).not.toBe(payments[0].incident.id);
    expect(ledger.incident.severity).toBe("SEV1");
  });

  it("groups by matching labels across services when a label rule says so", async () => {
    const rule = await t.gql<any>(
      `mutation($input: CorrelationRuleInput!) { saveCorrelationRule(input: $input) { id } }`,
      { input: { name: "Database cluster", position: 1, matchLabels: { class: "db" }, sameService: false, groupLabels: ["group"], windowMinutes: 60 } },
      fx.tokens.admin,
    );
    expect(rule.errors).toBeUndefined();
    const db = (dedup: string, component: string) => ({ ...pd(dedup, `DB trouble ${dedup}`, component), payload: { ...pd(dedup, `DB trouble ${dedup}`, component).payload, class: "db", group: "cluster-eu" } });
    await send(db("lab-1", "payments"));
    await send(db("lab-2", "search"));
    const rows = await t.api.dataSource.query(`SELECT incident_id, rule_id FROM alert WHERE title LIKE 'DB trouble lab-%'`);
    expect(rows).toHaveLength(2);
    expect(rows[0].incident_id).toBe(rows[1].incident_id);
    expect(rows[0].rule_id).toBe(rule.data.saveCorrelationRule.id);
  });

  it("resolves the alert on a resolve event and moves its auto-created incident to recovered", async () => {
    await send(pd("res-1", "Ledger replica lag", "replica", "warning"));
    await send(pd("res-2", "Ledger replica lag 2", "replica", "warning"));
    const [{ incident_id }] = await t.api.dataSource.query(`SELECT incident_id FROM alert WHERE title = 'Ledger replica lag'`);
    await send({ routing_key: tokens.pagerduty, event_action: "resolve", dedup_key: "res-1" });
    const [one] = await t.api.dataSource.query(`SELECT status, resolved_at FROM alert WHERE title = 'Ledger replica lag'`);
    expect(one.status).toBe("resolved");
    expect(one.resolved_at).not.toBeNull();
    const stageOf = async () => (await t.api.dataSource.query(`SELECT stage FROM incident WHERE id = $1`, [incident_id]))[0].stage;
    expect(await stageOf()).not.toBe("recovered"); // one alert still fires
    await send({ routing_key: tokens.pagerduty, event_action: "resolve", dedup_key: "res-2" });
    await waitFor(async () => (await stageOf()) === "recovered");
    const moves = await t.api.dataSource.query(`SELECT to_stage FROM incident_transition WHERE incident_id = $1 ORDER BY at, to_stage`, [incident_id]);
    expect(moves.map((m: any) => m.to_stage)).toContain("recovered");
  });

  it("leaves the incident alone when its rule says not to recover", async () => {
    await t.gql(
      `mutation($input: CorrelationRuleInput!) { saveCorrelationRule(input: $input) { id } }`,
      { input: { name: "Keep open", position: 2, matchLabels: { class: "keep" }, recoverIncident: false } },
      fx.tokens.admin,
    );
    const body = { ...pd("keep-1", "Keep me open", "search"), payload: { ...pd("keep-1", "Keep me open", "search").payload, class: "keep" } };
    await send(body);
    await send({ routing_key: tokens.pagerduty, event_action: "resolve", dedup_key: "keep-1" });
    await new Promise((r) => setTimeout(r, 300));
    const [row] = await t.api.dataSource.query(`SELECT a.status, i.stage FROM alert a JOIN incident i ON i.id = a.incident_id WHERE a.title = 'Keep me open'`);
    expect(row).toEqual({ status: "resolved", stage: "identified" });
  });

  it("holds a flapping alert back instead of opening incidents", async () => {
    const trigger = pd("flap-1", "Flappy check", "search");
    const resolve = { routing_key: tokens.pagerduty, event_action: "resolve", dedup_key: "flap-1" };
    await send(trigger);
    await send(resolve);
    await send({ ...trigger, payload: { ...trigger.payload, timestamp: new Date().toISOString() } });
    await send({ ...resolve, client: "again" });
    await new Promise((r) => setTimeout(r, 200));
    const incidentsBefore = await count(`SELECT count(*)::int AS n FROM incident`);
    await send({ ...trigger, payload: { ...trigger.payload, timestamp: new Date(Date.now() + 1).toISOString() } });
    const [row] = await t.api.dataSource.query(`SELECT status, flapping, state_changes FROM alert WHERE title = 'Flappy check'`);
    expect(row).toMatchObject({ status: "firing", flapping: true });
    expect(row.state_changes).toBeGreaterThanOrEqual(3);
    expect(await count(`SELECT count(*)::int AS n FROM incident`)).toBe(incidentsBefore);
  });

  it("suppresses alerts inside a maintenance window or a scheduled change's window, and says so", async () => {
    const now = Date.now();
    const mw = await t.gql<any>(
      `mutation($input: MaintenanceWindowInput!) { saveMaintenanceWindow(input: $input) { id } }`,
      { input: { name: "Quiet patching", startsAt: new Date(now - 60_000), endsAt: new Date(now + 3_600_000), serviceIds: [services.quiet.id] } },
      fx.tokens.change_manager,
    );
    expect(mw.errors).toBeUndefined();
    await send(pd("sup-1", "Quiet service down", "quiet"));
    const [quiet] = (await alertsWhere({ serviceId: services.quiet.id })).edges.map((e: any) => e.node);
    expect(quiet).toMatchObject({ suppressed: true, incident: null });
    expect(quiet.suppressedReason).toContain("Quiet patching");

    const [change] = await t.api.dataSource.query(
      `INSERT INTO change_request (version, type, stage, title, planned_start, planned_end) VALUES (1, 'normal', 'implementing', 'Deploy v2', $1, $2) RETURNING id, number`,
      [new Date(now - 60_000), new Date(now + 3_600_000)],
    );
    await t.api.dataSource.query(`INSERT INTO change_service (change_id, service_id) VALUES ($1, $2)`, [change.id, services.deploying.id]);
    await send(pd("sup-2", "Deploying service errors", "deploying"));
    const [deploying] = (await alertsWhere({ serviceId: services.deploying.id })).edges.map((e: any) => e.node);
    expect(deploying).toMatchObject({ suppressed: true, incident: null });
    expect(deploying.suppressedReason).toContain(`CHG-${String(change.number).padStart(6, "0")}`);
  });

  it("maps a generic webhook's fields by configuration and resolves on its status value", async () => {
    const res = await post(url, "/hooks/generic", { check: "Disk /var full", state: "CRITICAL", level: "critical", id: "nagios-9", app: "manual" }, tokens.generic);
    expect(res.status).toBe(202);
    await settled();
    await send({ check: "Disk /var full", state: "OK", id: "nagios-9", app: "manual" }, "/hooks/generic");
    const [row] = (await alertsWhere({ source: "generic" })).edges.map((e: any) => e.node);
    expect(row).toMatchObject({ title: "Disk /var full", status: "resolved", severity: "SEV1", service: { name: "manual" } });
  });

  it("refuses malformed, wrongly typed, oversized and unauthenticated deliveries with clear 4xx, storing nothing", async () => {
    const events = () => count(`SELECT count(*)::int AS n FROM alert_event`);
    const before = await events();
    const notJson = await post(url, "/hooks/alertmanager", "{not json", tokens.alertmanager);
    expect(notJson).toMatchObject({ status: 400, body: { code: "BAD_REQUEST" } });
    expect(notJson.body.message).toContain("not valid JSON");
    const wrongType = await post(url, "/hooks/alertmanager", { ...ALERTMANAGER_EXAMPLE, alerts: [{ ...ALERTMANAGER_EXAMPLE.alerts[0], labels: { severity: 1 } }] }, tokens.alertmanager);
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.message).toContain("alerts[0].labels.severity must be a string");
    const noSummary = await post(url, "/hooks/pagerduty", { ...PAGERDUTY_EXAMPLE, payload: { ...PAGERDUTY_EXAMPLE.payload, summary: 5 } }, tokens.pagerduty);
    expect(noSummary.status).toBe(400);
    expect(noSummary.body.message).toContain("payload.summary must be a string");
    const oversized = await post(url, "/hooks/alertmanager", { ...ALERTMANAGER_EXAMPLE, padding: "x".repeat(t.config.alertBodyLimitBytes) }, tokens.alertmanager);
    expect(oversized).toMatchObject({ status: 413, body: { code: "PAYLOAD_TOO_LARGE" } });
    expect((await post(url, "/hooks/alertmanager", ALERTMANAGER_EXAMPLE, "qai_wrong")).status).toBe(401);
    expect((await post(url, "/hooks/alertmanager", ALERTMANAGER_EXAMPLE)).status).toBe(401);
    // The documented example's own routing_key is no token of ours.
    expect((await post(url, "/hooks/pagerduty", PAGERDUTY_EXAMPLE)).status).toBe(401);
    const wrongHook = await post(url, "/hooks/generic", ALERTMANAGER_EXAMPLE, tokens.alertmanager);
    expect(wrongHook.status).toBe(400);
    expect(wrongHook.body.message).toContain("/hooks/alertmanager");
    expect(await events()).toBe(before);
  });

  it("lets agents move, merge and split alerts, recorded and audited; analysts may not", async () => {
    await send(pd("mv-1", "Move me", "manual"));
    await send(pd("mv-2", "Merge me", "search", "critical"));
    const [a] = (await t.api.dataSource.query(`SELECT id, version, incident_id FROM alert WHERE title = 'Move me'`)) as any[];
    const [b] = (await t.api.dataSource.query(`SELECT id, version, incident_id FROM alert WHERE title = 'Merge me'`)) as any[];
    expect(a.incident_id).not.toBe(b.incident_id);

    const forbidden = await t.gql(`mutation($input: AlertRef!) { splitAlert(input: $input) { id } }`, { input: { id: a.id, version: a.version } }, fx.tokens.analyst);
    expect(codeOf(forbidden)).toBe("FORBIDDEN");

    const moved = await t.gql<any>(`mutation($input: MoveAlertsInput!) { moveAlerts(input: $input) { id version placedBy incident { id } } }`, { input: { alerts: [{ id: a.id, version: a.version }], incidentId: b.incident_id } }, fx.tokens.agent);
    expect(moved.errors).toBeUndefined();
    expect(moved.data.moveAlerts[0]).toMatchObject({ placedBy: "agent", incident: { id: b.incident_id } });
    const stale = await t.gql(`mutation($input: MoveAlertsInput!) { moveAlerts(input: $input) { id } }`, { input: { alerts: [{ id: a.id, version: a.version }], incidentId: b.incident_id } }, fx.tokens.agent);
    expect(codeOf(stale)).toBe("CONFLICT");

    const split = await t.gql<any>(`mutation($input: AlertRef!) { splitAlert(input: $input) { id version incident { id } } }`, { input: { id: a.id, version: moved.data.moveAlerts[0].version } }, fx.tokens.agent);
    expect(split.errors).toBeUndefined();
    const newIncident = split.data.splitAlert.incident.id;
    expect(newIncident).not.toBe(b.incident_id);

    const [bNow] = (await t.api.dataSource.query(`SELECT version FROM alert WHERE id = $1`, [b.id])) as any[];
    const merged = await t.gql<any>(
      `mutation($input: MergeAlertsInput!) { mergeAlerts(input: $input) { id incident { id } } }`,
      { input: { alerts: [{ id: a.id, version: split.data.splitAlert.version }, { id: b.id, version: bNow.version }] } },
      fx.tokens.agent,
    );
    expect(merged.errors).toBeUndefined();
    expect(merged.data.mergeAlerts.map((m: any) => m.incident.id)).toEqual([newIncident, newIncident]);
    const audit = await t.api.dataSource.query(`SELECT action FROM audit_log WHERE entity_type = 'alert' AND entity_id = $1 ORDER BY seq`, [a.id]);
    expect(audit.map((r: any) => r.action)).toEqual(["alert.move", "alert.split", "alert.merge"]);
  });

  it("pages and filters the alerts list (firing or resolved, service, source) with forged cursors refused", async () => {
    const resolved = await alertsWhere({ status: "resolved" });
    expect(resolved.totalCount).toBeGreaterThan(0);
    expect(resolved.edges.every((e: any) => e.node.status === "resolved")).toBe(true);
    const first = await t.gql<any>(ALERTS, { first: 2 }, fx.tokens.analyst);
    expect(first.data.alerts.pageInfo.hasNextPage).toBe(true);
    const next = await t.gql<any>(ALERTS, { first: 2, after: first.data.alerts.pageInfo.endCursor }, fx.tokens.analyst);
    const ids = [...first.data.alerts.edges, ...next.data.alerts.edges].map((e: any) => e.node.id);
    expect(new Set(ids).size).toBe(4);
    expect(codeOf(await t.gql(ALERTS, { first: 2, after: "bm9wZQ" }, fx.tokens.analyst))).toBe("BAD_USER_INPUT");
  });

  it("shows an integration's token once: lists carry only its prefix, rotation replaces it", async () => {
    const list = await t.gql<any>(`{ alertIntegrations { id version name tokenPrefix } }`, {}, fx.tokens.admin);
    const prom = list.data.alertIntegrations.find((i: any) => i.name === "Prometheus");
    expect(tokens.alertmanager.startsWith(prom.tokenPrefix)).toBe(true);
    expect(codeOf(await t.gql(`{ alertIntegrations { id } }`, {}, fx.tokens.agent))).toBe("FORBIDDEN");
    const rotated = await t.gql<any>(`mutation($id: ID!, $v: Int!) { rotateAlertIntegrationToken(id: $id, version: $v) { token } }`, { id: prom.id, v: prom.version }, fx.tokens.admin);
    const fresh = rotated.data.rotateAlertIntegrationToken.token;
    expect(fresh).not.toBe(tokens.alertmanager);
    expect((await post(url, "/hooks/alertmanager", ALERTMANAGER_EXAMPLE, tokens.alertmanager)).status).toBe(401);
    expect((await post(url, "/hooks/alertmanager", { ...ALERTMANAGER_EXAMPLE, receiver: "rotated" }, fresh)).status).toBe(202);
    tokens.alertmanager = fresh;
  });
});

describe("alert ingestion rate limit", () => {
  let t: Api;
  afterAll(async () => t?.stop());

  it("answers 429 with Retry-After past the per-integration rate, storing nothing for the refused", async () => {
    t = await startTestApi({ alertEventsPerSecond: 3 });
    const fx = await seedFixture(t.api);
    const made = await t.gql<any>(INTEGRATION, { input: { name: "Chatty", source: "pagerduty" } }, fx.tokens.admin);
    const token = made.data.saveAlertIntegration.token;
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => post(t.api.http.url, "/hooks/pagerduty", { event_action: "trigger", dedup_key: `r${i}`, payload: { summary: `burst ${i}`, source: "h", severity: "info" } }, token)),
    );
    const limited = results.filter((r) => r.status === 429);
    expect(results.filter((r) => r.status === 202)).toHaveLength(3);
    expect(limited).toHaveLength(3);
    expect(Number(limited[0].retryAfter)).toBeGreaterThanOrEqual(1);
    expect(limited[0].body.code).toBe("RATE_LIMITED");
    expect(((await t.api.dataSource.query(`SELECT count(*)::int AS n FROM alert_event`)) as any)[0].n).toBe(3);
  });
});
