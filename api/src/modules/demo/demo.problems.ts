import type { EntityManager } from "typeorm";
import { Incident } from "../incident/incident.entity";
import { Stage } from "../incident/incident.lifecycle";
import { priorityFor, type PriorityMatrix } from "../incident/priority.rules";
import { Problem, ProblemIncidentLink, ProblemTransition } from "../problem/problem.entity";
import { ProblemStage, problemMoveMessage } from "../problem/problem.lifecycle";
import { PROBLEM_STAGE_STAMP, PrioritySource, rollUpPriority } from "../problem/problem.rules";
import { ProblemTimelineEntry, ProblemTimelineKind } from "../problem/problem-work.entity";
import { formatIncidentNumber } from "../incident/incident.rules";
import type { Service } from "../catalog/catalog.entity";
import type { User } from "../user/user.entity";
import { INCIDENT_TEMPLATES } from "./demo.catalog";

const DAY_MS = 86_400_000;

interface DemoProblem {
  /** The incident template whose incidents it gathers (by its first title). */
  template: string;
  stage: ProblemStage;
  statement: string;
  fiveWhys?: Array<{ why: string; because: string }>;
  contributingFactors?: string[];
  workaround?: string;
  fix?: string;
  reason?: string;
}

/** One problem in every stage, each over the demo incidents of one recurring kind of trouble. */
const DEMO_PROBLEMS: DemoProblem[] = [
  { template: "Pods evicted on prod-k8s nodes (memory pressure)", stage: ProblemStage.new, statement: "Pods on prod-k8s are evicted or stuck every few weeks; several services degrade each time." },
  { template: "Search latency above 3 s", stage: ProblemStage.investigating, statement: "Search becomes slow for minutes at a time, most weeks." },
  {
    template: "Emails delayed by up to an hour",
    stage: ProblemStage.root_cause_known,
    statement: "Outbound staff mail is delayed for up to an hour several times a month.",
    fiveWhys: [
      { why: "Why is mail delayed?", because: "The outbound relay queue backs up." },
      { why: "Why does the queue back up?", because: "The upstream provider throttles our relay." },
      { why: "Why does it throttle us?", because: "Bulk newsletters are sent from staff mailboxes through the same relay." },
    ],
    contributingFactors: ["no separate route for bulk mail", "no alert on relay queue depth"],
  },
  {
    template: "Checkout returns HTTP 502 for all card payments",
    stage: ProblemStage.known_error,
    statement: "Card payments fail at checkout with 502s whenever the payment client's trust bundle goes stale.",
    fiveWhys: [
      { why: "Why do card payments fail?", because: "TLS handshakes with the payment provider fail." },
      { why: "Why do the handshakes fail?", because: "An intermediate certificate in the client's trust bundle expired." },
      { why: "Why was it not renewed?", because: "The bundle is baked into the release and nobody owns its expiry dates." },
    ],
    contributingFactors: ["certificate expiry not monitored"],
    workaround: "Roll back the payment-client release to the previous image and restart the checkout pods; payments recover within 2 minutes.",
  },
  {
    template: "VPN disconnects every few minutes",
    stage: ProblemStage.resolved,
    statement: "Remote staff lose the VPN every few minutes under load.",
    workaround: "Fail over to the secondary concentrator.",
    fix: "Firmware on both concentrators upgraded to 9.18.3, which fixes the re-key storm bug.",
  },
  {
    template: "orders-db primary out of disk space",
    stage: ProblemStage.closed,
    statement: "orders-db fills its disk and stops taking writes.",
    workaround: "Drop abandoned replication slots (SELECT pg_drop_replication_slot(...)) and add disk.",
    fix: "Replication-slot monitoring and max_slot_wal_keep_size set to 50 GB.",
  },
  { template: "Wi-Fi weak in meeting room {n}", stage: ProblemStage.cancelled, statement: "Wi-Fi complaints in one office.", reason: "Separate local causes, not one problem; handled as incidents." },
];

const PATH = [ProblemStage.new, ProblemStage.investigating, ProblemStage.root_cause_known, ProblemStage.known_error, ProblemStage.resolved, ProblemStage.closed];

/** Problems in every stage over the seeded incidents, written as the services would have left them. */
export async function seedDemoProblems(manager: EntityManager, ctx: { now: Date; users: User[]; services: Map<string, Service>; matrix: PriorityMatrix }): Promise<number> {
  const owner = ctx.users.find((u) => u.role === "problem_manager") ?? ctx.users[0];
  const incidents = await manager.find(Incident, { select: { id: true, number: true, title: true, priority: true, stage: true, identifiedAt: true, impact: true, urgency: true }, order: { identifiedAt: "ASC" } });
  let created = 0;
  for (const spec of DEMO_PROBLEMS) {
    const template = INCIDENT_TEMPLATES.find((t) => t.titles[0] === spec.template);
    if (!template) continue;
    // Seeded titles fill {n} and {x} with numbers.
    const patterns = template.titles.map((t) => new RegExp(`^${t.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[nx]\}/g, "\\d+")}$`));
    const mine = incidents.filter((i) => patterns.some((p) => p.test(i.title)));
    if (mine.length === 0) continue;
    const first = mine[0].identifiedAt.getTime();
    const stageIndex = spec.stage === ProblemStage.cancelled ? 1 : PATH.indexOf(spec.stage);
    const stamps = new Map<ProblemStage, Date>();
    for (let i = 1; i <= stageIndex; i++) stamps.set(PATH[i], new Date(Math.min(ctx.now.getTime() - (stageIndex - i + 1) * 3 * DAY_MS, first + i * 5 * DAY_MS)));
    // A closed one sat out the quiet period after its fix.
    if (stamps.has(ProblemStage.closed)) stamps.set(ProblemStage.closed, new Date(Math.min(ctx.now.getTime() - DAY_MS, stamps.get(ProblemStage.resolved)!.getTime() + 15 * DAY_MS)));
    if (spec.stage === ProblemStage.cancelled) stamps.set(ProblemStage.cancelled, new Date(ctx.now.getTime() - 2 * DAY_MS));
    const resolvedAt = stamps.get(ProblemStage.resolved);
    const open = mine.filter((i) => i.stage !== Stage.closed && i.stage !== Stage.cancelled);
    const worst = open.sort((a, b) => a.priority - b.priority)[0];
    const impact = template.impact;
    const urgency = template.urgency;
    const priority = rollUpPriority({ matrixPriority: priorityFor(ctx.matrix, impact, urgency), manual: null, worstOpenIncident: worst ? { key: formatIncidentNumber(worst.number), priority: worst.priority } : null });
    const problem = manager.create(Problem, {
      title: template.titles[0].replace(" {n}", "s"),
      statement: spec.statement,
      ownerId: spec.stage === ProblemStage.new ? null : owner.id,
      impact,
      urgency,
      priority: priority.priority,
      prioritySource: priority.source ?? PrioritySource.matrix,
      priorityReason: priority.reason,
      stage: spec.stage,
      rootCause: stageIndex >= 2 && spec.stage !== ProblemStage.cancelled ? template.rootCause : null,
      contributingFactors: spec.contributingFactors ?? [],
      fiveWhys: spec.fiveWhys ?? [],
      workaround: spec.workaround ?? null,
      workaroundById: spec.workaround ? owner.id : null,
      workaroundAt: spec.workaround ? (stamps.get(ProblemStage.known_error) ?? stamps.get(ProblemStage.root_cause_known) ?? null) : null,
      fixDescription: spec.fix ?? null,
      closeReason: spec.reason ?? null,
      services: [ctx.services.get(template.service)!],
      createdAt: new Date(first + DAY_MS),
    });
    for (const [stage, at] of stamps) (problem as unknown as Record<string, unknown>)[PROBLEM_STAGE_STAMP[stage as keyof typeof PROBLEM_STAGE_STAMP]] = at;
    await manager.save(problem);
    // Incidents after the fix are recurrences; the demo's fixes hold, so only earlier ones are linked.
    const linked = mine.filter((i) => !resolvedAt || i.identifiedAt < resolvedAt);
    await manager.insert(ProblemIncidentLink, linked.map((i) => ({ incidentId: i.id, problemId: problem.id, linkedAt: new Date(Math.max(i.identifiedAt.getTime(), first + DAY_MS)), linkedById: owner.id })));
    const moves = [ProblemStage.new, ...stamps.keys()];
    await manager.insert(ProblemTransition, moves.map((to, i) => ({ problemId: problem.id, fromStage: i === 0 ? null : moves[i - 1], toStage: to, at: i === 0 ? problem.createdAt : stamps.get(to)!, actorId: owner.id, reason: to === ProblemStage.cancelled ? spec.reason ?? null : null })));
    await manager.insert(ProblemTimelineEntry, [
      { problemId: problem.id, kind: ProblemTimelineKind.created, message: "Opened from recurring incidents", actorId: owner.id, data: null, createdAt: problem.createdAt },
      { problemId: problem.id, kind: ProblemTimelineKind.incidents_linked, message: `Linked ${linked.length} incidents`, actorId: owner.id, data: null, createdAt: problem.createdAt },
      ...moves.slice(1).map((to, i) => ({ problemId: problem.id, kind: ProblemTimelineKind.stage_changed, message: problemMoveMessage(moves[i], to), actorId: owner.id, data: { from: moves[i], to }, createdAt: stamps.get(to)! })),
    ]);
    created++;
  }
  return created;
}
