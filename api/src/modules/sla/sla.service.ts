import { In, LessThanOrEqual, type DataSource, type EntityManager } from "typeorm";
import type { Principal } from "../../platform/auth/roles";
import type { Clock } from "../../platform/clock";
import { loadForEdit } from "../../platform/database/load-for-edit";
import { inTransaction, type UnitOfWork } from "../../platform/database/transaction";
import { ErrorCode, QuellError, badInput, notFound } from "../../platform/errors";
import { describeMinutes } from "../../platform/duration";
import { logger } from "../../platform/logger";
import type { JobQueue } from "../../platform/queue/job-queue";
import { QueueName } from "../../platform/queue/queues";
import { appendAudit } from "../audit/audit.service";
import { Incident } from "../incident/incident.entity";
import { TimelineEntry, TimelineKind } from "../incident/timeline.entity";
import type { IncidentChange, IncidentService } from "../incident/incident.service";
import { Stage, TERMINAL } from "../incident/incident.lifecycle";
import { calendarProblem, isKnownCountry, makeCalendar, type BusinessCalendar } from "./sla.calendar";
import { SlaCalendar, SlaClock, SlaClockKind, SlaPolicy } from "./sla.entity";
import type { SaveSlaCalendarInput, SaveSlaPolicyInput } from "./sla.inputs";
import {
  nextCheckAt,
  pauseClock,
  recordDue,
  restartClock,
  resumeClock,
  retargetClock,
  startClock,
  stopClock,
  timeLeftMs,
  type ClockState,
} from "./sla.rules";
import type { IncidentSla, SlaClockState } from "./sla.types";

const log = logger.child({ component: "sla" });
const MINUTE_MS = 60_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Incidents whose clocks a policy edit re-targets together (locked, computed and written in a few statements). */
const RETARGET_BATCH = 1_000;
/** Incidents whose clocks one sweep looks at; the next sweep takes the rest. */
const SWEEP_BATCH = 500;

/** A warning or breach just recorded; the notification module turns it into webhooks and messages. */
export interface SlaAlert {
  incidentId: string;
  kind: SlaClockKind;
  event: "sla.warning" | "sla.breached";
  at: Date;
}
/** Told of the alerts one write recorded, all together (a policy edit can record thousands at once). */
export type SlaAlertHook = (work: UnitOfWork, alerts: readonly SlaAlert[]) => Promise<void>;

/** One incident's clocks as just computed, with the warnings and breaches to record. */
interface StoredClocks {
  incidentId: string;
  clocks: SlaClock[];
  alerts: SlaAlert[];
}

/** Stages at which the resolution clock has reached its goal (service restored, or cancelled). */
const RESOLVED: readonly Stage[] = [Stage.recovered, Stage.reviewed, ...TERMINAL];

/**
 * Service levels: policies and calendars, and the two clocks of each incident. The clocks follow
 * the incident through its change hooks, inside the same transaction:
 * - response runs from creation until `acknowledgedAt` is set (the first assignment to a person
 *   or the first move out of `identified`: the incident module's definition of "someone took it");
 * - resolution runs until the incident reaches `recovered` (or is cancelled), and again after a reopen;
 * - both pause while `pendingReason` is set, and a priority change re-targets them, keeping the time spent.
 * Warnings and breaches are recorded by delayed jobs armed after every change, and by a periodic
 * sweep over `next_check_at`, which also catches whatever fell due while no worker ran.
 */
export class SlaService {
  private readonly alertHooks: SlaAlertHook[] = [];

  constructor(
    private readonly dataSource: DataSource,
    readonly clock: Clock,
    private readonly jobs: () => JobQueue,
    incidents: IncidentService,
  ) {
    incidents.onCreate((work, incident) => this.follow(work, incident, null));
    incidents.onChange((work, change) => this.follow(work, change.incident, change));
  }

  onAlert(hook: SlaAlertHook): void {
    this.alertHooks.push(hook);
  }

  // ---- administration -------------------------------------------------------------------

  calendars(): Promise<SlaCalendar[]> {
    return this.dataSource.getRepository(SlaCalendar).find({ order: { name: "ASC" } });
  }

  policies(): Promise<SlaPolicy[]> {
    return this.dataSource.getRepository(SlaPolicy).find({ order: { priority: "ASC" } });
  }

  saveCalendar(actor: Principal, input: SaveSlaCalendarInput): Promise<SlaCalendar> {
    const problem = calendarProblem(input.timeZone, input.weeklyHours);
    if (problem) throw badInput(problem.field, problem.message);
    const bad = input.holidays.find((h) => !ISO_DATE.test(h.date) || Number.isNaN(Date.parse(h.date)) || !h.name.trim());
    if (bad) throw badInput("holidays", `"${bad.date}" needs a yyyy-MM-dd date and a name`);
    const country = input.holidayCountry?.toUpperCase() ?? null;
    if (country && !isKnownCountry(country)) throw badInput("holidayCountry", `no public-holiday data for "${country}"`);
    return inTransaction(this.dataSource, async ({ manager }) => {
      const calendar = await loadForEdit(manager, SlaCalendar, "SlaCalendar", input.id, input.version);
      const before = calendar ? { ...calendar } : null;
      const clash = await manager.findOne(SlaCalendar, { where: { name: input.name } });
      if (clash && clash.id !== calendar?.id) throw new QuellError(ErrorCode.Conflict, `A calendar named "${input.name}" already exists.`, { field: "name" });
      const saved = await manager.save(
        Object.assign(calendar ?? manager.create(SlaCalendar), {
          name: input.name,
          timeZone: input.timeZone,
          weeklyHours: input.weeklyHours.map((w) => ({ weekday: w.weekday, start: w.start, end: w.end })),
          holidays: input.holidays.map((h) => ({ date: h.date, name: h.name.trim() })),
          holidayCountry: country,
        }),
      );
      await appendAudit(manager, actor, { action: calendar ? "sla_calendar.update" : "sla_calendar.create", entityType: "sla_calendar", entityId: saved.id, before, after: saved });
      return saved;
    });
  }

  /**
   * Saves a policy. An edit re-targets the clocks still running or paused under it (the time they
   * have spent stays); finished clocks keep the outcome they had.
   */
  savePolicy(actor: Principal, input: SaveSlaPolicyInput): Promise<SlaPolicy> {
    if (input.resolutionTargetMinutes < input.responseTargetMinutes) throw badInput("resolutionTargetMinutes", "must be at least the response target");
    return inTransaction(this.dataSource, async (work) => {
      const { manager } = work;
      if (input.calendarId && !(await manager.exists(SlaCalendar, { where: { id: input.calendarId } }))) throw notFound("SlaCalendar", input.calendarId);
      const policy = await loadForEdit(manager, SlaPolicy, "SlaPolicy", input.id, input.version);
      const before = policy ? { ...policy } : null;
      const clash = await manager.findOne(SlaPolicy, { where: { priority: input.priority } });
      if (clash && clash.id !== policy?.id) throw new QuellError(ErrorCode.Conflict, `P${input.priority} already has the policy "${clash.name}".`, { field: "priority" });
      const saved = await manager.save(
        Object.assign(policy ?? manager.create(SlaPolicy), {
          name: input.name,
          priority: input.priority,
          responseTargetMinutes: input.responseTargetMinutes,
          resolutionTargetMinutes: input.resolutionTargetMinutes,
          warnAtShare: input.warnAtShare,
          calendarId: input.calendarId ?? null,
        }),
      );
      await appendAudit(manager, actor, { action: policy ? "sla_policy.update" : "sla_policy.create", entityType: "sla_policy", entityId: saved.id, before, after: saved });
      if (policy) await this.retargetUnfinished(work, saved);
      return saved;
    });
  }

  deletePolicy(actor: Principal, id: string, version: number): Promise<SlaPolicy> {
    return inTransaction(this.dataSource, async ({ manager }) => {
      const policy = (await loadForEdit(manager, SlaPolicy, "SlaPolicy", id, version))!;
      const before = { ...policy };
      await manager.delete(SlaPolicy, { id });
      await appendAudit(manager, actor, { action: "sla_policy.delete", entityType: "sla_policy", entityId: id, before, after: null });
      return before as SlaPolicy;
    });
  }

  // ---- the clocks -------------------------------------------------------------------------

  /** The incident's clocks follow its creation or one change (all in the change's transaction). */
  private async follow(work: UnitOfWork, incident: Incident, change: IncidentChange | null): Promise<void> {
    const { manager } = work;
    const now = this.clock.now();
    // A new incident (no change) has no clocks yet: no need to look.
    let clocks = change ? await manager.find(SlaClock, { where: { incidentId: incident.id }, lock: { mode: "pessimistic_write" } }) : [];
    const calendars = new CalendarCache(manager);
    const alerts: SlaAlert[] = [];
    const priorityChanged = !!change && change.before.priority !== incident.priority;
    if (clocks.length === 0) {
      if (change && !priorityChanged) return;
      clocks = await openClocks(manager, incident, change ? incident.createdAt : now);
      if (clocks.length === 0) return;
    } else if (priorityChanged) {
      const policy = await manager.findOne(SlaPolicy, { where: { priority: incident.priority } });
      if (policy) for (const c of clocks) await applyPolicy(c, policy, calendars, now, alerts);
    }
    for (const c of clocks) {
      const cal = await calendars.get(c.calendarId);
      const due = recordDue(c, now);
      collect(alerts, c, due);
      const wasPending = !!change?.before.pendingReason;
      const isPending = !!incident.pendingReason;
      // A cancelled or closed incident needs no response any more either.
      if (c.kind === SlaClockKind.response && (incident.acknowledgedAt || TERMINAL.includes(incident.stage))) stopClock(c, cal, now);
      if (c.kind === SlaClockKind.resolution) {
        if (RESOLVED.includes(incident.stage)) stopClock(c, cal, now);
        else if (c.stoppedAt) restartClock(c, cal, now); // reopened
      }
      if (isPending && !wasPending) pauseClock(c, cal, now);
      if (!isPending && (wasPending || c.pausedAt)) resumeClock(c, cal, now);
      c.nextCheckAt = nextCheckAt(c);
    }
    await this.store(work, incident.id, clocks, alerts);
  }

  /**
   * The clocks of one edited policy that still run or are paused, RETARGET_BATCH incidents at a time:
   * each batch's clocks are locked in one statement (all of an incident's, as follow() locks them),
   * re-targeted in memory (business calendars are Node's), and written back in a few statements.
   * Before, every incident took its own lock, save and update: about six round trips per incident,
   * minutes at 100k open incidents (bench/src/sla-policy-edit.ts).
   */
  private async retargetUnfinished(work: UnitOfWork, policy: SlaPolicy): Promise<void> {
    const { manager } = work;
    const now = this.clock.now();
    const calendars = new CalendarCache(manager);
    const incidents: Array<{ incident_id: string }> = await manager.query(`SELECT DISTINCT incident_id FROM sla_clock WHERE policy_id = $1 AND stopped_at IS NULL ORDER BY incident_id`, [policy.id]);
    for (let start = 0; start < incidents.length; start += RETARGET_BATCH) {
      const ids = incidents.slice(start, start + RETARGET_BATCH).map((r) => r.incident_id);
      const clocks = await manager.find(SlaClock, { where: { incidentId: In(ids) }, order: { incidentId: "ASC", kind: "ASC" }, lock: { mode: "pessimistic_write" } });
      const byIncident = new Map<string, StoredClocks>();
      const retargeted: SlaClock[] = [];
      for (const c of clocks) {
        let entry = byIncident.get(c.incidentId);
        if (!entry) byIncident.set(c.incidentId, (entry = { incidentId: c.incidentId, clocks: [], alerts: [] }));
        entry.clocks.push(c);
        if (c.policyId !== policy.id || c.stoppedAt) continue;
        await applyPolicy(c, policy, calendars, now, entry.alerts);
        // A shorter target may already be past: that warning or breach is recorded now.
        collect(entry.alerts, c, recordDue(c, now));
        c.nextCheckAt = nextCheckAt(c);
        retargeted.push(c);
      }
      // Only these changed; an incident's other clocks are read for its sort keys and left as stored.
      await updateClocks(manager, retargeted);
      await this.afterClocksStored(work, [...byIncident.values()]);
    }
  }

  /** Saves one incident's clocks (new ones too), then what follows from them (see afterClocksStored). */
  private async store(work: UnitOfWork, incidentId: string, clocks: SlaClock[], alerts: SlaAlert[]): Promise<void> {
    for (const c of clocks) c.nextCheckAt = nextCheckAt(c);
    await work.manager.save(SlaClock, clocks);
    await this.afterClocksStored(work, [{ incidentId, clocks, alerts }]);
  }

  /**
   * After clocks are saved: keeps each incident's sort keys (nearest running deadline; else, when all
   * unfinished clocks are paused, the least time left), puts the alerts on the incidents' timelines,
   * raises them and re-arms the timers after commit. One statement per kind of write, however many incidents.
   */
  private async afterClocksStored(work: UnitOfWork, stored: StoredClocks[]): Promise<void> {
    const { manager } = work;
    const keys = stored.map((s) => slaSortKeys(s.clocks));
    // A plain UPDATE: these keys are derived, and must not bump the incident's version (readers' edits would conflict).
    await manager.query(
      `UPDATE incident AS i SET sla_due_at = k.due_at, sla_paused_left_seconds = k.paused_left_seconds
         FROM unnest($1::uuid[], $2::timestamptz[], $3::int[]) AS k(id, due_at, paused_left_seconds) WHERE i.id = k.id`,
      [stored.map((s) => s.incidentId), keys.map((k) => k.slaDueAt), keys.map((k) => k.slaPausedLeftSeconds)],
    );
    const entries = stored.flatMap(({ incidentId, clocks, alerts }) => {
      const targets = new Map(clocks.map((c) => [c.kind, c.targetMs]));
      return alerts.map((a) => ({ incidentId, kind: TimelineKind.sla, message: describeSlaAlert(a, targets.get(a.kind) ?? 0), data: { event: a.event, clock: a.kind, at: a.at.toISOString() }, actorId: null }));
    });
    if (entries.length) await manager.insert(TimelineEntry, entries);
    const alerts = stored.flatMap((s) => s.alerts);
    if (alerts.length) for (const hook of this.alertHooks) await hook(work, alerts);
    for (const { incidentId, clocks } of stored) {
      const checks = clocks.map((c) => c.nextCheckAt).filter((d): d is Date => !!d);
      if (checks.length) work.afterCommit(() => this.arm(incidentId, new Date(Math.min(...checks.map((d) => d.getTime())))));
    }
  }

  /**
   * A delayed job at the next warning or breach. Each re-arm is a new job id, so an older timer
   * still fires, finds nothing due, and does nothing. If the queue is away the sweep covers it.
   */
  private arm(incidentId: string, at: Date): void {
    const delayMs = Math.max(0, at.getTime() - this.clock.now().getTime());
    this.jobs()
      .enqueue(QueueName.Sla, "check", { incidentId }, { jobId: `sla-${incidentId}-${at.getTime()}`, delayMs })
      .catch((err: unknown) => log.warn({ incidentId, err: err instanceof Error ? err.message : err }, "could not arm the SLA timer; the sweep will catch it"));
  }

  /** Records what has fallen due on one incident's clocks. Returns the alerts recorded. */
  async check(incidentId: string): Promise<SlaAlert[]> {
    return inTransaction(this.dataSource, async (work) => {
      const now = this.clock.now();
      const clocks = await work.manager.find(SlaClock, { where: { incidentId }, lock: { mode: "pessimistic_write" } });
      const alerts: SlaAlert[] = [];
      for (const c of clocks) collect(alerts, c, recordDue(c, now));
      if (alerts.length) await this.store(work, incidentId, clocks, alerts);
      return alerts;
    });
  }

  /** The safety net: every incident with a warning or breach due by now. Returns how many alerts were recorded. */
  async sweep(): Promise<number> {
    const due = await this.dataSource.getRepository(SlaClock).find({
      where: { nextCheckAt: LessThanOrEqual(this.clock.now()) },
      select: { incidentId: true },
      order: { nextCheckAt: "ASC" },
      take: SWEEP_BATCH,
    });
    let recorded = 0;
    for (const incidentId of new Set(due.map((c) => c.incidentId))) recorded += (await this.check(incidentId)).length;
    if (recorded) log.info({ recorded }, "SLA sweep recorded warnings or breaches");
    return recorded;
  }

  /** The stored SLA outcomes (targets, breached flags and times): what compliance figures are computed from. */
  clocksOf(incidentIds: readonly string[]): Promise<SlaClock[]> {
    return incidentIds.length ? this.dataSource.getRepository(SlaClock).find({ where: { incidentId: In([...incidentIds]) } }) : Promise.resolve([]);
  }

  /** Share of finished clocks that met their target, over incidents opened in [from, to). */
  async compliance(from: Date, to: Date): Promise<{ kind: SlaClockKind; finished: number; met: number; breached: number }[]> {
    const rows = (await this.dataSource.query(
      `SELECT c.kind, count(*) FILTER (WHERE c.stopped_at IS NOT NULL OR c.breached_at IS NOT NULL)::int AS finished,
              count(*) FILTER (WHERE c.stopped_at IS NOT NULL AND c.breached_at IS NULL)::int AS met,
              count(*) FILTER (WHERE c.breached_at IS NOT NULL)::int AS breached
         FROM sla_clock c JOIN incident i ON i.id = c.incident_id
        WHERE i.created_at >= $1 AND i.created_at < $2 GROUP BY c.kind ORDER BY c.kind`,
      [from, to],
    )) as { kind: SlaClockKind; finished: number; met: number; breached: number }[];
    return rows;
  }

  /** The incidents' SLA state as of now, for GraphQL (one query for the clocks, one for their calendars). */
  async states(clocksByIncident: ReadonlyMap<string, SlaClock[]>): Promise<Map<string, IncidentSla>> {
    const calendars = new CalendarCache(this.dataSource.manager);
    const policyIds = [...new Set([...clocksByIncident.values()].flat().map((c) => c.policyId).filter((id): id is string => !!id))];
    const policies = policyIds.length ? await this.dataSource.getRepository(SlaPolicy).find({ where: { id: In(policyIds) } }) : [];
    await calendars.preload([...new Set([...clocksByIncident.values()].flat().map((c) => c.calendarId))]);
    const now = this.clock.now();
    const out = new Map<string, IncidentSla>();
    for (const [incidentId, clocks] of clocksByIncident) {
      const states: SlaClockState[] = [];
      for (const c of clocks) states.push(describe(c, await calendars.get(c.calendarId), now));
      const open = states.filter((s) => !s.stopped);
      const running = open.filter((s) => s.running);
      out.set(incidentId, {
        policyName: policies.find((p) => p.id === clocks[0]?.policyId)?.name ?? null,
        response: states.find((s) => s.kind === SlaClockKind.response) ?? null,
        resolution: states.find((s) => s.kind === SlaClockKind.resolution) ?? null,
        timeLeftMs: running.length ? Math.min(...running.map((s) => s.timeLeftMs)) : open.length ? Math.min(...open.map((s) => s.timeLeftMs)) : null,
        paused: open.length > 0 && open.every((s) => s.paused),
        warning: states.some((s) => s.warning && !s.breached && !s.stopped),
        breached: states.some((s) => s.breached),
      });
    }
    return out;
  }
}

function targetOf(policy: SlaPolicy, kind: SlaClockKind): number {
  return (kind === SlaClockKind.response ? policy.responseTargetMinutes : policy.resolutionTargetMinutes) * MINUTE_MS;
}

/** A policy's targets, warning share and calendar for one clock; the time it already spent counts against them. */
async function applyPolicy(c: SlaClock, policy: SlaPolicy, calendars: CalendarCache, now: Date, alerts: SlaAlert[]): Promise<void> {
  // What fell due under the old target is recorded first, so no warning is swallowed by the change.
  collect(alerts, c, recordDue(c, now));
  retargetClock(c, await calendars.get(c.calendarId), now, targetOf(policy, c.kind), policy.warnAtShare);
  c.policyId = policy.id;
  if (c.calendarId !== policy.calendarId) {
    c.calendarId = policy.calendarId;
    // Re-plan the deadlines in the new calendar; the spent time stays as it was counted.
    retargetClock(c, await calendars.get(c.calendarId), now, c.targetMs, c.warnShare);
  }
}

/** The timeline's words for an SLA warning or breach. */
export function describeSlaAlert(alert: Pick<SlaAlert, "kind" | "event">, targetMs: number): string {
  const clock = alert.kind === SlaClockKind.response ? "Response" : "Resolution";
  const target = describeMinutes(Math.round(targetMs / MINUTE_MS));
  return alert.event === "sla.breached" ? `${clock} SLA breached: the ${target} target passed` : `${clock} SLA warning: the ${target} target is close`;
}

function collect(alerts: SlaAlert[], c: SlaClock, due: { warned: boolean; breached: boolean }): void {
  if (due.warned && !due.breached) alerts.push({ incidentId: c.incidentId, kind: c.kind, event: "sla.warning", at: c.warnedAt! });
  if (due.breached) alerts.push({ incidentId: c.incidentId, kind: c.kind, event: "sla.breached", at: c.breachedAt! });
}

function describe(c: SlaClock & ClockState, cal: BusinessCalendar | null, now: Date): SlaClockState {
  const left = timeLeftMs(c, cal, now);
  const breached = !!c.breachedAt || left < 0;
  return {
    kind: c.kind,
    targetMinutes: c.targetMs / MINUTE_MS,
    timeLeftMs: left,
    dueAt: c.dueAt,
    running: !!c.runningSince,
    paused: !!c.pausedAt,
    stopped: !!c.stoppedAt,
    warning: !!c.warnedAt || (!c.stoppedAt && left <= c.targetMs * (1 - c.warnShare)),
    breached,
    warnedAt: c.warnedAt,
    breachedAt: c.breachedAt,
  };
}

/** Calendars read once per operation; `null` id is around the clock. */
/** New clocks for an incident under its priority's policy, started at `since` (none when the priority has no policy). */
export async function openClocks(manager: EntityManager, incident: Pick<Incident, "id" | "priority">, since: Date): Promise<SlaClock[]> {
  const policy = await manager.findOne(SlaPolicy, { where: { priority: incident.priority } });
  if (!policy) return [];
  const calendars = new CalendarCache(manager);
  const cal = await calendars.get(policy.calendarId);
  return [SlaClockKind.response, SlaClockKind.resolution].map((kind) => {
    const c = manager.create(SlaClock, {
      incidentId: incident.id,
      kind,
      policyId: policy.id,
      calendarId: policy.calendarId,
      targetMs: targetOf(policy, kind),
      warnShare: policy.warnAtShare,
      spentMs: 0,
      runningSince: null,
      pausedAt: null,
      stoppedAt: null,
      dueAt: null,
      warnAt: null,
      warnedAt: null,
      breachedAt: null,
      breachRecordedAt: null,
      nextCheckAt: null,
    });
    startClock(c, cal, since);
    return c;
  });
}

/**
 * The incident's SLA sort keys: the nearest running deadline; else, when every unfinished clock is
 * paused, the least business time left in seconds (negative when overdue).
 */
export function slaSortKeys(clocks: readonly SlaClock[]): { slaDueAt: Date | null; slaPausedLeftSeconds: number | null } {
  const running = clocks.filter((c) => c.runningSince && c.dueAt).map((c) => c.dueAt!.getTime());
  const pausedLeft = clocks.filter((c) => c.pausedAt && !c.stoppedAt).map((c) => Math.floor((c.targetMs - c.spentMs) / 1000));
  if (running.length) return { slaDueAt: new Date(Math.min(...running)), slaPausedLeftSeconds: null };
  return { slaDueAt: null, slaPausedLeftSeconds: pausedLeft.length ? Math.min(...pausedLeft) : null };
}

/** Writes existing clocks back, all in one statement (what retargeting changes: every moving part). */
async function updateClocks(manager: EntityManager, clocks: readonly SlaClock[]): Promise<void> {
  if (!clocks.length) return;
  const rows = clocks.map((c) => ({
    id: c.id,
    policy_id: c.policyId,
    calendar_id: c.calendarId,
    target_ms: c.targetMs,
    warn_share: c.warnShare,
    spent_ms: c.spentMs,
    running_since: c.runningSince,
    paused_at: c.pausedAt,
    stopped_at: c.stoppedAt,
    due_at: c.dueAt,
    warn_at: c.warnAt,
    warned_at: c.warnedAt,
    breached_at: c.breachedAt,
    breach_recorded_at: c.breachRecordedAt,
    next_check_at: c.nextCheckAt,
  }));
  await manager.query(
    `UPDATE sla_clock AS c SET policy_id = v.policy_id, calendar_id = v.calendar_id, target_ms = v.target_ms, warn_share = v.warn_share, spent_ms = v.spent_ms,
            running_since = v.running_since, paused_at = v.paused_at, stopped_at = v.stopped_at, due_at = v.due_at, warn_at = v.warn_at, warned_at = v.warned_at,
            breached_at = v.breached_at, breach_recorded_at = v.breach_recorded_at, next_check_at = v.next_check_at
       FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, policy_id uuid, calendar_id uuid, target_ms bigint, warn_share real, spent_ms bigint, running_since timestamptz,
            paused_at timestamptz, stopped_at timestamptz, due_at timestamptz, warn_at timestamptz, warned_at timestamptz, breached_at timestamptz,
            breach_recorded_at timestamptz, next_check_at timestamptz)
      WHERE c.id = v.id`,
    [JSON.stringify(rows)],
  );
}

/** Calendars by id, each made once per unit of work. */
export class CalendarCache {
  private readonly byId = new Map<string, BusinessCalendar>();
  constructor(private readonly manager: EntityManager) {}

  async preload(ids: Array<string | null>): Promise<void> {
    const wanted = ids.filter((id): id is string => !!id && !this.byId.has(id));
    if (!wanted.length) return;
    for (const row of await this.manager.find(SlaCalendar, { where: { id: In(wanted) } })) this.byId.set(row.id, toBusinessCalendar(row));
  }

  async get(id: string | null): Promise<BusinessCalendar | null> {
    if (!id) return null;
    await this.preload([id]);
    return this.byId.get(id) ?? null;
  }
}

export function toBusinessCalendar(row: SlaCalendar): BusinessCalendar {
  return makeCalendar(row.timeZone, row.weeklyHours, row.holidays.map((h) => h.date), row.holidayCountry);
}
