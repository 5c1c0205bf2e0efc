import type { EntityManager } from "typeorm";
import { Service } from "../catalog/catalog.entity";
import { ServiceDependency } from "../catalog/service-dependency.entity";
import { Incident, IncidentTransition, Severity } from "../incident/incident.entity";
import { Stage } from "../incident/incident.lifecycle";
import { TimelineEntry, TimelineKind } from "../incident/timeline.entity";
import type { User } from "../user/user.entity";
import { ChangeTemplate, FreezeRecurrence, FreezeWindow } from "./change-config.entity";
import { ChangeAnalysis } from "./change.analysis";
import { ApprovalDecision, Change, ChangeApproval, ChangeReview, ChangeServiceLink, ChangeTransition, IncidentCause, ReviewOutcome } from "./change.entity";
import { CHANGE_STAGE_ORDER, ChangeStage, ChangeType } from "./change.lifecycle";
import { CHANGE_STAGE_STAMP } from "./change.rules";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

interface DemoChange {
  title: string;
  type: ChangeType;
  services: string[];
  /** Planned start, in hours from now (negative: in the past). */
  startInHours: number;
  hours: number;
  stage: ChangeStage;
  template?: boolean;
  rejection?: string;
  review?: { outcome: ReviewOutcome; lessons: string };
  causedIncident?: string;
}

const DEPENDENCIES: Array<[string, string]> = [
  ["Checkout", "orders-db (PostgreSQL)"],
  ["Checkout", "prod-k8s cluster"],
  ["Customer Portal", "orders-db (PostgreSQL)"],
  ["Customer Portal", "Single Sign-On"],
  ["Search API", "prod-k8s cluster"],
  ["Data Warehouse", "orders-db (PostgreSQL)"],
];

/** One change in every stage, a conflict between two in assessment, and a failed change that caused an incident. */
const CHANGES: DemoChange[] = [
  { title: "Upgrade Search API to Elasticsearch 8", type: ChangeType.normal, services: ["Search API"], startInHours: 24 * 8, hours: 4, stage: ChangeStage.draft },
  { title: "orders-db minor upgrade 15.6 → 15.8", type: ChangeType.normal, services: ["orders-db (PostgreSQL)"], startInHours: 30, hours: 3, stage: ChangeStage.assessing },
  { title: "Checkout: new 3-D Secure flow", type: ChangeType.normal, services: ["Checkout"], startInHours: 31, hours: 2, stage: ChangeStage.assessing },
  { title: "Rotate SSO signing certificate", type: ChangeType.normal, services: ["Single Sign-On"], startInHours: 24 * 4, hours: 1, stage: ChangeStage.authorized },
  { title: "Restart Search API pods", type: ChangeType.standard, services: ["Search API"], startInHours: 24 * 2 + 2, hours: 1, stage: ChangeStage.scheduled, template: true },
  { title: "Patch prod-k8s node kernels", type: ChangeType.normal, services: ["prod-k8s cluster"], startInHours: -1, hours: 3, stage: ChangeStage.implementing },
  { title: "VPN concentrator firmware 9.2", type: ChangeType.emergency, services: ["VPN"], startInHours: -26, hours: 2, stage: ChangeStage.reviewing },
  {
    title: "Office Wi-Fi controller upgrade",
    type: ChangeType.normal,
    services: ["Office Wi-Fi"],
    startInHours: -24 * 10,
    hours: 2,
    stage: ChangeStage.closed,
    review: { outcome: ReviewOutcome.successful, lessons: "Staged rollout per floor kept the impact invisible." },
  },
  { title: "Disable MFA for service accounts", type: ChangeType.normal, services: ["Single Sign-On"], startInHours: 24 * 6, hours: 1, stage: ChangeStage.rejected, rejection: "Service accounts must move to workload identity instead; MFA stays." },
  { title: "Migrate corporate email to new tenant", type: ChangeType.normal, services: ["Corporate Email"], startInHours: 24 * 20, hours: 8, stage: ChangeStage.cancelled },
  {
    title: "Checkout: payment provider SDK 5.0",
    type: ChangeType.normal,
    services: ["Checkout"],
    startInHours: -50,
    hours: 2,
    stage: ChangeStage.failed,
    causedIncident: "Card payments declined after payment SDK upgrade",
  },
  { title: "Customer Portal: move sessions to Redis", type: ChangeType.normal, services: ["Customer Portal"], startInHours: -24 * 5, hours: 2, stage: ChangeStage.rolled_back },
];

const PLANS = {
  implementationPlan: "1. Announce in #changes\n2. Drain traffic\n3. Apply the change\n4. Run the smoke tests\n5. Restore traffic",
  backoutPlan: "Restore the previous version from the release pipeline; restore traffic; announce.",
  testPlan: "Synthetic checks green for 15 minutes; error rate below 0.5 %.",
};

/** The stages a change passes through to reach `stage` (failed/rolled back leave implementing). */
function pathTo(change: DemoChange): ChangeStage[] {
  const main = change.template ? [ChangeStage.draft, ChangeStage.scheduled] : [...CHANGE_STAGE_ORDER];
  if (change.template) return main.slice(0, main.indexOf(change.stage) + 1);
  if (change.stage === ChangeStage.rejected || change.stage === ChangeStage.cancelled) return [ChangeStage.draft, ChangeStage.assessing, change.stage];
  if (change.stage === ChangeStage.failed || change.stage === ChangeStage.rolled_back) return [...main.slice(0, main.indexOf(ChangeStage.implementing) + 1), change.stage];
  if (change.type === ChangeType.emergency) return main.filter((s) => s !== ChangeStage.scheduled).slice(0, main.indexOf(change.stage));
  return main.slice(0, main.indexOf(change.stage) + 1);
}

/** When each stage was entered: approval a day before the window, implementation at its start. */
function stageTime(stage: ChangeStage, start: number, end: number): number {
  switch (stage) {
    case ChangeStage.draft:
      return start - 4 * DAY_MS;
    case ChangeStage.assessing:
      return start - 3 * DAY_MS;
    case ChangeStage.authorized:
    case ChangeStage.rejected:
    case ChangeStage.cancelled:
      return start - 2 * DAY_MS;
    case ChangeStage.scheduled:
      return start - DAY_MS;
    case ChangeStage.implementing:
      return start;
    case ChangeStage.closed:
      return end + 2 * HOUR_MS;
    default:
      return end;
  }
}

export async function seedDemoChanges(manager: EntityManager, ctx: { now: Date; users: User[] }): Promise<number> {
  const services = new Map((await manager.find(Service)).map((s) => [s.name, s]));
  const sid = (name: string) => services.get(name)!.id;
  await manager.insert(ServiceDependency, DEPENDENCIES.map(([s, d]) => ({ serviceId: sid(s), dependsOnId: sid(d) })));
  const byRole = (role: string) => ctx.users.filter((u) => u.role === role);
  const [agent] = byRole("agent");
  const [changeManager] = byRole("change_manager");
  const [admin] = byRole("admin");
  const implementer = ctx.users.find((u) => u.email.startsWith("kim")) ?? agent;
  const template = await manager.save(
    manager.create(ChangeTemplate, { name: "Restart Search API pods", description: "Rolling restart to clear a memory leak", ...PLANS, durationMinutes: 60, serviceIds: [sid("Search API")], active: true }),
  );
  await manager.save(manager.create(ChangeTemplate, { name: "Rotate a TLS certificate", description: "Renew and deploy a certificate before it expires", ...PLANS, durationMinutes: 30, serviceIds: [], active: true }));
  // A weekly weekend trading freeze on Checkout (Saturday 00:00 to Monday 06:00 UTC), and a one-off peak-season freeze.
  const now = ctx.now.getTime();
  const saturday = new Date(now - ((new Date(now).getUTCDay() + 1) % 7) * DAY_MS);
  saturday.setUTCHours(0, 0, 0, 0);
  await manager.save(
    manager.create(FreezeWindow, { name: "Weekend trading freeze", reason: "Peak orders; only emergency changes", startsAt: saturday, endsAt: new Date(saturday.getTime() + 54 * HOUR_MS), recurrence: FreezeRecurrence.weekly, serviceIds: [sid("Checkout")] }),
  );
  const peak = new Date(now + 21 * DAY_MS);
  peak.setUTCHours(0, 0, 0, 0);
  await manager.save(manager.create(FreezeWindow, { name: "Peak season freeze", reason: "Black Friday week", startsAt: peak, endsAt: new Date(peak.getTime() + 5 * DAY_MS), recurrence: FreezeRecurrence.once, serviceIds: [] }));

  const analysis = new ChangeAnalysis(manager);
  for (const d of CHANGES) {
    const start = now + d.startInHours * HOUR_MS;
    const end = start + d.hours * HOUR_MS;
    const path = pathTo(d);
    const change = await manager.save(
      manager.create(Change, {
        title: d.title,
        type: d.type,
        description: `${d.title}. Raised by the owning team.`,
        ...PLANS,
        plannedStart: new Date(start),
        plannedEnd: new Date(end),
        requesterId: agent.id,
        ownerId: agent.id,
        implementerId: implementer.id,
        templateId: d.template ? template.id : null,
        stage: ChangeStage.draft,
        riskReasons: [],
        createdAt: new Date(stageTime(ChangeStage.draft, start, end)),
      }),
    );
    await manager.insert(ChangeServiceLink, d.services.map((s) => ({ changeId: change.id, serviceId: sid(s) })));
    if (path.includes(ChangeStage.assessing)) {
      const risk = await analysis.risk(change, d.services.map(sid));
      Object.assign(change, { riskScore: risk.score, riskLevel: risk.level, riskReasons: risk.reasons, riskAssessedAt: new Date(stageTime(ChangeStage.assessing, start, end)) });
    }
    const transitions: Array<Partial<ChangeTransition>> = [];
    path.forEach((stage, i) => {
      const at = new Date(stageTime(stage, start, end));
      const stamp = CHANGE_STAGE_STAMP[stage];
      if (stamp) (change as unknown as Record<string, unknown>)[stamp] = at;
      const reason = stage === ChangeStage.rejected ? d.rejection! : null;
      transitions.push({ changeId: change.id, fromStage: i === 0 ? null : path[i - 1], toStage: stage, at, actorId: stage === ChangeStage.authorized || stage === ChangeStage.rejected ? changeManager.id : agent.id, reason });
    });
    if (path.includes(ChangeStage.implementing) && d.stage !== ChangeStage.implementing) change.actualEnd = new Date(end);
    change.stage = d.stage;
    await manager.save(change);
    await manager.insert(ChangeTransition, transitions);
    if (path.includes(ChangeStage.authorized) || d.stage === ChangeStage.rejected) {
      const decidedAt = new Date(stageTime(ChangeStage.authorized, start, end));
      const approvers = d.stage === ChangeStage.rejected ? [changeManager] : d.type === ChangeType.emergency ? [changeManager] : [changeManager, admin];
      await manager.insert(
        ChangeApproval,
        approvers.map((u) => ({
          changeId: change.id,
          round: 1,
          approverId: u.id,
          decision: d.stage === ChangeStage.rejected ? ApprovalDecision.rejected : ApprovalDecision.approved,
          comment: d.stage === ChangeStage.rejected ? d.rejection! : "Plans and backout reviewed",
          decidedAt,
        })),
      );
    }
    if (d.review) await manager.save(manager.create(ChangeReview, { changeId: change.id, ...d.review, reviewerId: changeManager.id, reviewedAt: new Date(end + HOUR_MS) }));
    if (d.causedIncident) await seedCausedIncident(manager, change, d.causedIncident, sid(d.services[0]), services.get(d.services[0])!.ownerTeamId, agent, new Date(end + 40 * 60_000));
  }
  return CHANGES.length;
}

async function seedCausedIncident(manager: EntityManager, change: Change, title: string, serviceId: string, teamId: string, agent: User, at: Date): Promise<void> {
  const incident = await manager.save(
    manager.create(Incident, {
      title,
      description: "Card payments declined with 'invalid signature' since the SDK upgrade; rollback in progress.",
      serviceId,
      teamId,
      category: "application",
      impact: 1,
      urgency: 1,
      priority: 1,
      severity: Severity.SEV1,
      stage: Stage.classified,
      assigneeId: agent.id,
      reporterId: agent.id,
      identifiedAt: at,
      classifiedAt: new Date(at.getTime() + 10 * 60_000),
      acknowledgedAt: at,
      createdAt: at,
    }),
  );
  await manager.insert(IncidentTransition, [
    { incidentId: incident.id, fromStage: null, toStage: Stage.identified, at, actorId: agent.id, reason: null },
    { incidentId: incident.id, fromStage: Stage.identified, toStage: Stage.classified, at: new Date(at.getTime() + 10 * 60_000), actorId: agent.id, reason: null },
  ]);
  await manager.insert(TimelineEntry, { incidentId: incident.id, kind: TimelineKind.updated, message: `Caused by change: ${change.title}`, data: { field: "causedByChange" }, actorId: agent.id });
  await manager.insert(IncidentCause, { incidentId: incident.id, changeId: change.id, linkedById: agent.id, linkedAt: new Date(at.getTime() + 20 * 60_000) });
}
