import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorkers, type RunningWorkers } from "@quell/workers/index";
import { ManualClock } from "../../src/platform/clock";
import { codeOf, seedFixture, startTestApi, type Fixture } from "../support/harness";
import { seedHistory } from "../support/triage-history";
import { waitFor } from "../support/wait";

const PROBLEM_FIELDS = `id key version title stage priority prioritySource priorityReason isKnownError allowedTransitions
  rootCause contributingFactors fiveWhys { why because } workaround workaroundAt workaroundBy { id } fixDescription closeReason
  resolvedAt closedAt owner { id } services { id } linkedIncidentCount openIncidentCount
  incidents(first: 50) { totalCount edges { node { id key } } }
  incidentsPerWeek { weekStart count }
  transitions { fromStage toStage actorId reason }
  timeline { kind message }`;

/**
 * Problem management end to end over HTTP: incidents linked, analysis written, a known error, the
 * `problem` suggestion on a new similar incident (accepted → linked), resolved with a fix, closed
 * after the quiet period on a test clock.
 */
describe("problem flow over HTTP", () => {
  const clock = new ManualClock(new Date());
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let f: Fixture;
  let workers: RunningWorkers;

  beforeAll(async () => {
    t = await startTestApi({}, { clock });
    f = await seedFixture(t.api);
    workers = await startWorkers(t.api, { relay: { intervalMs: 50 }, schedules: false });
    await seedHistory(t.api, [f.team.id], 20);
    await t.api.services.models.requestRetrain(null, "manual");
    await waitFor(async () => (await t.api.services.models.activeModels()).some((m) => m.kind === "embedder"), 120_000);
  });
  afterAll(async () => {
    await workers?.close();
    await t?.stop();
  });

  const gql = async (query: string, variables: Record<string, unknown>, token: string) => {
    const res = await t.gql(query, variables, token);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data!;
  };
  const problem = async (id: string, token = f.tokens.analyst) => (await gql(`query($id: ID!) { problem(id: $id) { ${PROBLEM_FIELDS} } }`, { id }, token)).problem;
  const createIncident = async (title: string, description: string) =>
    (await gql(`mutation($input: CreateIncidentInput!) { createIncident(input: $input) { id version } }`, { input: { title, description, impact: 3, urgency: 3, serviceId: f.service.id } }, f.tokens.agent))
      .createIncident as { id: string; version: number };
  const transition = (id: string, version: number, to: string, extra: Record<string, unknown> = {}) =>
    t.gql(`mutation($input: TransitionProblemInput!) { transitionProblem(input: $input) { ${PROBLEM_FIELDS} } }`, { input: { id, version, to, ...extra } }, f.tokens.problem_manager);
  const suggestionsOf = async (id: string) =>
    (await gql(`query($id: ID!) { incident(id: $id) { suggestions { id kind value abstained abstainReason confidence sharedTerms sameService matchedIncidents problem { key workaround } similarIncident { key problem { key } } } } }`, { id }, f.tokens.agent)).incident.suggestions as any[];

  let problemId = "";
  let version = 0;
  const linked: string[] = [];

  it("creates a problem from three similar incidents: numbered, owned, linked, their service", async () => {
    for (const n of [1, 2, 3]) {
      linked.push((await createIncident(`Postgres deadlock on payroll batch ${n}`, "database deadlock, connection pool timeout on every query")).id);
    }
    expect(codeOf(await t.gql(`mutation($input: CreateProblemFromIncidentsInput!) { createProblemFromIncidents(input: $input) { id } }`, { input: { incidentIds: linked } }, f.tokens.agent))).toBe("FORBIDDEN");
    const created = (await gql(`mutation($input: CreateProblemFromIncidentsInput!) { createProblemFromIncidents(input: $input) { ${PROBLEM_FIELDS} } }`, { input: { incidentIds: linked } }, f.tokens.problem_manager)).createProblemFromIncidents;
    expect(created.key).toMatch(/^PRB-\d{6}$/);
    expect(created).toMatchObject({ stage: "new", linkedIncidentCount: 3, openIncidentCount: 3, owner: { id: f.users.problem_manager.id }, services: [{ id: f.service.id }], isKnownError: false });
    expect(created.incidents.totalCount).toBe(3);
    expect(created.incidentsPerWeek.reduce((n: number, w: { count: number }) => n + w.count, 0)).toBe(3);
    const byNumber = await gql(`query($n: String!) { problem(number: $n) { id } }`, { n: created.key }, f.tokens.analyst);
    expect(byNumber.problem.id).toBe(created.id);
    const incident = await gql(`query($id: ID!) { incident(id: $id) { problem { key } } }`, { id: linked[0] }, f.tokens.agent);
    expect(incident.incident.problem.key).toBe(created.key);
    problemId = created.id;
    version = created.version;
  });

  it("follows the worst open linked incident's priority, and records why", async () => {
    const incident = await gql(`query($id: ID!) { incident(id: $id) { id version } }`, { id: linked[1] }, f.tokens.agent);
    await gql(`mutation($input: UpdateIncidentInput!) { updateIncident(input: $input) { priority } }`, { input: { id: linked[1], version: incident.incident.version, impact: 1, urgency: 1 } }, f.tokens.agent);
    const p = await problem(problemId);
    expect(p).toMatchObject({ priority: 1, prioritySource: "incidents" });
    expect(p.priorityReason).toMatch(/^follows INC-\d{6} \(P1\), the worst open linked incident$/);
    const manual = (await gql(`mutation($input: SetProblemPriorityInput!) { setProblemPriority(input: $input) { priority prioritySource priorityReason version } }`, { input: { id: problemId, version: p.version, priority: 2, reason: "batch runs weekly; the P1 is a one-off" } }, f.tokens.problem_manager)).setProblemPriority;
    expect(manual).toMatchObject({ priority: 2, prioritySource: "manual", priorityReason: "batch runs weekly; the P1 is a one-off" });
    version = manual.version;
  });

  it("refuses a move the lifecycle forbids, naming the allowed ones, and a stale version", async () => {
    const skip = await transition(problemId, version, "resolved");
    expect(codeOf(skip)).toBe("INVALID_TRANSITION");
    expect(skip.errors![0].extensions!.allowed).toEqual(["investigating", "cancelled"]);
    expect(codeOf(await transition(problemId, version - 1, "investigating"))).toBe("CONFLICT");
    const investigating = await transition(problemId, version, "investigating");
    expect(investigating.data!.transitionProblem.stage).toBe("investigating");
    version = investigating.data!.transitionProblem.version;
    const noCause = await transition(problemId, version, "root_cause_known");
    expect(codeOf(noCause)).toBe("INVALID_TRANSITION");
    expect(noCause.errors![0].message).toMatch(/record the root cause first/);
  });

  it("records the root cause with 5 whys and the workaround with its author, and becomes a known error", async () => {
    const input = {
      id: problemId,
      version,
      rootCause: "The payroll batch and the nightly vacuum lock the same tables in opposite order.",
      contributingFactors: ["vacuum schedule moved to 02:00", "no lock timeout"],
      fiveWhys: [
        { why: "Why did payroll fail?", because: "The export query deadlocked." },
        { why: "Why did it deadlock?", because: "Vacuum held locks in the opposite order." },
      ],
    };
    expect(codeOf(await t.gql(`mutation($input: RecordRootCauseInput!) { recordRootCause(input: $input) { id } }`, { input }, f.tokens.agent))).toBe("FORBIDDEN");
    const rc = (await gql(`mutation($input: RecordRootCauseInput!) { recordRootCause(input: $input) { version fiveWhys { why because } contributingFactors } }`, { input }, f.tokens.problem_manager)).recordRootCause;
    expect(rc.fiveWhys).toEqual(input.fiveWhys);
    expect(rc.contributingFactors).toEqual(input.contributingFactors);
    const known = (await transition(problemId, rc.version, "root_cause_known")).data!.transitionProblem;
    const noWorkaround = await transition(problemId, known.version, "known_error");
    expect(noWorkaround.errors![0].message).toMatch(/needs a workaround/);
    const wa = (await gql(`mutation($input: SetWorkaroundInput!) { setWorkaround(input: $input) { version workaround workaroundBy { id } workaroundAt } }`, { input: { id: problemId, version: known.version, workaround: "Pause the vacuum job and rerun the payroll export." } }, f.tokens.problem_manager)).setWorkaround;
    expect(wa.workaroundBy.id).toBe(f.users.problem_manager.id);
    expect(wa.workaroundAt).toBeTruthy();
    const ke = (await transition(problemId, wa.version, "known_error")).data!.transitionProblem;
    expect(ke).toMatchObject({ stage: "known_error", isKnownError: true });
    version = ke.version;

    const search = await gql(`query { knownErrors(search: "vacuum deadlock") { id key workaround } }`, {}, f.tokens.agent);
    expect(search.knownErrors.map((p: { id: string }) => p.id)).toEqual([problemId]);
    expect((await gql(`query { knownErrors(search: "printer toner") { id } }`, {}, f.tokens.agent)).knownErrors).toEqual([]);
    const listed = await gql(`query { problems(filter: { knownError: true, stage: [known_error] }) { totalCount edges { node { id linkedIncidentCount isKnownError } } } }`, {}, f.tokens.analyst);
    expect(listed.problems.edges.map((e: any) => e.node)).toEqual([{ id: problemId, linkedIncidentCount: 3, isKnownError: true }]);
    const timeline = (await problem(problemId)).timeline.map((e: { kind: string }) => e.kind);
    expect(timeline).toEqual(expect.arrayContaining(["created", "incidents_linked", "priority_changed", "stage_changed", "root_cause", "workaround"]));
    // People read the timeline: stage names in words, not enum values.
    const moves = (await problem(problemId)).timeline.filter((e: { kind: string }) => e.kind === "stage_changed").map((e: { message: string }) => e.message);
    expect(moves).toContain("Moved from root cause known to known error");
    for (const m of moves) expect(m).not.toMatch(/_/);
  });

  it("gives a new similar incident the problem suggestion with the workaround; accepting links it and counts in the metrics", async () => {
    const fresh = await createIncident("Postgres deadlock on payroll batch again", "database deadlock, connection pool timeout on the export query");
    const suggestions = await waitFor(async () => {
      const all = await suggestionsOf(fresh.id);
      return all.some((s) => s.kind === "problem") && all;
    });
    const similar = suggestions.filter((s) => s.kind === "similar" && !s.abstained);
    expect(similar.some((s) => s.similarIncident.problem?.key)).toBe(true);
    const [suggestion] = suggestions.filter((s) => s.kind === "problem");
    expect(suggestion).toMatchObject({ abstained: false, value: problemId, sameService: true, problem: { workaround: "Pause the vacuum job and rerun the payroll export." } });
    expect(suggestion.confidence).toBeGreaterThan(0);
    expect(suggestion.matchedIncidents.length).toBeGreaterThan(0);
    expect(suggestion.sharedTerms.length).toBeGreaterThan(0);
    const counts = await gql(`query($id: ID!) { incident(id: $id) { similarIncidentProblems { problem { id } similarIncidents } } }`, { id: fresh.id }, f.tokens.agent);
    expect(counts.incident.similarIncidentProblems[0]).toEqual({ problem: { id: problemId }, similarIncidents: suggestion.matchedIncidents.length });

    await gql(`mutation($input: DecideSuggestionInput!) { acceptSuggestion(input: $input) { status } }`, { input: { id: suggestion.id } }, f.tokens.agent);
    const linkedNow = await gql(`query($id: ID!) { incident(id: $id) { problem { id } } }`, { id: fresh.id }, f.tokens.agent);
    expect(linkedNow.incident.problem.id).toBe(problemId);
    const metrics = await gql(`{ suggestionMetrics { kind accepted precision } }`, {}, f.tokens.analyst);
    expect(metrics.suggestionMetrics.find((m: any) => m.kind === "problem")).toMatchObject({ accepted: 1, precision: 1 });
    version = (await problem(problemId)).version;
  });

  it("links an incident marked as a duplicate of a linked one to the same problem", async () => {
    const dup = await createIncident("Payroll export failed", "same as the batch deadlock");
    await gql(`mutation($input: MarkDuplicateInput!) { markDuplicate(input: $input) { stage } }`, { input: { id: dup.id, version: dup.version, duplicateOfId: linked[0] } }, f.tokens.agent);
    const res = await gql(`query($id: ID!) { incident(id: $id) { problem { id } } }`, { id: dup.id }, f.tokens.agent);
    expect(res.incident.problem.id).toBe(problemId);
    version = (await problem(problemId)).version;
  });

  it("resolves only with a fix, closes only after the quiet period (or with a reason)", async () => {
    clock.set(new Date()); // incidents are stamped by the system clock: start the test clock after the last of them
    const noFix = await transition(problemId, version, "resolved");
    expect(noFix.errors![0].message).toMatch(/give a fix description/);
    const resolved = (await transition(problemId, version, "resolved", { fixDescription: "Vacuum moved to 04:00 and lock_timeout set on the export." })).data!.transitionProblem;
    expect(resolved).toMatchObject({ stage: "resolved", fixDescription: "Vacuum moved to 04:00 and lock_timeout set on the export." });
    clock.advanceDays(5);
    const early = await transition(problemId, resolved.version, "closed");
    expect(codeOf(early)).toBe("INVALID_TRANSITION");
    expect(early.errors![0].message).toMatch(/14-day quiet period/);
    clock.advanceDays(10);
    const closed = (await transition(problemId, resolved.version, "closed")).data!.transitionProblem;
    expect(closed).toMatchObject({ stage: "closed", closeReason: null, allowedTransitions: [] });
    expect(new Date(closed.closedAt).getTime()).toBe(clock.now().getTime());
    expect(closed.transitions.map((tr: any) => tr.toStage)).toEqual(["new", "investigating", "root_cause_known", "known_error", "resolved", "closed"]);
    expect(closed.transitions.every((tr: any) => tr.actorId === f.users.problem_manager.id)).toBe(true);
    const audit = await t.api.dataSource.query(`SELECT count(*)::int AS n FROM audit_log WHERE entity_id = $1 AND action = 'problem.transition'`, [problemId]);
    expect(audit[0].n).toBe(5);
  });

  it("closes inside the quiet period only with a recorded reason", async () => {
    const a = await createIncident("Badge reader offline", "door controller lost power");
    const p = (await gql(`mutation($input: CreateProblemFromIncidentsInput!) { createProblemFromIncidents(input: $input) { id version } }`, { input: { incidentIds: [a.id] } }, f.tokens.admin)).createProblemFromIncidents;
    let v = (await transition(p.id, p.version, "investigating")).data!.transitionProblem.version;
    const task = (await gql(`mutation($input: AddProblemTaskInput!) { addProblemTask(input: $input) { id version title owner { id } completedAt } }`, { input: { problemId: p.id, title: "Check UPS logs", ownerId: f.users.problem_manager.id, dueAt: "2030-01-01T00:00:00Z" } }, f.tokens.problem_manager)).addProblemTask;
    expect(task).toMatchObject({ title: "Check UPS logs", owner: { id: f.users.problem_manager.id }, completedAt: null });
    expect(codeOf(await t.gql(`mutation($input: CompleteProblemTaskInput!) { completeProblemTask(input: $input) { id } }`, { input: { taskId: task.id, version: task.version + 1 } }, f.tokens.problem_manager))).toBe("CONFLICT");
    const done = (await gql(`mutation($input: CompleteProblemTaskInput!) { completeProblemTask(input: $input) { completedAt } }`, { input: { taskId: task.id, version: task.version } }, f.tokens.problem_manager)).completeProblemTask;
    expect(done.completedAt).toBeTruthy();
    await gql(`mutation($input: AddProblemNoteInput!) { addProblemNote(input: $input) { kind } }`, { input: { problemId: p.id, message: "Facilities confirm the UPS is 9 years old" } }, f.tokens.problem_manager);
    expect((await problem(p.id)).timeline.map((e: { kind: string }) => e.kind)).toEqual(expect.arrayContaining(["task_added", "task_completed", "note"]));
    v = (await gql(`mutation($input: RecordRootCauseInput!) { recordRootCause(input: $input) { version } }`, { input: { id: p.id, version: v, rootCause: "UPS battery dead" } }, f.tokens.problem_manager)).recordRootCause.version;
    v = (await transition(p.id, v, "root_cause_known")).data!.transitionProblem.version;
    v = (await transition(p.id, v, "resolved", { fixDescription: "UPS battery replaced" })).data!.transitionProblem.version;
    const closed = (await transition(p.id, v, "closed", { reason: "hardware replaced; nothing left to watch" })).data!.transitionProblem;
    expect(closed).toMatchObject({ stage: "closed", closeReason: "hardware replaced; nothing left to watch" });
  });
});
