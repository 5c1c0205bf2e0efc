import { randomBytes } from "node:crypto";
import { In, type EntityManager } from "typeorm";
import { hashApiToken } from "../../platform/auth/auth.service";
import type { Service } from "../catalog/catalog.entity";
import { Incident } from "../incident/incident.entity";
import { Alert, AlertIntegration, AlertSource, AlertStatus, CorrelationRule, MaintenanceWindow } from "./alert.entity";
import { correlationKeyOf, fingerprintOf, severityFrom } from "./alert.rules";
import { OPEN_STAGES } from "./alert.service";
import type { NormalizedAlert } from "./alert.sources";

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

interface DemoAlert {
  title: string;
  service: string;
  severity: string;
  labels: Record<string, string>;
  /** Minutes before now it was first and last seen. */
  firstSeenMinutesAgo: number;
  lastSeenMinutesAgo: number;
  count: number;
  resolved?: boolean;
  /** Joins the newest open incident of its service, as the correlation rule would have put it. */
  correlated?: boolean;
  /** Inside the running maintenance window. */
  suppressed?: boolean;
}

const DEMO_ALERTS: DemoAlert[] = [
  { title: "CheckoutHighLatency: p99 above 2 s", service: "Checkout", severity: "critical", labels: { alertname: "CheckoutHighLatency", env: "prod" }, firstSeenMinutesAgo: 50, lastSeenMinutesAgo: 1, count: 17, correlated: true },
  { title: "CheckoutErrorRate: 5xx above 2 %", service: "Checkout", severity: "error", labels: { alertname: "CheckoutErrorRate", env: "prod" }, firstSeenMinutesAgo: 44, lastSeenMinutesAgo: 2, count: 9, correlated: true },
  { title: "PostgresReplicationLag: replica 2 over 30 s behind", service: "orders-db (PostgreSQL)", severity: "warning", labels: { alertname: "PostgresReplicationLag", instance: "orders-db-2" }, firstSeenMinutesAgo: 30, lastSeenMinutesAgo: 3, count: 6, suppressed: true },
  { title: "KubeNodeNotReady: node pool b, node 7", service: "prod-k8s cluster", severity: "warning", labels: { alertname: "KubeNodeNotReady", node: "pool-b-7" }, firstSeenMinutesAgo: 26 * 60, lastSeenMinutesAgo: 25 * 60, count: 4, resolved: true },
  { title: "CertificateExpiresSoon: sso.example.com in 7 days", service: "Single Sign-On", severity: "warning", labels: { alertname: "CertificateExpiresSoon", host: "sso.example.com" }, firstSeenMinutesAgo: 3 * 24 * 60, lastSeenMinutesAgo: 2 * 24 * 60, count: 2, resolved: true },
];

/**
 * The demo's event management: a Prometheus integration (its token was never shown: rotate it in
 * Administration to send alerts), a maintenance window on the orders database running now and one
 * tomorrow night, and alerts: two correlated into the newest open Checkout incident, one suppressed
 * by the window, two resolved. Correlation uses the built-in rule the migration created.
 */
export async function seedDemoAlerts(manager: EntityManager, ctx: { now: Date; services: Map<string, Service> }): Promise<number> {
  const now = ctx.now.getTime();
  const serviceId = (name: string) => ctx.services.get(name)!.id;
  const token = `qai_${randomBytes(32).toString("base64url")}`;
  const integration = await manager.save(
    manager.create(AlertIntegration, { name: "Prometheus (production)", source: AlertSource.alertmanager, tokenHash: hashApiToken(token), tokenPrefix: token.slice(0, 10), serviceId: null, serviceLabel: "service", dedupFields: [], fieldMapping: null, enabled: true }),
  );
  const drill = await manager.save(
    manager.create(MaintenanceWindow, {
      name: "orders-db replica rebuild",
      reason: "Rebuilding replica 2 from a fresh base backup; lag alerts are expected.",
      startsAt: new Date(now - 45 * MINUTE_MS),
      endsAt: new Date(now + 75 * MINUTE_MS),
      serviceIds: [serviceId("orders-db (PostgreSQL)")],
    }),
  );
  const tomorrow = new Date(now + 24 * HOUR_MS);
  tomorrow.setUTCHours(22, 0, 0, 0);
  await manager.save(
    manager.create(MaintenanceWindow, { name: "VPN concentrator firmware upgrade", reason: "Vendor firmware 9.2; tunnels drop for a few minutes.", startsAt: tomorrow, endsAt: new Date(tomorrow.getTime() + 2 * HOUR_MS), serviceIds: [serviceId("VPN")] }),
  );
  const rule = await manager.findOne(CorrelationRule, { where: { enabled: true }, order: { position: "ASC" } });
  let target: Incident | null = null;
  for (const a of DEMO_ALERTS) {
    const labels = { ...a.labels, service: a.service, severity: a.severity };
    const svc = serviceId(a.service);
    const lastSeenAt = new Date(now - a.lastSeenMinutesAgo * MINUTE_MS);
    const normalized: NormalizedAlert = { action: a.resolved ? "resolve" : "trigger", title: a.title, description: "", sourceSeverity: a.severity, labels, details: {}, dedupKey: null, occurredAt: lastSeenAt.toISOString() };
    const alert = manager.create(Alert, {
      integrationId: integration.id,
      source: AlertSource.alertmanager,
      fingerprint: fingerprintOf(normalized, []),
      status: a.resolved ? AlertStatus.resolved : AlertStatus.firing,
      title: a.title,
      description: `Prometheus rule ${a.labels.alertname} on ${a.service}.`,
      sourceSeverity: a.severity,
      severity: severityFrom(a.severity),
      serviceId: svc,
      labels,
      details: { generatorURL: `https://prometheus.example.com/graph?g0.expr=${a.labels.alertname}` },
      count: a.count,
      firstSeenAt: new Date(now - a.firstSeenMinutesAgo * MINUTE_MS),
      lastSeenAt,
      resolvedAt: a.resolved ? lastSeenAt : null,
      acknowledgedAt: null,
      incidentId: null,
      ruleId: null,
      correlationKey: null,
      placedBy: null,
      suppressed: !!a.suppressed,
      suppressedReason: a.suppressed ? `In maintenance window "${drill.name}"` : null,
      flapping: false,
      stateChanges: a.resolved ? 1 : 0,
      stateChangesSince: new Date(now - a.firstSeenMinutesAgo * MINUTE_MS),
    });
    await manager.save(alert);
    if (a.correlated && rule) {
      target ??= await manager.findOne(Incident, { where: { serviceId: svc, stage: In([...OPEN_STAGES]) }, order: { createdAt: "DESC" } });
      if (target) {
        alert.incidentId = target.id;
        alert.ruleId = rule.id;
        alert.placedBy = "rule";
        alert.correlationKey = correlationKeyOf(rule, svc, labels, alert.id);
        await manager.save(alert);
      }
    }
  }
  return DEMO_ALERTS.length;
}
