import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeOf, seedFixture, startTestApi, type Fixture } from "../support/harness";

const FIELDS = `id version stage priority resolution closureCode allowedTransitions`;

describe("closing an incident, its report and the moves offered", () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let f: Fixture;
  beforeAll(async () => {
    t = await startTestApi();
    f = await seedFixture(t.api);
  });
  afterAll(async () => t?.stop());

  type Row = { id: string; version: number; stage: string; allowedTransitions: string[]; resolution: string | null; closureCode: string | null };
  const create = async (input: Record<string, unknown>): Promise<Row> => {
    const res = await t.gql(`mutation($input: CreateIncidentInput!) { createIncident(input: $input) { ${FIELDS} } }`, { input }, f.tokens.agent);
    expect(res.errors).toBeUndefined();
    return res.data!.createIncident;
  };
  const move = (i: Row, to: string, extra: Record<string, unknown> = {}) =>
    t.gql(`mutation($input: TransitionIncidentInput!) { transitionIncident(input: $input) { ${FIELDS} } }`, { input: { id: i.id, version: i.version, to, ...extra } }, f.tokens.agent);
  const walk = async (i: Row, stages: string[]) => {
    for (const stage of stages) {
      const res = await move(i, stage);
      expect(res.errors, stage).toBeUndefined();
      i = res.data!.transitionIncident;
    }
    return i;
  };
  const read = async (id: string) => (await t.gql(`query($id: ID!) { incident(id: $id) { ${FIELDS} report { version } tasks { id version title completedAt } } }`, { id }, f.tokens.agent)).data!.incident;
  const writeReport = (incidentId: string, input: Record<string, unknown>) =>
    t.gql(`mutation($input: WriteReportInput!) { writeReport(input: $input) { id version publishedAt } }`, { input: { incidentId, ...input } }, f.tokens.agent);

  it("requires a resolution and a closure code to close, and keeps them", async () => {
    const i = await walk(await create({ title: "Password reset for a user", impact: 3, urgency: 2 }), ["classified", "assessed", "recovered"]);
    expect(i.allowedTransitions).toContain("closed");
    const bare = await move(i, "closed");
    expect(codeOf(bare)).toBe("BAD_USER_INPUT");
    expect(bare.errors![0].message).toMatch(/resolution/);
    const noCode = await move(i, "closed", { resolution: "Reset the password and confirmed login" });
    expect(codeOf(noCode)).toBe("BAD_USER_INPUT");
    expect(noCode.errors![0].message).toMatch(/closure code/);
    const blank = await move(i, "closed", { resolution: "   ", closureCode: "solved_permanently" });
    expect(codeOf(blank)).toBe("BAD_USER_INPUT");
    expect((await read(i.id)).stage).toBe("recovered");

    const closed = await move(i, "closed", { resolution: "Reset the password and confirmed login", closureCode: "solved_permanently" });
    expect(closed.errors).toBeUndefined();
    expect(closed.data!.transitionIncident).toMatchObject({ stage: "closed", resolution: "Reset the password and confirmed login", closureCode: "solved_permanently", allowedTransitions: [] });
    const timeline = await t.gql(`query($id: ID!) { incident(id: $id) { timeline { message } } }`, { id: i.id }, f.tokens.agent);
    expect(timeline.data!.incident.timeline.map((e: { message: string }) => e.message)).toContain('Moved from recovered to closed as "Solved (permanently)"');

    // Reopening clears how it ended: it has not ended any more.
    const reopened = await t.gql(`mutation($input: ReopenIncidentInput!) { reopenIncident(input: $input) { closureCode stage } }`, { input: { id: i.id, version: closed.data!.transitionIncident.version, reason: "It came back" } }, f.tokens.agent);
    expect(reopened.data!.reopenIncident).toEqual({ closureCode: null, stage: "assessed" });
  });

  it("tracks the report's action items as tasks that block closing like tasks do", async () => {
    const i = await walk(await create({ title: "Payments down", impact: 1, urgency: 2 }), ["classified", "assessed", "contained", "recovered", "reviewed"]);
    const draft = await read(i.id);
    const written = await writeReport(i.id, {
      version: draft.report.version,
      whatHappened: "Gateway certificate expired",
      impact: "No card payments for 40 minutes",
      rootCause: "Renewal job disabled",
      actionItems: ["Re-enable the renewal job", "Alert 14 days before expiry"],
      publish: true,
    });
    expect(written.errors).toBeUndefined();
    const withTasks = await read(i.id);
    expect(withTasks.tasks.map((x: { title: string }) => x.title).sort()).toEqual(["Alert 14 days before expiry", "Re-enable the renewal job"]);
    // Not offered while they are open, and refused if asked anyway.
    expect(withTasks.allowedTransitions).toEqual([]);
    const refused = await move(withTasks, "closed", { resolution: "Renewed the certificate", closureCode: "solved_permanently" });
    expect(codeOf(refused)).toBe("INVALID_TRANSITION");
    expect(refused.errors![0].message).toMatch(/2 follow-up task/);

    // Saving the report again does not add the same tasks twice.
    expect((await writeReport(i.id, { version: written.data!.writeReport.version, actionItems: ["Re-enable the renewal job", "Alert 14 days before expiry"] })).errors).toBeUndefined();
    const again = await read(i.id);
    expect(again.tasks).toHaveLength(2);
    for (const task of again.tasks) {
      const done = await t.gql(`mutation($input: CompleteTaskInput!) { completeTask(input: $input) { id } }`, { input: { taskId: task.id, version: task.version } }, f.tokens.agent);
      expect(done.errors).toBeUndefined();
    }
    const ready = await read(i.id);
    expect(ready.allowedTransitions).toEqual(["closed"]);
    expect((await move(ready, "closed", { resolution: "Renewed the certificate", closureCode: "solved_permanently" })).errors).toBeUndefined();
  });

  it("requires the report's version for every write and refuses a stale one with CONFLICT", async () => {
    const i = await walk(await create({ title: "Wiki slow", impact: 2, urgency: 2 }), ["classified", "assessed", "contained", "recovered"]);
    // No report yet: version 0 creates it.
    const missing = await t.gql(`mutation { writeReport(input: { incidentId: "${i.id}", whatHappened: "x", publish: false }) { id } }`, {}, f.tokens.agent);
    expect(missing.status).toBeGreaterThanOrEqual(400);
    expect(missing.errors).toBeDefined();
    const first = await writeReport(i.id, { version: 0, whatHappened: "Cache node lost" });
    expect(first.errors).toBeUndefined();
    const v = first.data!.writeReport.version;
    const second = await writeReport(i.id, { version: v, impact: "Pages took 8 s" });
    expect(second.errors).toBeUndefined();
    const stale = await writeReport(i.id, { version: v, impact: "overwritten by a stale editor" });
    expect(codeOf(stale)).toBe("CONFLICT");
    const recreate = await writeReport(i.id, { version: 0, whatHappened: "again" });
    expect(codeOf(recreate)).toBe("CONFLICT");
    const report = await t.gql(`query($id: ID!) { incident(id: $id) { report { whatHappened impact } } }`, { id: i.id }, f.tokens.agent);
    expect(report.data!.incident.report).toEqual({ whatHappened: "Cache node lost", impact: "Pages took 8 s" });
  });

  it("lists only the moves that would succeed for this incident now", async () => {
    const p2 = await walk(await create({ title: "Search slow for everyone", impact: 1, urgency: 2 }), ["classified", "assessed"]);
    // A P2 may not skip containment: no "Move to Recovered" that the guard would refuse.
    expect(p2.allowedTransitions).toEqual(["contained"]);
    const p4 = await walk(await create({ title: "Mouse broken", impact: 3, urgency: 2 }), ["classified", "assessed"]);
    expect(p4.allowedTransitions).toEqual(["contained", "recovered"]);
    const recovered = await walk(p2, ["contained", "recovered"]);
    expect(recovered.allowedTransitions).toEqual(["reviewed"]);
    // The queue lists it for a whole page in a few statements.
    const page = await t.gql(`{ incidents(first: 50) { edges { node { id allowedTransitions } } } }`, {}, f.tokens.agent);
    expect(page.errors).toBeUndefined();
    expect(page.data!.incidents.edges.find((e: { node: { id: string } }) => e.node.id === recovered.id).node.allowedTransitions).toEqual(["reviewed"]);
    expect(page.sqlStatements).toBeLessThan(10);
  });
  it("keeps a closed or cancelled incident read-only until it is reopened, while notes and problem links still work", async () => {
    const closed = (await move(await walk(await create({ title: "Printer offline on floor 3", impact: 3, urgency: 2 }), ["classified", "assessed", "recovered"]), "closed", {
      resolution: "Power-cycled the printer",
      closureCode: "solved_permanently",
    })).data!.transitionIncident as Row;
    const update = (i: Row, input: Record<string, unknown>) =>
      t.gql(`mutation($input: UpdateIncidentInput!) { updateIncident(input: $input) { id version title readOnlyReason } }`, { input: { id: i.id, version: i.version, ...input } }, f.tokens.agent);
    const edited = await update(closed, { title: "Rewritten after the fact" });
    expect(codeOf(edited)).toBe("PRECONDITION_FAILED");
    expect(edited.errors![0].message).toMatch(/is closed; reopen it to change it/);
    expect(edited.errors![0].extensions).toMatchObject({ stage: "closed", reopenable: true });
    const assigned = await t.gql(`mutation($input: AssignIncidentInput!) { assignIncident(input: $input) { id } }`, { input: { id: closed.id, version: closed.version, assigneeId: f.users.agent.id } }, f.tokens.agent);
    expect(codeOf(assigned)).toBe("PRECONDITION_FAILED");
    expect(codeOf(await writeReport(closed.id, { version: 0, whatHappened: "Late report" }))).toBe("PRECONDITION_FAILED");
    const after = await t.gql(`query($id: ID!) { incident(id: $id) { title version assignee { id } report { id } readOnlyReason } }`, { id: closed.id }, f.tokens.agent);
    expect(after.data!.incident).toMatchObject({ title: "Printer offline on floor 3", version: closed.version, assignee: null, report: null });
    expect(after.data!.incident.readOnlyReason).toMatch(/closed; reopen it/);

    // Adding to its history still works: a note, and a problem linked after the fact.
    const note = await t.gql(`mutation($input: AddTimelineNoteInput!) { addTimelineNote(input: $input) { id } }`, { input: { incidentId: closed.id, message: "Vendor confirmed the firmware bug" } }, f.tokens.agent);
    expect(note.errors).toBeUndefined();
    const problem = await t.gql(`mutation($input: CreateProblemFromIncidentsInput!) { createProblemFromIncidents(input: $input) { id } }`, { input: { incidentIds: [closed.id] } }, f.tokens.problem_manager);
    expect(problem.errors).toBeUndefined();

    // Reopened, it is editable again.
    const current = (await read(closed.id)) as Row;
    const reopened = (await t.gql(`mutation($input: ReopenIncidentInput!) { reopenIncident(input: $input) { ${FIELDS} } }`, { input: { id: closed.id, version: current.version, reason: "Offline again" } }, f.tokens.agent)).data!.reopenIncident as Row;
    const again = await update(reopened, { title: "Printer offline on floor 3 (again)" });
    expect(again.errors).toBeUndefined();
    expect(again.data!.updateIncident).toMatchObject({ title: "Printer offline on floor 3 (again)", readOnlyReason: null });

    // A cancelled duplicate has no reopen: refused for good.
    const dup = await create({ title: "Floor 3 printer not printing", impact: 3, urgency: 3 });
    const cancelled = (await t.gql(`mutation($input: MarkDuplicateInput!) { markDuplicate(input: $input) { ${FIELDS} } }`, { input: { id: dup.id, version: dup.version, duplicateOfId: closed.id } }, f.tokens.agent)).data!.markDuplicate as Row;
    const refused = await update(cancelled, { urgency: 1 });
    expect(codeOf(refused)).toBe("PRECONDITION_FAILED");
    expect(refused.errors![0].message).toMatch(/is cancelled; it can no longer be changed/);
  });
});
