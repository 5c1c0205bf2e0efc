import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeOf, seedFixture, startTestApi, type Fixture } from "../support/harness";

const INCIDENT_FIELDS = `id key number version stage priority severity isMajor
  identifiedAt classifiedAt assessedAt containedAt eradicatedAt recoveredAt reviewedAt closedAt reopenCount allowedTransitions`;

describe("incident lifecycle over HTTP", () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let f: Fixture;
  beforeAll(async () => {
    t = await startTestApi();
    f = await seedFixture(t.api);
  });
  afterAll(async () => t?.stop());

  const agent = () => f.tokens.agent;

  async function create(input: Record<string, unknown>) {
    const res = await t.gql(`mutation($input: CreateIncidentInput!) { createIncident(input: $input) { ${INCIDENT_FIELDS} team { id } } }`, { input }, agent());
    expect(res.errors).toBeUndefined();
    return res.data!.createIncident;
  }

  /** Closing moves say how it ended, as closing requires. */
  const CLOSURE = { resolution: "Restarted the service; monitored for an hour.", closureCode: "solved_permanently" };

  async function move(incident: { id: string; version: number }, to: string, note?: string) {
    return t.gql(`mutation($input: TransitionIncidentInput!) { transitionIncident(input: $input) { ${INCIDENT_FIELDS} } }`, {
      input: { id: incident.id, version: incident.version, to, note, ...(to === "closed" ? CLOSURE : {}) },
    }, agent());
  }

  it("takes a P1 major incident from identification to closed, with its report", async () => {
    let incident = await create({ title: "Checkout fails with 502", description: "Payment gateway returns 502 for all cards", serviceId: f.service.id, impact: 1, urgency: 1, severity: "SEV1" });
    expect(incident).toMatchObject({ stage: "identified", priority: 1, version: 1 });
    expect(incident.key).toMatch(/^INC-\d{6}$/);
    expect(incident.team.id).toBe(f.team.id); // routed to the service's owner team

    const major = await t.gql(`mutation($input: UpdateIncidentInput!) { updateIncident(input: $input) { version isMajor commander { id } } }`, {
      input: { id: incident.id, version: incident.version, isMajor: true, commanderId: f.users.agent.id, scribeId: f.users.problem_manager.id },
    }, agent());
    expect(major.data!.updateIncident).toMatchObject({ isMajor: true, commander: { id: f.users.agent.id } });
    incident.version = major.data!.updateIncident.version;

    for (const stage of ["classified", "assessed", "contained", "eradicated", "recovered", "reviewed"]) {
      const res = await move(incident, stage, `now ${stage}`);
      expect(res.errors, stage).toBeUndefined();
      incident = res.data!.transitionIncident;
      expect(incident.stage).toBe(stage);
    }
    for (const stamp of ["classifiedAt", "assessedAt", "containedAt", "eradicatedAt", "recoveredAt", "reviewedAt"]) expect(incident[stamp]).toBeTruthy();

    // A follow-up task blocks closing until it is done.
    const task = await t.gql(`mutation($input: AddTaskInput!) { addTask(input: $input) { id version } }`, {
      input: { incidentId: incident.id, title: "Add gateway health alert", ownerId: f.users.agent.id, dueAt: new Date(Date.now() + 86_400_000).toISOString() },
    }, agent());
    expect(task.errors).toBeUndefined();

    // Closing needs the shared report and no open tasks.
    const early = await move(incident, "closed");
    expect(codeOf(early)).toBe("INVALID_TRANSITION");
    expect(early.errors![0].message).toMatch(/report/);

    const draft = await t.gql(`query($id: ID!) { incident(id: $id) { report { version } } }`, { id: incident.id }, agent());
    const report = await t.gql(`mutation($input: WriteReportInput!) { writeReport(input: $input) { id publishedAt actionItems } }`, {
      input: {
        incidentId: incident.id,
        version: draft.data!.incident.report.version,
        whatHappened: "The payment gateway's TLS certificate expired.",
        impact: "All card payments failed for 42 minutes.",
        rootCause: "Certificate renewal job was disabled during a migration.",
        wentWell: "Fast detection by synthetic checks.",
        toImprove: "Alert on certificate expiry 14 days ahead.",
        actionItems: ["Re-enable renewal job", "Add expiry alert"],
        publish: true,
      },
    }, agent());
    expect(report.errors).toBeUndefined();
    expect(report.data!.writeReport.publishedAt).toBeTruthy();

    const stillOpen = await move(incident, "closed");
    expect(codeOf(stillOpen)).toBe("INVALID_TRANSITION");
    expect(stillOpen.errors![0].message).toMatch(/follow-up task/);

    // The report's two action items are follow-up tasks too.
    const tasks = await t.gql(`query($id: ID!) { incident(id: $id) { tasks { id version title completedAt } } }`, { id: incident.id }, agent());
    expect(tasks.data!.incident.tasks.map((x: { title: string }) => x.title).sort()).toEqual(["Add expiry alert", "Add gateway health alert", "Re-enable renewal job"]);
    for (const open of tasks.data!.incident.tasks) {
      const done = await t.gql(`mutation($input: CompleteTaskInput!) { completeTask(input: $input) { completedAt } }`, { input: { taskId: open.id, version: open.version } }, agent());
      expect(done.data!.completeTask.completedAt).toBeTruthy();
    }

    const closed = await move(incident, "closed", "all actions done");
    expect(closed.errors).toBeUndefined();
    expect(closed.data!.transitionIncident).toMatchObject({ stage: "closed", allowedTransitions: [] });

    const full = await t.gql(`query($id: ID!) { incident(id: $id) { reportMarkdown transitions { fromStage toStage actorId } timeline { kind message } } }`, { id: incident.id }, f.tokens.analyst);
    const { reportMarkdown, transitions, timeline } = full.data!.incident;
    expect(transitions.map((x: { toStage: string }) => x.toStage)).toEqual(["identified", "classified", "assessed", "contained", "eradicated", "recovered", "reviewed", "closed"]);
    expect(transitions.every((x: { actorId: string }) => x.actorId === f.users.agent.id)).toBe(true);
    expect(reportMarkdown).toContain("## Root cause\n\nCertificate renewal job was disabled during a migration.");
    expect(reportMarkdown).toMatch(/identified → \*\*classified\*\*/);
    expect(reportMarkdown).toContain("- [x] Add gateway health alert");
    expect(timeline.map((e: { kind: string }) => e.kind)).toEqual(expect.arrayContaining(["created", "major_incident", "stage_changed", "task_added", "task_completed", "report_written"]));
  });

  it("lets a P4 request skip containment and eradication, and close without review", async () => {
    let incident = await create({ title: "Password reset for a user", impact: 3, urgency: 2 });
    expect(incident.priority).toBe(4);
    for (const stage of ["classified", "assessed", "recovered", "closed"]) {
      const res = await move(incident, stage);
      expect(res.errors, stage).toBeUndefined();
      incident = res.data!.transitionIncident;
    }
    expect(incident).toMatchObject({ stage: "closed", containedAt: null, eradicatedAt: null, reviewedAt: null });
  });

  it("refuses the same skip for a P2 incident and names the allowed stages", async () => {
    let incident = await create({ title: "Search is slow for everyone", impact: 1, urgency: 2 });
    for (const stage of ["classified", "assessed"]) incident = (await move(incident, stage)).data!.transitionIncident;
    const res = await move(incident, "recovered");
    expect(codeOf(res)).toBe("INVALID_TRANSITION");
    expect(res.errors![0].extensions!.allowed).toEqual(["contained"]);
    expect(res.errors![0].message).toMatch(/only P4 and P5/);
    const backwards = await move(incident, "identified");
    expect(codeOf(backwards)).toBe("INVALID_TRANSITION");
    expect(backwards.errors![0].message).toContain("Allowed next stages: contained.");
    const unchanged = await t.gql(`query($id: ID!) { incident(id: $id) { stage version } }`, { id: incident.id }, agent());
    expect(unchanged.data!.incident).toEqual({ stage: "assessed", version: incident.version });
  });

  it("reopens a closed incident back to assessment and clears the later stamps", async () => {
    let incident = await create({ title: "VPN drops every hour", impact: 3, urgency: 3 });
    for (const stage of ["classified", "assessed", "recovered", "closed"]) incident = (await move(incident, stage)).data!.transitionIncident;
    const res = await t.gql(`mutation($input: ReopenIncidentInput!) { reopenIncident(input: $input) { ${INCIDENT_FIELDS} } }`, {
      input: { id: incident.id, version: incident.version, reason: "It happened again at 14:00" },
    }, agent());
    expect(res.errors).toBeUndefined();
    expect(res.data!.reopenIncident).toMatchObject({ stage: "assessed", reopenCount: 1, recoveredAt: null, closedAt: null });
    expect(res.data!.reopenIncident.assessedAt).toBeTruthy();
    const again = await t.gql(`mutation($input: ReopenIncidentInput!) { reopenIncident(input: $input) { id } }`, {
      input: { id: incident.id, version: res.data!.reopenIncident.version, reason: "twice" },
    }, agent());
    expect(codeOf(again)).toBe("INVALID_TRANSITION");
  });

  it("cancels a duplicate, links it to the original, and notes it on the original", async () => {
    const original = await create({ title: "Email delivery delayed", impact: 2, urgency: 2 });
    const duplicate = await create({ title: "Emails arrive late", impact: 2, urgency: 2 });
    const res = await t.gql(`mutation($input: MarkDuplicateInput!) { markDuplicate(input: $input) { stage duplicateOf { id } allowedTransitions } }`, {
      input: { id: duplicate.id, version: duplicate.version, duplicateOfId: original.id },
    }, agent());
    expect(res.data!.markDuplicate).toEqual({ stage: "cancelled", duplicateOf: { id: original.id }, allowedTransitions: [] });
    const orig = await t.gql(`query($id: ID!) { incident(id: $id) { timeline { kind } } }`, { id: original.id }, agent());
    expect(orig.data!.incident.timeline.map((e: { kind: string }) => e.kind)).toContain("marked_duplicate");
    const self = await t.gql(`mutation($input: MarkDuplicateInput!) { markDuplicate(input: $input) { id } }`, {
      input: { id: original.id, version: original.version, duplicateOfId: original.id },
    }, agent());
    expect(codeOf(self)).toBe("BAD_USER_INPUT");
  });

  it("rejects a stale update with CONFLICT and keeps the winner's change", async () => {
    const incident = await create({ title: "Printer offline on floor 3", impact: 3, urgency: 3 });
    const update = (title: string) =>
      t.gql(`mutation($input: UpdateIncidentInput!) { updateIncident(input: $input) { title version } }`, { input: { id: incident.id, version: incident.version, title } }, agent());
    const results = await Promise.all([update("Printer offline (floor 3, east)"), update("Printer offline (floor 3, west)")]);
    const winners = results.filter((r) => !r.errors);
    const losers = results.filter((r) => r.errors);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);
    expect(codeOf(losers[0])).toBe("CONFLICT");
    expect(losers[0].errors![0].extensions).toMatchObject({ expectedVersion: 1, actualVersion: 2 });
    const stored = await t.gql(`query($id: ID!) { incident(id: $id) { title version } }`, { id: incident.id }, agent());
    expect(stored.data!.incident).toEqual(winners[0].data!.updateIncident);
  });

  it("answers bad input with the field and the reason, and unknown ids with NOT_FOUND", async () => {
    const bad = await t.gql(`mutation { createIncident(input: { title: "x", impact: 7, urgency: 1 }) { id } }`, {}, agent());
    expect(codeOf(bad)).toBe("BAD_USER_INPUT");
    const fields = bad.errors![0].extensions!.fields.map((x: { field: string }) => x.field);
    expect(fields).toEqual(expect.arrayContaining(["title", "impact"]));
    const missing = await t.gql(`query { incident(id: "00000000-0000-4000-8000-000000000000") { id } }`, {}, agent());
    expect(codeOf(missing)).toBe("NOT_FOUND");
    const byNumber = await t.gql(`query { incident(number: "INC-999999") { id } }`, {}, agent());
    expect(codeOf(byNumber)).toBe("NOT_FOUND");
    expect(byNumber.errors![0].message).toMatch(/INC-999999/);
    // A malformed number is quoted back, so a list of them says which entry is wrong.
    const garbage = await t.gql(`query { incident(number: "garbage") { id } }`, {}, agent());
    expect(codeOf(garbage)).toBe("BAD_USER_INPUT");
    expect(garbage.errors![0].message).toMatch(/"garbage" is not an incident number/);
    const unknownService = await t.gql(`mutation { createIncident(input: { title: "abc def", serviceId: "00000000-0000-4000-8000-000000000000" }) { id } }`, {}, agent());
    expect(codeOf(unknownService)).toBe("NOT_FOUND");
  });
});
