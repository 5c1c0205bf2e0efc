import { In, type DataSource, type EntityManager } from "typeorm";
import type { Principal } from "../../platform/auth/roles";
import type { Clock } from "../../platform/clock";
import { inTransaction, type UnitOfWork } from "../../platform/database/transaction";
import { badInput, conflict, notFound } from "../../platform/errors";
import { logger } from "../../platform/logger";
import { QueueName } from "../../platform/queue/queues";
import { appendAudit, SYSTEM_ACTOR } from "../audit/audit.service";
import { Change } from "../change/change.entity";
import { formatChangeNumber } from "../change/change.rules";
import { Incident } from "../incident/incident.entity";
import { Stage } from "../incident/incident.lifecycle";
import { transitionSubjects } from "../incident/incident.facts";
import type { IncidentService } from "../incident/incident.service";
import { enqueueInTransaction } from "../outbox/outbox.service";
import { Alert, AlertEvent, AlertIncident, AlertIntegration, AlertStatus, CorrelationRule, MaintenanceWindow } from "./alert.entity";
import type { AlertRef, MoveAlertsInput } from "./alert.inputs";
import { correlationKeyOf, fingerprintOf, impactUrgencyFor, matchingRule, nextFlapState, severityFrom, stagePath, suppressingWindow, type FlapSettings, type QuietWindow } from "./alert.rules";
import type { NormalizedAlert } from "./alert.sources";

const log = logger.child({ component: "alerts" });

/** Stages in which an incident still takes new alerts (before recovery). */
export const OPEN_STAGES: readonly Stage[] = [Stage.identified, Stage.classified, Stage.assessed, Stage.contained, Stage.eradicated];
const OPEN_STAGES_SQL = OPEN_STAGES.map((s) => `'${s}'`).join(", ");
/** Change stages whose planned window suppresses alerts on the change's services. */
const CHANGE_WINDOW_STAGES = ["scheduled", "implementing"];
/** Namespace of the advisory locks taken here (two-key form, apart from the audit chain's lock). */
const LOCK_SPACE = 7_331;

export interface AlertOptions {
  flap: FlapSettings;
  clock: Clock;
}

/** Correlation (the queued half of ingestion), recovery, and agents' moves of alerts between incidents. */
export class AlertService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly incidents: IncidentService,
    readonly options: AlertOptions,
  ) {}

  /**
   * Applies a stored event's alerts, each in its own transaction (the event remembers how many
   * are done, so a retry after a crash resumes instead of counting twice).
   */
  async processEvent(eventId: string): Promise<void> {
    const event = await this.dataSource.getRepository(AlertEvent).findOne({ where: { id: eventId } });
    if (!event || event.processedAt) return;
    const integration = await this.dataSource.getRepository(AlertIntegration).findOne({ where: { id: event.integrationId } });
    if (!integration) return;
    const alerts = event.alerts as NormalizedAlert[];
    for (let index = event.applied; index < alerts.length; index++) {
      await inTransaction(this.dataSource, async (work) => {
        const [row] = (await work.manager.query(`SELECT applied FROM alert_event WHERE id = $1 FOR UPDATE`, [eventId])) as Array<{ applied: number }>;
        if (!row || row.applied > index) return;
        await this.applyOne(work, integration, event.receivedAt, alerts[index]);
        await work.manager.query(`UPDATE alert_event SET applied = $2${index === alerts.length - 1 ? ", processed_at = now()" : ""} WHERE id = $1`, [eventId, index + 1]);
      });
    }
  }

  private async applyOne(work: UnitOfWork, integration: AlertIntegration, at: Date, input: NormalizedAlert): Promise<void> {
    const { manager } = work;
    const fingerprint = fingerprintOf(input, integration.dedupFields ?? []);
    await manager.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [LOCK_SPACE, `${integration.id}:${fingerprint}`]);
    let alert = await manager.findOne(Alert, { where: { integrationId: integration.id, fingerprint } });
    if (!alert) {
      if (input.action !== "trigger") {
        log.info({ integration: integration.name, action: input.action }, "event for an alert never seen; nothing to apply");
        return;
      }
      alert = manager.create(Alert, {
        integrationId: integration.id,
        source: integration.source,
        fingerprint,
        status: AlertStatus.firing,
        count: 1,
        firstSeenAt: at,
        lastSeenAt: at,
        stateChanges: 0,
        stateChangesSince: at,
        incidentId: null,
        ruleId: null,
        correlationKey: null,
        placedBy: null,
        suppressed: false,
        suppressedReason: null,
        flapping: false,
        acknowledgedAt: null,
        resolvedAt: null,
      });
      this.describe(alert, input);
      alert.serviceId = await this.serviceFor(manager, integration, input.labels);
      await manager.save(alert);
      await this.correlate(work, alert);
      return;
    }
    if (input.action === "acknowledge") {
      alert.acknowledgedAt ??= at;
      await manager.save(alert);
      return;
    }
    const latest = Math.max(alert.lastSeenAt.getTime(), alert.resolvedAt?.getTime() ?? 0);
    if (at.getTime() < latest) {
      // Jobs run side by side, so an older event can arrive after a newer one: it counts, but the newer state stands.
      if (input.action === "trigger") {
        alert.count += 1;
        await manager.save(alert);
      }
      return;
    }
    const next = input.action === "trigger" ? AlertStatus.firing : AlertStatus.resolved;
    const flap = nextFlapState(alert, next, at, this.options.flap);
    const wasFiring = alert.status === AlertStatus.firing;
    alert.stateChanges = flap.stateChanges;
    alert.stateChangesSince = flap.stateChangesSince;
    alert.flapping = flap.flapping;
    alert.status = next;
    if (next === AlertStatus.firing) {
      alert.count += 1;
      alert.lastSeenAt = at;
      alert.resolvedAt = null;
      this.describe(alert, input);
      await manager.save(alert);
      if (!wasFiring || !alert.incidentId) await this.correlate(work, alert);
      return;
    }
    if (wasFiring) alert.resolvedAt = at;
    await manager.save(alert);
    if (wasFiring && alert.incidentId) await this.recoverWhenAllResolved(manager, alert.incidentId);
  }

  private describe(alert: Alert, input: NormalizedAlert): void {
    alert.title = input.title;
    alert.description = input.description;
    alert.sourceSeverity = input.sourceSeverity;
    alert.severity = severityFrom(input.sourceSeverity);
    alert.labels = input.labels;
    alert.details = input.details;
  }

  /** The service a label names (by catalog name, any case), else the integration's own. */
  private async serviceFor(manager: EntityManager, integration: AlertIntegration, labels: Record<string, string>): Promise<string | null> {
    const named = labels[integration.serviceLabel];
    if (named) {
      const [row] = (await manager.query(`SELECT id FROM service WHERE lower(name) = lower($1) LIMIT 1`, [named])) as Array<{ id: string }>;
      if (row) return row.id;
    }
    return integration.serviceId;
  }

  /** Maintenance windows and scheduled changes in force now, as quiet windows for this service. */
  private async quietWindows(manager: EntityManager, serviceId: string | null, at: Date): Promise<QuietWindow[]> {
    const windows = await manager
      .createQueryBuilder(MaintenanceWindow, "m")
      .where("m.starts_at <= :at AND m.ends_at > :at", { at })
      .getMany();
    const quiet: QuietWindow[] = windows.map((m) => ({ label: `maintenance window "${m.name}"`, start: m.startsAt, end: m.endsAt, serviceIds: m.serviceIds }));
    if (serviceId) {
      const changes = await manager
        .createQueryBuilder(Change, "c")
        .where("c.stage IN (:...stages)", { stages: CHANGE_WINDOW_STAGES })
        .andWhere("c.planned_start <= :at AND c.planned_end > :at", { at })
        .andWhere("EXISTS (SELECT 1 FROM change_service cs WHERE cs.change_id = c.id AND cs.service_id = :serviceId)", { serviceId })
        .getMany();
      for (const c of changes) quiet.push({ label: `change ${formatChangeNumber(c.number)} window`, start: c.plannedStart!, end: c.plannedEnd!, serviceIds: [serviceId] });
    }
    return quiet;
  }

  /** Places a firing alert: held back when flapping, suppressed in a quiet window, else by the first matching rule. */
  private async correlate(work: UnitOfWork, alert: Alert): Promise<void> {
    const { manager } = work;
    if (alert.flapping) return;
    const quiet = suppressingWindow(await this.quietWindows(manager, alert.serviceId, alert.lastSeenAt), alert.serviceId, alert.lastSeenAt);
    alert.suppressed = !!quiet;
    alert.suppressedReason = quiet ? `suppressed: inside ${quiet.label}` : null;
    if (quiet) {
      await manager.save(alert);
      return;
    }
    if (alert.incidentId) {
      const current = await manager.findOne(Incident, { where: { id: alert.incidentId }, select: { id: true, stage: true } });
      if (current && OPEN_STAGES.includes(current.stage)) {
        await manager.save(alert);
        return;
      }
    }
    const rules = await manager.find(CorrelationRule);
    const rule = matchingRule(rules, alert.labels);
    if (!rule) {
      await manager.save(alert);
      return;
    }
    const key = correlationKeyOf(rule, alert.serviceId, alert.labels, alert.id);
    await manager.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [LOCK_SPACE, `group:${key}`]);
    const since = new Date(alert.lastSeenAt.getTime() - rule.windowMinutes * 60_000);
    const [open] = (await manager.query(
      `SELECT a.incident_id FROM alert a JOIN incident i ON i.id = a.incident_id
        WHERE a.correlation_key = $1 AND a.last_seen_at >= $2::timestamptz AND a.id <> $3 AND i.stage IN (${OPEN_STAGES_SQL})
        ORDER BY a.last_seen_at DESC LIMIT 1`,
      [key, since.toISOString(), alert.id],
    )) as Array<{ incident_id: string }>;
    alert.ruleId = rule.id;
    alert.correlationKey = key;
    if (open) {
      alert.incidentId = open.incident_id;
      alert.placedBy = "rule";
    } else if (rule.createIncident) {
      const severity = alert.severity;
      const incident = await this.incidents.create(
        SYSTEM_ACTOR,
        { title: alert.title.length >= 3 ? alert.title : `Alert: ${alert.title}`, description: alert.description, serviceId: alert.serviceId ?? undefined, severity, ...impactUrgencyFor(severity) },
        work,
      );
      await manager.insert(AlertIncident, { incidentId: incident.id, alertId: alert.id, ruleId: rule.id, recoverWhenResolved: rule.recoverIncident });
      alert.incidentId = incident.id;
      alert.placedBy = "rule";
    }
    await manager.save(alert);
  }

  /** Queues the recovery of an alert-opened incident once none of its alerts is firing. */
  private async recoverWhenAllResolved(manager: EntityManager, incidentId: string): Promise<void> {
    const origin = await manager.findOne(AlertIncident, { where: { incidentId } });
    if (!origin?.recoverWhenResolved) return;
    const firing = await manager.count(Alert, { where: { incidentId, status: AlertStatus.firing } });
    if (firing === 0) await enqueueInTransaction(manager, QueueName.Alerts, "recover", { eventId: null, incidentId });
  }

  /**
   * Moves an alert-opened incident to recovered through the incident lifecycle's own transitions
   * (each a normal, audited transition by the system), when all its alerts are still resolved.
   */
  async recoverIncident(incidentId: string): Promise<Incident | null> {
    const origin = await this.dataSource.getRepository(AlertIncident).findOne({ where: { incidentId } });
    if (!origin?.recoverWhenResolved) return null;
    if ((await this.dataSource.getRepository(Alert).count({ where: { incidentId, status: AlertStatus.firing } })) > 0) return null;
    let incident = await this.dataSource.getRepository(Incident).findOne({ where: { id: incidentId } });
    if (!incident || !OPEN_STAGES.includes(incident.stage)) return null;
    const subject = (await transitionSubjects(this.dataSource.manager, [incident])).get(incident.id)!;
    const path = stagePath(incident.stage, Stage.recovered, subject);
    if (!path) {
      log.warn({ incidentId, stage: incident.stage }, "no lifecycle path to recovered; left for an agent");
      return null;
    }
    for (const to of path) {
      incident = await this.incidents.transition(SYSTEM_ACTOR, { id: incident.id, version: incident.version, to, note: "All of its alerts have resolved." });
    }
    return incident;
  }

  private async lockedAlerts(manager: EntityManager, refs: AlertRef[]): Promise<Alert[]> {
    const ids = [...new Set(refs.map((r) => r.id))];
    if (ids.length !== refs.length) throw badInput("alerts", "lists an alert twice");
    const rows = await manager.find(Alert, { where: { id: In(ids) }, lock: { mode: "pessimistic_write" } });
    return refs.map((ref) => {
      const alert = rows.find((r) => r.id === ref.id);
      if (!alert) throw notFound("Alert", ref.id);
      if (alert.version !== ref.version) throw conflict("Alert", ref.id, ref.version, alert.version);
      return alert;
    });
  }

  private async place(manager: EntityManager, actor: Principal, alerts: Alert[], incidentId: string, action: string): Promise<Alert[]> {
    const saved: Alert[] = [];
    for (const alert of alerts) {
      const before = { ...alert };
      alert.incidentId = incidentId;
      alert.placedBy = "agent";
      const after = await manager.save(alert);
      await appendAudit(manager, actor, { action, entityType: "alert", entityId: alert.id, before: { incidentId: before.incidentId, placedBy: before.placedBy }, after: { incidentId, placedBy: "agent" } });
      saved.push(after);
    }
    return saved;
  }

  /** Moves alerts to another incident (one alert: a move; several: they join it). Recorded and audited. */
  moveAlerts(actor: Principal, input: MoveAlertsInput): Promise<Alert[]> {
    return inTransaction(this.dataSource, async ({ manager }) => {
      const target = await manager.findOne(Incident, { where: { id: input.incidentId }, select: { id: true, stage: true } });
      if (!target) throw notFound("Incident", input.incidentId);
      if (target.stage === Stage.closed || target.stage === Stage.cancelled) throw badInput("incidentId", `the incident is ${target.stage}; alerts can't join it`);
      return this.place(manager, actor, await this.lockedAlerts(manager, input.alerts), target.id, "alert.move");
    });
  }

  /** Puts alerts together in the incident of the first one that has an open incident. */
  mergeAlerts(actor: Principal, refs: AlertRef[]): Promise<Alert[]> {
    if (refs.length < 2) throw badInput("alerts", "merge at least two alerts");
    return inTransaction(this.dataSource, async ({ manager }) => {
      const alerts = await this.lockedAlerts(manager, refs);
      const incidentIds = alerts.map((a) => a.incidentId).filter((id): id is string => !!id);
      const open = incidentIds.length ? await manager.find(Incident, { where: { id: In(incidentIds) }, select: { id: true, stage: true } }) : [];
      const target = incidentIds.find((id) => open.some((i) => i.id === id && OPEN_STAGES.includes(i.stage)));
      if (!target) throw badInput("alerts", "none of these alerts is in an open incident; split one off first, then merge the others into it");
      return this.place(manager, actor, alerts, target, "alert.merge");
    });
  }

  /** Takes an alert out of its incident into a new incident of its own, opened by the agent. */
  splitAlert(actor: Principal, ref: AlertRef): Promise<Alert> {
    return inTransaction(this.dataSource, async (work) => {
      const [alert] = await this.lockedAlerts(work.manager, [ref]);
      const incident = await this.incidents.create(
        actor,
        { title: alert.title.length >= 3 ? alert.title : `Alert: ${alert.title}`, description: alert.description, serviceId: alert.serviceId ?? undefined, severity: alert.severity, ...impactUrgencyFor(alert.severity) },
        work,
      );
      await work.manager.insert(AlertIncident, { incidentId: incident.id, alertId: alert.id, ruleId: null, recoverWhenResolved: false });
      const [saved] = await this.place(work.manager, actor, [alert], incident.id, "alert.split");
      return saved;
    });
  }
}
