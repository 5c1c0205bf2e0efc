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
import { Alert, AlertEvent, AlertEventDeadReason, AlertIncident, AlertIntegration, AlertStatus, CorrelationRule, MaintenanceWindow } from "./alert.entity";
import type { AlertRef, MoveAlertsInput } from "./alert.inputs";
import { correlationKeyOf, fingerprintOf, impactUrgencyFor, matchingRule, nextFlapState, severityFrom, stagePath, suppressingWindow, type FlapSettings, type QuietWindow } from "./alert.rules";
import type { NormalizedAlert } from "./alert.sources";

const log = logger.child({ component: "alerts" });

/** Stages in which an incident still takes new alerts (before recovery). */
export const OPEN_STAGES: readonly Stage[] = [Stage.identified, Stage.classified, Stage.assessed, Stage.contained, Stage.eradicated];
const OPEN_STAGES_SQL = OPEN_STAGES.map((s) => `'${s}'`).join(", ");
/** Change stages whose planned window suppresses alerts on the change's services. */
const CHANGE_WINDOW_STAGES = ["scheduled", "implementing"];
/** Namespace of the advisory locks on alerts (two-key form, apart from the audit chain's lock). */
const LOCK_SPACE = 7_331;
/** Namespace of the locks on correlation groups: apart from the alerts', so lock order holds even when hashes collide. */
const GROUP_LOCK_SPACE = 7_332;
/** Events one correlation transaction claims at most. */
const DEFAULT_BATCH_EVENTS = 500;
/** New alerts in one INSERT at most (about 25 parameters a row). */
const INSERT_CHUNK_ROWS = 1_000;
/** Failed attempts before an event is given up on, unless configured. */
const DEFAULT_MAX_EVENT_ATTEMPTS = 8;

interface Delivery {
  at: Date;
  input: NormalizedAlert;
}

/** One alert's deliveries in a batch, in arrival order. */
interface AlertDeliveries {
  integration: AlertIntegration;
  fingerprint: string;
  deliveries: Delivery[];
}

/** Takes advisory locks on these keys in the order of their lock ids: every transaction taking several takes them in the same order. */
async function lockInOrder(manager: EntityManager, space: number, keys: string[]): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock($1, h) FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest($2::text[]) AS t(k) ORDER BY h) AS ordered`, [space, keys]);
}

export interface AlertOptions {
  flap: FlapSettings;
  clock: Clock;
  /** Events one correlation transaction claims at most (default 500). */
  batchEvents?: number;
  /** Failed attempts after which an event is given up on: kept, marked dead, never claimed again (default 8). */
  maxEventAttempts?: number;
}

/** A drain applied what it could but had to put off events that failed alone (each recorded on its row). */
export class EventsDeferredError extends Error {
  constructor(
    readonly applied: number,
    readonly deferred: number,
    override readonly cause: unknown,
  ) {
    super(`${deferred} alert event(s) could not be applied and were put off: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** Correlation (the queued half of ingestion), recovery, and agents' moves of alerts between incidents. */
export class AlertService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly incidents: IncidentService,
    readonly options: AlertOptions,
  ) {}

  /**
   * Correlates every stored event not yet applied, in batches (what a `correlate` job does: its own
   * event is among them, or another worker has it). Returns how many events were applied. An event
   * that cannot be applied is set aside for this drain (the rest go on) and the drain then fails,
   * so its job is retried later.
   */
  async drainPendingEvents(batchEvents = this.options.batchEvents ?? DEFAULT_BATCH_EVENTS): Promise<number> {
    let applied = 0;
    const setAside: string[] = [];
    let failure: unknown = null;
    // After a failed batch its events go one at a time, to find the one that fails.
    let singlesLeft = 0;
    for (;;) {
      const limit = singlesLeft > 0 ? 1 : batchEvents;
      const claimed: string[] = [];
      try {
        const n = await inTransaction(this.dataSource, (work) => this.applyBatch(work, limit, setAside, claimed));
        if (n === 0) break;
        applied += n;
        if (singlesLeft > 0) singlesLeft--;
      } catch (error) {
        if (!claimed.length) throw error;
        failure = error;
        if (limit === 1) {
          setAside.push(...claimed);
          singlesLeft--;
          const retryAt = await this.deferFailedEvent(claimed[0]!, error);
          log.error({ err: error, eventId: claimed[0], retryAt }, "alert event could not be applied; put off for a retry");
        } else singlesLeft = claimed.length;
      }
    }
    if (failure && setAside.length) throw new EventsDeferredError(applied, setAside.length, failure);
    return applied;
  }

  /**
   * The periodic sweep: drains the events whose retry time has passed, so a put-off event is tried
   * again even when no new event arrives to start a drain. An event failing again is not the sweep's
   * failure (its row records it, and it is put off again or given up on), so only other errors throw.
   */
  async sweepDeferredEvents(): Promise<number> {
    try {
      return await this.drainPendingEvents();
    } catch (error) {
      if (error instanceof EventsDeferredError) return error.applied;
      throw error;
    }
  }

  /**
   * Puts off an event that failed alone: 30 s after the first failure, doubling up to an hour, so a
   * poison event costs later drains nothing until then (before, it failed the first batch of every
   * drain, which then went one event at a time). At maxEventAttempts it is given up on instead:
   * marked dead (kept, for an admin to read, retry or discard). Returns when it may be tried again
   * (null: given up on, or not deferred).
   */
  private async deferFailedEvent(eventId: string, error: unknown): Promise<Date | null> {
    try {
      const [row] = (await this.dataSource.query(
        // A CTE, so the driver answers with rows as for a SELECT (an UPDATE answers [rows, count]).
        `WITH deferred AS (
           UPDATE alert_event SET attempts = attempts + 1, last_error = left($2, 2000),
                  retry_at = CASE WHEN attempts + 1 >= $3 THEN NULL ELSE now() + LEAST(30 * power(2, attempts), 3600) * interval '1 second' END,
                  dead_at = CASE WHEN attempts + 1 >= $3 THEN now() END,
                  dead_reason = CASE WHEN attempts + 1 >= $3 THEN '${AlertEventDeadReason.attempts_exhausted}'::alert_event_dead_reason END
            WHERE id = $1 RETURNING retry_at, attempts, dead_at)
         SELECT retry_at, attempts, dead_at FROM deferred`,
        [eventId, error instanceof Error ? error.message : String(error), Math.max(1, this.options.maxEventAttempts ?? DEFAULT_MAX_EVENT_ATTEMPTS)],
      )) as Array<{ retry_at: Date | null; attempts: number; dead_at: Date | null }>;
      if (row?.dead_at) log.error({ eventId, attempts: row.attempts }, "alert event failed too many times; given up on (kept, marked dead)");
      return row?.retry_at ?? null;
    } catch (deferError) {
      // Not deferred: it stays pending and the next drain tries it again, as before.
      log.error({ err: deferError, eventId }, "could not put off a failed alert event");
      return null;
    }
  }

  /**
   * One batch in one transaction: claims the oldest pending events (skipping those another worker
   * holds), replays each alert's deliveries in arrival order in memory, writes each alert once, then
   * correlates the alerts that (re)fired and marks the events applied, so a retry never counts twice.
   * Locks are taken in one order every worker shares (alerts by lock key, then correlation groups by
   * lock key, then whatever incident creation takes), so two batches cannot wait on each other in a cycle.
   */
  private async applyBatch(work: UnitOfWork, limit: number, skip: string[], claimed: string[]): Promise<number> {
    const { manager } = work;
    const events = (await manager.query(
      `SELECT id, integration_id, received_at, alerts, applied FROM alert_event
        WHERE processed_at IS NULL AND dead_at IS NULL AND (retry_at IS NULL OR retry_at <= now()) AND NOT (id = ANY($2::uuid[]))
        ORDER BY received_at, id LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit, skip],
    )) as Array<{ id: string; integration_id: string; received_at: Date; alerts: NormalizedAlert[]; applied: number }>;
    if (!events.length) return 0;
    claimed.push(...events.map((e) => e.id));
    const integrationIds = [...new Set(events.map((e) => e.integration_id))];
    const integrations = new Map((await manager.find(AlertIntegration, { where: { id: In(integrationIds) } })).map((i) => [i.id, i]));

    // Each alert's deliveries, in arrival order (events by received time, alerts in their event's order).
    const groups = new Map<string, AlertDeliveries>();
    for (const event of events) {
      const integration = integrations.get(event.integration_id);
      if (!integration) continue;
      for (let index = event.applied; index < event.alerts.length; index++) {
        const input = event.alerts[index];
        const fingerprint = fingerprintOf(input, integration.dedupFields ?? []);
        const lockKey = `${integration.id}:${fingerprint}`;
        let group = groups.get(lockKey);
        if (!group) groups.set(lockKey, (group = { integration, fingerprint, deliveries: [] }));
        group.deliveries.push({ at: event.received_at, input });
      }
    }
    if (groups.size) await lockInOrder(manager, LOCK_SPACE, [...groups.keys()]);
    const stored = groups.size ? await this.lockedAlertsOf(manager, [...groups.values()]) : new Map<string, Alert>();

    const changed: Alert[] = [];
    const created: Alert[] = [];
    const toCorrelate: Alert[] = [];
    const toRecover: Alert[] = [];
    for (const [lockKey, group] of groups) {
      const before = stored.get(lockKey) ?? null;
      const outcome = { correlate: false, resolvedFromFiring: false };
      let alert = before;
      for (const delivery of group.deliveries) alert = this.applyDelivery(alert, group, delivery, outcome);
      if (!alert) continue;
      if (before) changed.push(alert);
      else created.push(alert);
      if (outcome.correlate) toCorrelate.push(alert);
      if (outcome.resolvedFromFiring && alert.status === AlertStatus.resolved) toRecover.push(alert);
    }
    await this.updateAlerts(manager, changed);
    await this.insertAlerts(manager, created, integrations);

    if (toCorrelate.length) {
      const rules = await manager.find(CorrelationRule);
      const groupKeys = toCorrelate.flatMap((alert) => {
        const rule = alert.flapping ? null : matchingRule(rules, alert.labels);
        return rule ? [`group:${correlationKeyOf(rule, alert.serviceId, alert.labels, alert.id)}`] : [];
      });
      if (groupKeys.length) await lockInOrder(manager, GROUP_LOCK_SPACE, groupKeys);
      for (const alert of toCorrelate) await this.correlate(work, alert, rules);
    }
    for (const alert of toRecover) if (alert.incidentId) await this.recoverWhenAllResolved(manager, alert.incidentId);
    await manager.query(`UPDATE alert_event SET applied = jsonb_array_length(alerts), processed_at = now() WHERE id = ANY($1::uuid[])`, [claimed]);
    return events.length;
  }

  /** The stored alerts of these deliveries, row-locked (by id, one order for every worker), by lock key. */
  private async lockedAlertsOf(manager: EntityManager, groups: AlertDeliveries[]): Promise<Map<string, Alert>> {
    const rows = (await manager.query(
      `SELECT a.id FROM alert a JOIN unnest($1::uuid[], $2::varchar[]) AS k(integration_id, fingerprint) USING (integration_id, fingerprint) ORDER BY a.id FOR UPDATE OF a`,
      [groups.map((g) => g.integration.id), groups.map((g) => g.fingerprint)],
    )) as Array<{ id: string }>;
    if (!rows.length) return new Map();
    const alerts = await manager.find(Alert, { where: { id: In(rows.map((r) => r.id)) } });
    return new Map(alerts.map((a) => [`${a.integrationId}:${a.fingerprint}`, a]));
  }

  /**
   * One delivery applied to an alert in memory (null: not seen yet). Says in `outcome` whether the
   * alert must be correlated (it opened or fired again without an incident) or was resolved.
   */
  private applyDelivery(alert: Alert | null, group: AlertDeliveries, { at, input }: Delivery, outcome: { correlate: boolean; resolvedFromFiring: boolean }): Alert | null {
    const { integration, fingerprint } = group;
    if (!alert) {
      if (input.action !== "trigger") {
        log.info({ integration: integration.name, action: input.action }, "event for an alert never seen; nothing to apply");
        return null;
      }
      alert = this.dataSource.manager.create(Alert, {
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
      outcome.correlate = true;
      return alert;
    }
    if (input.action === "acknowledge") {
      alert.acknowledgedAt ??= at;
      return alert;
    }
    const latest = Math.max(alert.lastSeenAt.getTime(), alert.resolvedAt?.getTime() ?? 0);
    if (at.getTime() < latest) {
      // Batches run side by side, so an older event can arrive after a newer one: it counts, but the newer state stands.
      if (input.action === "trigger") alert.count += 1;
      return alert;
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
      if (!wasFiring || !alert.incidentId) outcome.correlate = true;
      return alert;
    }
    if (wasFiring) {
      alert.resolvedAt = at;
      outcome.resolvedFromFiring = true;
    }
    return alert;
  }

  /** Writes what deliveries changed on stored alerts, all in one statement. */
  private async updateAlerts(manager: EntityManager, alerts: Alert[]): Promise<void> {
    if (!alerts.length) return;
    const rows = alerts.map((a) => ({
      id: a.id,
      status: a.status,
      count: a.count,
      last_seen_at: a.lastSeenAt,
      acknowledged_at: a.acknowledgedAt,
      resolved_at: a.resolvedAt,
      state_changes: a.stateChanges,
      state_changes_since: a.stateChangesSince,
      flapping: a.flapping,
      title: a.title,
      description: a.description,
      source_severity: a.sourceSeverity,
      severity: a.severity,
      labels: a.labels,
      details: a.details,
    }));
    const result = (await manager.query(
      `UPDATE alert AS a SET status = v.status::alert_status, count = v.count, last_seen_at = v.last_seen_at, acknowledged_at = v.acknowledged_at,
              resolved_at = v.resolved_at, state_changes = v.state_changes, state_changes_since = v.state_changes_since, flapping = v.flapping,
              title = v.title, description = v.description, source_severity = v.source_severity, severity = v.severity::severity,
              labels = v.labels, details = v.details, version = a.version + 1, updated_at = now()
         FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, status text, count int, last_seen_at timestamptz, acknowledged_at timestamptz, resolved_at timestamptz,
              state_changes int, state_changes_since timestamptz, flapping boolean, title text, description text, source_severity text, severity text, labels jsonb, details jsonb)
        WHERE a.id = v.id RETURNING a.id, a.version`,
      [JSON.stringify(rows)],
    )) as [Array<{ id: string; version: number }>, number];
    // TypeORM answers an UPDATE with [rows returned, rows affected].
    const versions = result[0];    const byId = new Map(alerts.map((a) => [a.id, a]));
    for (const v of versions) byId.get(v.id)!.version = v.version;
  }

  private describe(alert: Alert, input: NormalizedAlert): void {
    alert.title = input.title;
    alert.description = input.description;
    alert.sourceSeverity = input.sourceSeverity;
    alert.severity = severityFrom(input.sourceSeverity);
    alert.labels = input.labels;
    alert.details = input.details;
  }

  /**
   * Stores the alerts first seen in this batch, each on the service its label names (by catalog
   * name, any case; else its integration's own): one lookup for the lot and one INSERT per
   * INSERT_CHUNK_ROWS alerts, instead of two statements an alert (bench:alerts correlation drain).
   */
  private async insertAlerts(manager: EntityManager, alerts: Alert[], integrations: Map<string, AlertIntegration>): Promise<void> {
    if (!alerts.length) return;
    const namedBy = (alert: Alert) => alert.labels[integrations.get(alert.integrationId)!.serviceLabel] || null;
    const names = [...new Set(alerts.map(namedBy).filter((name): name is string => !!name))];
    const named = new Map<string, string>();
    if (names.length) {
      const rows = (await manager.query(
        `SELECT k.name, s.id FROM unnest($1::text[]) AS k(name) CROSS JOIN LATERAL (SELECT id FROM service WHERE lower(name) = lower(k.name) LIMIT 1) AS s`,
        [names],
      )) as Array<{ name: string; id: string }>;
      for (const row of rows) named.set(row.name, row.id);
    }
    for (const alert of alerts) alert.serviceId = named.get(namedBy(alert) ?? "") ?? integrations.get(alert.integrationId)!.serviceId;
    // Chunks keep each INSERT's parameters far below PostgreSQL's 65,535 (an event may carry 1,000 alerts).
    // (TypeORM's insert types reject the jsonb Record<string, unknown> of details; the entities themselves
    // are passed so the generated id, version and times are written back into them.)
    for (let start = 0; start < alerts.length; start += INSERT_CHUNK_ROWS) await manager.insert(Alert, alerts.slice(start, start + INSERT_CHUNK_ROWS) as never);
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
  private async correlate(work: UnitOfWork, alert: Alert, rules: CorrelationRule[]): Promise<void> {
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
    const rule = matchingRule(rules, alert.labels);
    if (!rule) {
      await manager.save(alert);
      return;
    }
    const key = correlationKeyOf(rule, alert.serviceId, alert.labels, alert.id);
    // Already held (applyBatch locks every group of its batch up front, in order); re-taking it is free and keeps this safe alone.
    await manager.query(`SELECT pg_advisory_xact_lock($1, hashtext($2))`, [GROUP_LOCK_SPACE, `group:${key}`]);
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
