import type { DataSource, EntityManager } from "typeorm";
import { seedDemoAlerts } from "../alert/alert.demo";
import { seedDemoSla } from "../sla/sla.demo";
import { hashPassword } from "../../platform/auth/auth.service";
import { logger } from "../../platform/logger";
import { appendAudit } from "../audit/audit.service";
import { Service } from "../catalog/catalog.entity";
import { ClosureCode, Incident, IncidentTransition, Severity } from "../incident/incident.entity";
import { STAGE_ORDER, Stage } from "../incident/incident.lifecycle";
import { priorityFor, type PriorityMatrix } from "../incident/priority.rules";
import { PriorityRule } from "../incident/priority-rule.entity";
import { STAGE_STAMP, formatIncidentNumber } from "../incident/incident.rules";
import { IncidentReport } from "../incident/report.entity";
import { FollowUpTask } from "../incident/task.entity";
import { TimelineEntry, TimelineKind } from "../incident/timeline.entity";
import { Team } from "../team/team.entity";
import { User } from "../user/user.entity";
import { seedDemoChanges } from "../change/change.demo";
import { seedDemoProblems } from "./demo.problems";
import { DEMO_PASSWORD, DEMO_SERVICES, DEMO_TEAMS, DEMO_USERS, INCIDENT_TEMPLATES, type IncidentTemplate } from "./demo.catalog";

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** Small seeded PRNG (mulberry32): the demo looks the same on every machine. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)],
  };
}

const DEMO_CLOSURE_CODES: readonly ClosureCode[] = [
  ClosureCode.solved_permanently,
  ClosureCode.solved_permanently,
  ClosureCode.solved_permanently,
  ClosureCode.solved_workaround,
  ClosureCode.solved_remotely,
];

/** Where an incident of this age should be: old ones are mostly closed, new ones anywhere. */
function targetStage(rand: ReturnType<typeof prng>, ageDays: number, priority: number): Stage {
  const roll = rand.next();
  if (ageDays > 14) return roll < 0.9 ? Stage.closed : roll < 0.95 ? Stage.reviewed : Stage.recovered;
  const open = [Stage.identified, Stage.classified, Stage.assessed, Stage.contained, Stage.eradicated, Stage.recovered, Stage.reviewed, Stage.closed];
  const stage = open[Math.min(open.length - 1, Math.floor(roll * open.length))];
  // Low-priority work skips containment and eradication (see the transition table).
  if (priority >= 4 && (stage === Stage.contained || stage === Stage.eradicated)) return Stage.assessed;
  return stage;
}

/** The stages an incident passes through to reach `target`, honouring the allowed skips. */
function pathTo(target: Stage, priority: number, isMajor: boolean): Stage[] {
  const skipContainment = priority >= 4;
  const skipReview = priority >= 3 && !isMajor;
  return STAGE_ORDER.slice(0, STAGE_ORDER.indexOf(target) + 1).filter((s) => {
    if (skipContainment && (s === Stage.contained || s === Stage.eradicated)) return false;
    if (skipReview && s === Stage.reviewed && target === Stage.closed) return false;
    return true;
  });
}


/** Typical minutes spent before entering each stage, scaled up for lower priorities. */
const STAGE_DELAY_MINUTES: Partial<Record<Stage, [number, number]>> = {
  [Stage.classified]: [2, 25],
  [Stage.assessed]: [5, 60],
  [Stage.contained]: [10, 180],
  [Stage.eradicated]: [30, 600],
  [Stage.recovered]: [15, 900],
  [Stage.reviewed]: [1440, 4320],
  [Stage.closed]: [60, 4320],
};

const SEVERITY_ORDER = [Severity.SEV1, Severity.SEV2, Severity.SEV3, Severity.SEV4];

/** People disagree on severity: about one in five incidents is rated a step off its template. */
function jitterSeverity(rand: ReturnType<typeof prng>, severity: Severity): Severity {
  if (rand.next() >= 0.2) return severity;
  const index = SEVERITY_ORDER.indexOf(severity) + (rand.next() < 0.5 ? -1 : 1);
  return SEVERITY_ORDER[Math.min(SEVERITY_ORDER.length - 1, Math.max(0, index))];
}

function fill(text: string, rand: ReturnType<typeof prng>): string {
  return text.replace("{n}", String(rand.int(1, 6))).replace("{x}", String(rand.int(3, 97)));
}

export interface DemoSeedResult {
  seeded: boolean;
  incidents: number;
}

/** Seeds the demo organisation once (skipped when any user exists). */
export async function seedDemoData(dataSource: DataSource, options: { incidentCount?: number; now?: Date } = {}): Promise<DemoSeedResult> {
  if ((await dataSource.getRepository(User).count()) > 0) return { seeded: false, incidents: 0 };
  const incidentCount = options.incidentCount ?? 320;
  const now = options.now ?? new Date();
  const rand = prng(20261128);
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await dataSource.transaction(async (manager) => {
    const teams = new Map<string, Team>();
    for (const t of DEMO_TEAMS) teams.set(t.name, await manager.save(manager.create(Team, { ...t })));
    const services = new Map<string, Service>();
    for (const s of DEMO_SERVICES) {
      services.set(s.name, await manager.save(manager.create(Service, { name: s.name, kind: s.kind, criticality: s.criticality, description: s.description, ownerTeamId: teams.get(s.team)!.id })));
    }
    const users: User[] = [];
    for (const u of DEMO_USERS) {
      users.push(await manager.save(manager.create(User, { email: u.email, name: u.name, role: u.role, teamId: u.team ? teams.get(u.team)!.id : null, passwordHash })));
    }
    const matrix = await manager.find(PriorityRule);
    const created = await seedIncidents(manager, { rand, now, incidentCount, teams, services, users, matrix });
    const problems = await seedDemoProblems(manager, { now, users, services, matrix });
    const changes = await seedDemoChanges(manager, { now, users });
    const slaClocked = await seedDemoSla(manager, { now });
    const alerts = await seedDemoAlerts(manager, { now, services });
    await appendAudit(manager, null, { action: "demo.seed", entityType: "system", entityId: "demo", after: { teams: teams.size, services: services.size, users: users.length, incidents: created, problems, changes, slaClocked, alerts } });
  });
  logger.info({ incidents: incidentCount }, "seeded demo data");
  return { seeded: true, incidents: incidentCount };
}

interface SeedContext {
  rand: ReturnType<typeof prng>;
  now: Date;
  incidentCount: number;
  teams: Map<string, Team>;
  services: Map<string, Service>;
  users: User[];
  matrix: PriorityMatrix;
}

async function seedIncidents(manager: EntityManager, ctx: SeedContext): Promise<number> {
  const { rand, now, users } = ctx;
  const spanDays = 180;
  const incidents: Incident[] = [];
  const transitions: Partial<IncidentTransition>[] = [];
  const timeline: Partial<TimelineEntry>[] = [];
  const reports: Partial<IncidentReport>[] = [];
  const tasks: Partial<FollowUpTask>[] = [];
  const byTemplate = new Map<IncidentTemplate, Incident[]>();
  for (let i = 0; i < ctx.incidentCount; i++) {
    // More incidents recently than long ago, as in a growing organisation.
    const ageDays = spanDays * Math.pow(rand.next(), 2);
    const identifiedAt = new Date(now.getTime() - ageDays * DAY_MS);
    const template = rand.pick(INCIDENT_TEMPLATES);
    const service = ctx.services.get(template.service)!;
    const impact = Math.min(3, Math.max(1, template.impact + (rand.next() < 0.2 ? 1 : 0)));
    const urgency = template.urgency;
    const priority = priorityFor(ctx.matrix, impact, urgency);
    const isMajor = priority === 1 && rand.next() < 0.7;
    // Like real queues, some work lands with the service desk instead of the owning team.
    const teamId = rand.next() < 0.12 ? ctx.teams.get("Service Desk")!.id : service.ownerTeamId;
    const teamMembers = users.filter((u) => u.teamId === teamId);
    const assignee = rand.next() < 0.85 ? rand.pick(teamMembers.length ? teamMembers : users) : null;
    const reporter = rand.pick(users);
    const target = targetStage(rand, ageDays, priority);
    const incident = manager.create(Incident, {
      title: fill(rand.pick(template.titles), rand),
      description: fill(template.description, rand),
      serviceId: service.id,
      category: template.category,
      impact,
      urgency,
      priority,
      severity: target === Stage.identified && rand.next() < 0.5 ? null : jitterSeverity(rand, template.severity),
      teamId,
      assigneeId: assignee?.id ?? null,
      reporterId: reporter.id,
      isMajor,
      commanderId: isMajor ? (assignee?.id ?? null) : null,
      communicationsLeadId: isMajor ? users[0].id : null,
      identifiedAt,
      createdAt: identifiedAt,
      stage: Stage.identified,
    });
    let at = identifiedAt.getTime();
    const path = pathTo(target, priority, isMajor);
    transitions.push({ incident, fromStage: null, toStage: Stage.identified, at: identifiedAt, actorId: reporter.id } as never);
    timeline.push({ incident, kind: TimelineKind.created, message: `Opened: ${incident.title}`, actorId: reporter.id, createdAt: identifiedAt } as never);
    let previous = Stage.identified;
    for (const stage of path.slice(1)) {
      const [lo, hi] = STAGE_DELAY_MINUTES[stage]!;
      at += rand.int(lo, hi) * (priority >= 4 ? 3 : 1) * MINUTE_MS;
      if (at > now.getTime()) break;
      const when = new Date(at);
      (incident as unknown as Record<string, unknown>)[STAGE_STAMP[stage]] = when;
      incident.stage = stage;
      const actorId = assignee?.id ?? reporter.id;
      transitions.push({ incident, fromStage: previous, toStage: stage, at: when, actorId } as never);
      timeline.push({ incident, kind: TimelineKind.stage_changed, message: `Moved from ${previous} to ${stage}`, actorId, data: { from: previous, to: stage }, createdAt: when } as never);
      previous = stage;
    }
    incident.acknowledgedAt = incident.classifiedAt ?? (assignee ? new Date(identifiedAt.getTime() + rand.int(1, 20) * MINUTE_MS) : null);
    if (incident.recoveredAt) incident.resolution = template.resolution;
    // Closing requires a closure code, so demo history has one too (picked by position: the random stream, and so the rest of the demo, stays as it was).
    if (incident.stage === Stage.closed) incident.closureCode = DEMO_CLOSURE_CODES[incidents.length % DEMO_CLOSURE_CODES.length]!;
    incident.updatedAt = new Date(at > now.getTime() ? now.getTime() : at);
    incidents.push(incident);
    if (!byTemplate.has(template)) byTemplate.set(template, []);
    byTemplate.get(template)!.push(incident);
    if (incident.reviewedAt || (incident.closedAt && isMajor)) {
      const shared = incident.stage === Stage.closed;
      reports.push({
        incident,
        whatHappened: `${incident.title}. ${incident.description}`,
        impact: `${service.name} degraded for ${Math.round(((incident.recoveredAt?.getTime() ?? at) - identifiedAt.getTime()) / MINUTE_MS)} minutes.`,
        rootCause: template.rootCause,
        wentWell: "Alert fired quickly and the on-call engineer had the runbook at hand.",
        toImprove: "Catch this earlier with a dedicated monitor.",
        actionItems: ["Add a monitor for the leading indicator", "Update the runbook"],
        authorId: assignee?.id ?? reporter.id,
        publishedAt: shared ? incident.closedAt : null,
      } as never);
      tasks.push({ incident, title: "Add a monitor for the leading indicator", ownerId: assignee?.id ?? reporter.id, dueAt: new Date(at + 7 * DAY_MS), completedAt: shared ? incident.closedAt : null } as never);
    }
  }
  // A few recent open incidents are duplicates of an earlier open one on the same template.
  for (const group of byTemplate.values()) {
    const open = group.filter((i) => i.stage === Stage.identified || i.stage === Stage.classified).sort((a, b) => a.identifiedAt.getTime() - b.identifiedAt.getTime());
    if (open.length >= 2 && rand.next() < 0.6) {
      const duplicate = open[open.length - 1];
      duplicate.stage = Stage.cancelled;
      duplicate.cancelledAt = new Date(Math.min(now.getTime(), duplicate.identifiedAt.getTime() + 20 * MINUTE_MS));
      (duplicate as unknown as { _duplicateOf: Incident })._duplicateOf = open[0];
    }
  }
  const saved = await manager.save(Incident, incidents, { chunk: 100 });
  for (const incident of saved) {
    const original = (incident as unknown as { _duplicateOf?: Incident })._duplicateOf;
    if (original) {
      await manager.update(Incident, { id: incident.id }, { duplicateOfId: original.id });
      transitions.push({ incident, fromStage: Stage.identified, toStage: Stage.cancelled, at: incident.cancelledAt!, actorId: users[0].id, reason: "duplicate" } as never);
      timeline.push({ incident, kind: TimelineKind.marked_duplicate, message: `Cancelled as a duplicate of ${formatIncidentNumber(original.number)}`, actorId: users[0].id, createdAt: incident.cancelledAt! } as never);
    }
  }
  const withIds = <T extends { incident?: Incident }>(rows: T[]) => rows.map(({ incident, ...rest }) => ({ ...rest, incidentId: incident!.id }));
  await manager.insert(IncidentTransition, withIds(transitions as Array<Partial<IncidentTransition> & { incident?: Incident }>) as never);
  await manager.insert(TimelineEntry, withIds(timeline as Array<Partial<TimelineEntry> & { incident?: Incident }>) as never);
  if (reports.length) await manager.insert(IncidentReport, withIds(reports as Array<Partial<IncidentReport> & { incident?: Incident }>) as never);
  if (tasks.length) await manager.insert(FollowUpTask, withIds(tasks as Array<Partial<FollowUpTask> & { incident?: Incident }>) as never);
  return saved.length;
}
