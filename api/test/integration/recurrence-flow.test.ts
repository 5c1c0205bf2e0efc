import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorkers, type RunningWorkers } from "@quell/workers/index";
import { SYSTEM_ACTOR } from "../../src/modules/audit/audit.service";
import { PROBLEM_CANDIDATE_CHANGED, type CandidateChangedPayload } from "../../src/modules/problem/problem-candidate.events";
import { RecurrenceEngine } from "../../src/modules/problem/recurrence.engine";
import { codeOf, seedFixture, startTestApi, type Fixture } from "../support/harness";
import { seedHistoryAndTrain } from "../support/triage-history";
import { waitFor } from "../support/wait";

const CANDIDATE_FIELDS = `id version status size incidentIds firstAt lastAt spanDays services { name incidents } teams { name incidents }
  topTerms cohesion perWeek openHours problemId decidedById decidedAt note incidents { id key createdAt }`;

describe("recurring incidents become problem candidates (over HTTP, jobs in-process)", () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let f: Fixture;
  let workers: RunningWorkers;
  const events: CandidateChangedPayload[] = [];
  const abort = new AbortController();

  beforeAll(async () => {
    t = await startTestApi();
    f = await seedFixture(t.api);
    // History the embedder learns from (three unrelated topics), then a first training.
    await seedHistoryAndTrain(t.api, [f.team.id], 10);
    workers = await startWorkers(t.api, { relay: { intervalMs: 50 }, schedules: false });
    void (async () => {
      for await (const e of t.api.services.pubsub.subscribe(PROBLEM_CANDIDATE_CHANGED, abort.signal)) events.push(e as CandidateChangedPayload);
    })().catch(() => undefined);
  });
  afterAll(async () => {
    abort.abort();
    await workers?.close();
    await t?.stop();
  });

  const createIncident = async (title: string, description: string) => {
    const res = await t.gql(`mutation($input: CreateIncidentInput!) { createIncident(input: $input) { id } }`, { input: { title, description, serviceId: f.service.id, impact: 2, urgency: 2 } }, f.tokens.agent);
    expect(res.errors).toBeUndefined();
    return res.data!.createIncident.id as string;
  };
  const candidates = async (status = ["open"], token = f.tokens.agent) => {
    const res = await t.gql(`query($status: [CandidateStatus!]) { problemCandidates(status: $status) { totalCount edges { node { ${CANDIDATE_FIELDS} } } } }`, { status }, token);
    expect(res.errors).toBeUndefined();
    return res.data!.problemCandidates.edges.map((e: any) => e.node) as any[];
  };
  const candidateWith = (ids: string[], status = ["open"]) =>
    waitFor(async () => (await candidates(status)).find((c) => ids.every((id) => c.incidentIds.includes(id))), 60_000);

  const payroll = [
    ["Payroll export fails: certificate expired on sftp gateway", "nightly payroll export to the bank sftp gateway failed, certificate expired"],
    ["Payroll export to bank sftp failed again", "sftp gateway rejects the payroll export: expired certificate"],
    ["Bank sftp gateway certificate expired, payroll export stuck", "payroll export job cannot reach the sftp gateway, certificate expired"],
    ["Payroll export job failing on sftp gateway", "certificate on the bank sftp gateway expired; payroll export failed"],
    ["Expired certificate breaks payroll export to sftp gateway", "payroll export to the bank failed at the sftp gateway, certificate expired"],
  ];
  let payrollIds: string[] = [];
  let candidate: any;

  it("groups five similar incidents into a candidate with its evidence, and tells subscribers", async () => {
    for (const [title, description] of payroll) payrollIds.push(await createIncident(title, description));
    candidate = await candidateWith(payrollIds);
    expect(candidate).toMatchObject({ status: "open", size: 5, problemId: null, decidedAt: null });
    expect([...candidate.incidentIds].sort()).toEqual([...payrollIds].sort());
    expect(candidate.incidents.map((i: any) => i.id)).toEqual(candidate.incidentIds);
    expect(candidate.services).toEqual([{ name: f.service.name, incidents: 5 }]);
    expect(candidate.teams).toEqual([{ name: f.team.name, incidents: 5 }]); // the reporting agent's team
    expect(candidate.topTerms).toEqual(expect.arrayContaining(["payroll", "sftp", "certificate"]));
    expect(candidate.cohesion).toBeGreaterThan(0.3);
    expect(candidate.cohesion).toBeLessThanOrEqual(1);
    expect(new Date(candidate.firstAt) <= new Date(candidate.lastAt)).toBe(true);
    // All five within a week: five a week.
    expect(candidate.perWeek).toBe(5);
    expect(candidate.openHours).toBeGreaterThan(0);
    expect(events.some((e) => e.candidateId === candidate.id && e.kind === "created")).toBe(true);
    // Analysts read; the recurring history topics are candidates too, none mixed with these.
    const seen = await candidates(["open"], f.tokens.analyst);
    for (const other of seen.filter((c) => c.id !== candidate.id)) expect(other.incidentIds.some((id: string) => payrollIds.includes(id))).toBe(false);
  });

  it("lets only problem managers and admins decide, with the version they read", async () => {
    const accept = `mutation($input: AcceptProblemCandidateInput!) { acceptProblemCandidate(input: $input) { id number title } }`;
    expect(codeOf(await t.gql(accept, { input: { id: candidate.id, version: candidate.version } }, f.tokens.agent))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql(accept, { input: { id: candidate.id, version: candidate.version } }, f.tokens.analyst))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql(accept, { input: { id: candidate.id, version: candidate.version + 7 } }, f.tokens.problem_manager))).toBe("CONFLICT");
  });

  it("accepting creates a problem with the incidents linked, audited, and the candidate is no longer open", async () => {
    const res = await t.gql(
      `mutation($input: AcceptProblemCandidateInput!) { acceptProblemCandidate(input: $input) { id number title ownerId } }`,
      { input: { id: candidate.id, version: candidate.version, title: "Payroll sftp certificate keeps expiring" } },
      f.tokens.problem_manager,
    );
    expect(res.errors).toBeUndefined();
    const problem = res.data!.acceptProblemCandidate;
    expect(problem).toMatchObject({ title: "Payroll sftp certificate keeps expiring", ownerId: f.users.problem_manager.id });
    const links = (await t.api.dataSource.query(`SELECT incident_id FROM problem_incident WHERE problem_id = $1`, [problem.id])) as Array<{ incident_id: string }>;
    expect(links.map((l) => l.incident_id).sort()).toEqual([...payrollIds].sort());
    const [accepted] = (await candidates(["accepted"])).filter((c) => c.id === candidate.id);
    expect(accepted).toMatchObject({ status: "accepted", problemId: problem.id, decidedById: f.users.problem_manager.id });
    expect((await candidates()).some((c) => c.id === candidate.id)).toBe(false);
    const audit = (await t.api.dataSource.query(`SELECT actor_id FROM audit_log WHERE action = 'problem_candidate.accept' AND entity_id = $1`, [candidate.id])) as Array<{ actor_id: string }>;
    expect(audit).toEqual([{ actor_id: f.users.problem_manager.id }]);
    // A decided candidate cannot be decided again.
    const again = await t.gql(`mutation($input: DismissProblemCandidateInput!) { dismissProblemCandidate(input: $input) { id } }`, { input: { id: candidate.id, version: accepted.version } }, f.tokens.admin);
    expect(codeOf(again)).toBe("PRECONDITION_FAILED");
  });

  it("keeps a dismissed candidate dismissed through a rebuild, and brings it back when a new incident joins it", async () => {
    const badge = [
      ["Lobby badge printer prints blank visitor cards", "visitor badge printer in the lobby prints blank cards, ribbon ok"],
      ["Visitor badge printer in lobby printing blank cards", "lobby badge printer output blank, visitor cards empty"],
      ["Blank visitor cards from the lobby badge printer", "badge printer at reception prints blank visitor cards"],
    ];
    const ids: string[] = [];
    for (const [title, description] of badge) ids.push(await createIncident(title, description));
    const open = await candidateWith(ids);
    const dismissed = await t.gql(
      `mutation($input: DismissProblemCandidateInput!) { dismissProblemCandidate(input: $input) { status version note dismissedBy: decidedById } }`,
      { input: { id: open.id, version: open.version, reason: "facilities handle the printer" } },
      f.tokens.problem_manager,
    );
    expect(dismissed.data!.dismissProblemCandidate).toMatchObject({ status: "dismissed", note: "facilities handle the printer", dismissedBy: f.users.problem_manager.id });

    // A full rebuild finds the same group again: it stays dismissed.
    const engine = new RecurrenceEngine(t.api.dataSource, t.api.services.models, t.api.services.recurrence, t.api.services.recurrence.options.clock);
    const rebuilt = await engine.run("rebuild");
    expect(rebuilt.mode).toBe("rebuild");
    expect(rebuilt.reopened).toBe(0);
    expect((await candidates()).some((c) => c.id === open.id)).toBe(false);
    expect((await candidates(["dismissed"])).find((c) => c.id === open.id)).toMatchObject({ status: "dismissed", size: 3 });

    // A fourth printer incident arrives: the group grew by a new incident, so it comes back.
    const fourth = await createIncident("Lobby badge printer blank cards again", "visitor badge printer in the lobby prints blank cards");
    const back = await candidateWith([...ids, fourth]);
    expect(back).toMatchObject({ id: open.id, status: "open", size: 4 });
    expect(back.note).toMatch(/came back: 1 new incident/);
    expect(events.filter((e) => e.candidateId === open.id).map((e) => e.kind)).toEqual(expect.arrayContaining(["created", "decided"]));
  });

  it("a candidate whose incidents were all linked to a problem elsewhere goes away", async () => {
    const ids: string[] = [];
    for (const n of ["one", "two", "three"]) ids.push(await createIncident(`Warehouse scanner firmware crash loop ${n}`, "handheld warehouse scanners crash loop after firmware update"));
    const open = await candidateWith(ids);
    await t.api.services.problems.createFromIncidents(SYSTEM_ACTOR, { incidentIds: ids, title: "Scanner firmware" });
    // Not listed as soon as its incidents are linked...
    expect((await candidates()).some((c) => c.id === open.id)).toBe(false);
    // ...and the next pass marks it gone.
    await createIncident("Unrelated: meeting room display flickers", "display in room 4 flickers");
    const gone = await candidateWith(ids, ["gone"]);
    expect(gone).toMatchObject({ id: open.id, status: "gone", note: "all of its incidents were linked to problems" });
  });
});
