import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Role } from "../../src/platform/auth/roles";
import { Criticality, ServiceKind, type Service } from "../../src/modules/catalog/catalog.entity";
import { codeOf, seedFixture, startTestApi, TEST_PASSWORD, type Fixture } from "../support/harness";

const CHANGE_FIELDS = `id key version stage type allowedTransitions riskLevel riskScore riskReasons { ruleKey message weight } actualStart actualEnd conflictOverrideReason
  conflicts { kind message otherChangeId viaDependency }
  approvals { required stillNeeded complete rejected decisions { approverId decision comment } pending { id name } }`;

const HOUR = 3_600_000;

describe("change management end to end over HTTP", () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let f: Fixture;
  let db: Service;
  let cab2Token: string;
  let cab2Id: string;
  // A window tomorrow 10:00-12:00 UTC (business hours on weekdays, whichever day it is).
  const day = new Date(Date.now() + 24 * HOUR);
  const start = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 10));
  const end = new Date(start.getTime() + 2 * HOUR);

  beforeAll(async () => {
    t = await startTestApi();
    f = await seedFixture(t.api);
    db = await t.api.services.catalog.createService(null, { name: `Orders DB ${f.team.id.slice(0, 6)}`, kind: ServiceKind.configuration_item, criticality: Criticality.critical, ownerTeamId: f.team.id });
    const cab2 = await t.api.services.users.createUser(null, { email: `cab2.${f.team.id.slice(0, 6)}@example.test`, name: "Second CAB member", password: TEST_PASSWORD, role: Role.change_manager, teamId: f.team.id });
    cab2Id = cab2.id;
    cab2Token = (await t.api.services.users.sessions.open(cab2)).token;
  });
  afterAll(async () => t?.stop());

  const gql = (query: string, variables: Record<string, unknown>, token: string) => t.gql(query, variables, token);
  const create = (input: Record<string, unknown>, token = f.tokens.agent) =>
    gql(`mutation($i: CreateChangeInput!) { createChange(input: $i) { ${CHANGE_FIELDS} } }`, { i: input }, token);
  const move = (id: string, version: number, to: string, token = f.tokens.agent, extra: Record<string, unknown> = {}) =>
    gql(`mutation($i: TransitionChangeInput!) { transitionChange(input: $i) { ${CHANGE_FIELDS} } }`, { i: { id, version, to, ...extra } }, token);
  const approve = (id: string, version: number, token: string, extra: Record<string, unknown> = {}) =>
    gql(`mutation($i: DecideChangeInput!) { approveChange(input: $i) { ${CHANGE_FIELDS} } }`, { i: { id, version, ...extra } }, token);
  const plans = { implementationPlan: "Deploy release 4.2 with the blue/green switch", backoutPlan: "Switch traffic back to blue", testPlan: "Smoke tests" };

  it("raises a normal change to fix a problem, computes its risk, shows its conflict, authorizes it by quorum and runs it to closed; the problem resolves and an incident then finds the change under 'What changed?'", async () => {
    // A problem whose root cause is known and which waits for a fix.
    const problems = t.api.services.problems;
    const pm = { kind: "user" as const, userId: f.users.problem_manager.id, role: Role.problem_manager, label: "pm" };
    let problem = await problems.create(pm, { title: "Checkout session drops under load", statement: "Sessions lost at peak", serviceIds: [f.service.id], impact: 2, urgency: 2 });
    const current = () => problems.getById(problem.id);
    await problems.transition(pm, { id: problem.id, version: (await current()).version, to: "investigating" as never });
    await problems.recordRootCause(pm, { id: problem.id, version: (await current()).version, rootCause: "Session store connection pool too small" });
    await problems.transition(pm, { id: problem.id, version: (await current()).version, to: "root_cause_known" as never });
    problem = await current();
    expect(problem.stage).toBe("root_cause_known");

    const dep = await gql(`mutation($s: ID!, $d: ID!) { addServiceDependency(serviceId: $s, dependsOnId: $d) { serviceId dependsOnId } }`, { s: f.service.id, d: db.id }, f.tokens.admin);
    expect(dep.errors).toBeUndefined();

    // Another change on the database the service depends on, in an overlapping window.
    const other = await create({ title: "Orders DB minor version upgrade", serviceIds: [db.id], plannedStart: new Date(start.getTime() + HOUR), plannedEnd: new Date(end.getTime() + HOUR), ...plans });
    expect(other.errors).toBeUndefined();

    const raised = await create({ title: "Release checkout 4.2", description: "New payment flow", serviceIds: [f.service.id], problemIds: [problem.id], plannedStart: start, plannedEnd: end, ...plans });
    expect(raised.errors).toBeUndefined();
    let change = raised.data!.createChange;
    expect(change.key).toMatch(/^CHG-\d{6}$/);
    expect(change.stage).toBe("draft");
    // A normal change is submitted for approval; only a template's standard change is scheduled from draft.
    expect(change.allowedTransitions).toEqual(["assessing", "cancelled"]);
    // The conflict is a warning while drafting, through the dependency.
    expect(change.conflicts).toEqual([expect.objectContaining({ kind: "overlap", otherChangeId: other.data!.createChange.id, viaDependency: true })]);
    const listed = await gql(`query($id: ID!) { changeConflicts(id: $id) { kind message } }`, { id: change.id }, f.tokens.analyst);
    expect(listed.data!.changeConflicts[0].message).toContain(other.data!.createChange.key);

    const submitted = await move(change.id, change.version, "assessing");
    expect(submitted.errors).toBeUndefined();
    change = submitted.data!.transitionChange;
    expect(change.stage).toBe("assessing");
    expect(change.riskScore).toBeGreaterThan(0);
    expect(change.riskLevel).toMatch(/low|medium|high/);
    // Normal type + high-criticality service + two services affected counting the dependent one, at least.
    expect(change.riskReasons.map((r: { ruleKey: string }) => r.ruleKey)).toEqual(expect.arrayContaining(["type.normal", "criticality.high"]));
    expect(change.approvals).toMatchObject({ required: 2, stillNeeded: 2, complete: false });
    // Admins may approve normal changes too, so they are listed among those who have not decided.
    expect(change.approvals.pending.map((u: { id: string }) => u.id).sort()).toEqual([f.users.change_manager.id, cab2Id, f.users.admin.id].sort());

    const inbox = await gql(`query { changeApprovalsInbox { id } }`, {}, f.tokens.change_manager);
    expect(inbox.data!.changeApprovalsInbox.map((c: { id: string }) => c.id)).toContain(change.id);

    const first = await approve(change.id, change.version, f.tokens.change_manager, { comment: "Looks fine" });
    expect(first.errors).toBeUndefined();
    change = first.data!.approveChange;
    expect(change.stage).toBe("assessing");
    expect(change.approvals).toMatchObject({ stillNeeded: 1 });
    expect(change.approvals.pending.map((u: { id: string }) => u.id).sort()).toEqual([cab2Id, f.users.admin.id].sort());

    const stale = await approve(change.id, change.version - 1, cab2Token);
    expect(codeOf(stale)).toBe("CONFLICT");
    const twice = await approve(change.id, change.version, f.tokens.change_manager);
    expect(codeOf(twice)).toBe("PRECONDITION_FAILED");

    // The quorum-completing approval is blocked by the conflict until the approver overrides it.
    const blocked = await approve(change.id, change.version, cab2Token);
    expect(codeOf(blocked)).toBe("PRECONDITION_FAILED");
    expect(blocked.errors![0].message).toContain("conflict");
    const authorized = await approve(change.id, change.version, cab2Token, { overrideReason: "DB upgrade is online-only; no downtime overlap" });
    expect(authorized.errors).toBeUndefined();
    change = authorized.data!.approveChange;
    expect(change.stage).toBe("authorized");
    expect(change.conflictOverrideReason).toContain("online-only");

    change = (await move(change.id, change.version, "scheduled")).data!.transitionChange;
    change = (await move(change.id, change.version, "implementing")).data!.transitionChange;
    expect(change.actualStart).toBeTruthy();
    change = (await move(change.id, change.version, "reviewing")).data!.transitionChange;
    expect(change.actualEnd).toBeTruthy();
    const reviewed = await gql(
      `mutation($i: ReviewChangeInput!) { reviewChange(input: $i) { version review { outcome lessons } } }`,
      { i: { id: change.id, version: change.version, outcome: "successful", lessons: "Blue/green made it boring" } },
      f.tokens.agent,
    );
    expect(reviewed.data!.reviewChange.review).toEqual({ outcome: "successful", lessons: "Blue/green made it boring" });
    const closed = await move(change.id, reviewed.data!.reviewChange.version, "closed");
    expect(closed.data!.transitionChange.stage).toBe("closed");

    // Its problem resolves, naming the change as its fix.
    const fixed = await gql(`query($id: ID!) { change(id: $id) { problems { id stage fixDescription fixingChanges { key } } } }`, { id: change.id }, f.tokens.analyst);
    expect(fixed.errors).toBeUndefined();
    expect(fixed.data!.change.problems).toEqual([expect.objectContaining({ id: problem.id, stage: "resolved", fixingChanges: [{ key: change.key }] })]);
    expect(fixed.data!.change.problems[0].fixDescription).toContain(`Fixed by ${change.key}`);

    const byNumber = await gql(`query($n: String!) { change(number: $n) { stage transitions { fromStage toStage actorId } } }`, { n: change.key }, f.tokens.analyst);
    expect(byNumber.data!.change.transitions.map((x: { toStage: string }) => x.toStage)).toEqual(["draft", "assessing", "authorized", "scheduled", "implementing", "reviewing", "closed"]);

    // An incident on the same service: "What changed?" lists the change, and one click marks it the cause.
    const incident = (await gql(`mutation($s: ID!) { createIncident(input: { title: "Checkout errors after lunch", impact: 2, urgency: 2, serviceId: $s }) { id version } }`, { s: f.service.id }, f.tokens.agent)).data!.createIncident;
    const recent = await gql(`query($id: ID!) { recentChanges(incidentId: $id) { change { id key } score reason isCause } }`, { id: incident.id }, f.tokens.agent);
    expect(recent.errors).toBeUndefined();
    expect(recent.data!.recentChanges[0]).toMatchObject({ change: { id: change.id }, isCause: false });
    expect(recent.data!.recentChanges[0].reason).toContain("the incident's service");
    const linked = await gql(
      `mutation($i: SetIncidentCauseInput!) { setIncidentCause(input: $i) { version causedByChange { key } } }`,
      { i: { incidentId: incident.id, version: incident.version, changeId: change.id } },
      f.tokens.agent,
    );
    expect(linked.errors).toBeUndefined();
    expect(linked.data!.setIncidentCause.causedByChange.key).toBe(change.key);
    expect(linked.data!.setIncidentCause.version).toBe(incident.version + 1);
    const after = await gql(`query($id: ID!) { recentChanges(incidentId: $id) { isCause } change(id: "${change.id}") { causedIncidents { id } } }`, { id: incident.id }, f.tokens.analyst);
    expect(after.data!.recentChanges[0].isCause).toBe(true);
    expect(after.data!.change.causedIncidents).toEqual([{ id: incident.id }]);

    const audit = await t.api.dataSource.query(`SELECT action FROM audit_log WHERE entity_id IN ($1, $2) ORDER BY seq`, [change.id, incident.id]);
    expect(audit.map((a: { action: string }) => a.action)).toEqual(expect.arrayContaining(["change.create", "change.transition", "change.approve", "change.review", "incident_cause.set"]));
  });

  it("stops a change at the first rejection, with its comment, and refuses a rejection without one", async () => {
    const raised = (await create({ title: "Rotate TLS certificates", serviceIds: [f.service.id], plannedStart: new Date(start.getTime() + 30 * 24 * HOUR), plannedEnd: new Date(end.getTime() + 30 * 24 * HOUR), ...plans })).data!.createChange;
    const submitted = (await move(raised.id, raised.version, "assessing")).data!.transitionChange;
    const bare = await gql(`mutation($i: DecideChangeInput!) { rejectChange(input: $i) { stage } }`, { i: { id: submitted.id, version: submitted.version } }, f.tokens.change_manager);
    expect(codeOf(bare)).toBe("BAD_USER_INPUT");
    const rejected = await gql(`mutation($i: DecideChangeInput!) { rejectChange(input: $i) { stage transitions { toStage reason } } }`, { i: { id: submitted.id, version: submitted.version, comment: "No backout tested" } }, f.tokens.change_manager);
    expect(rejected.data!.rejectChange.stage).toBe("rejected");
    expect(rejected.data!.rejectChange.transitions.at(-1)).toEqual({ toStage: "rejected", reason: "No backout tested" });
    const direct = await move(submitted.id, submitted.version + 1, "authorized", f.tokens.change_manager);
    expect(codeOf(direct)).toBe("INVALID_TRANSITION");
  });

  it("refuses self-approval: a change manager cannot approve a change they raised", async () => {
    const own = (await create({ title: "Resize the checkout pool", serviceIds: [f.service.id], plannedStart: new Date(start.getTime() + 40 * 24 * HOUR), plannedEnd: new Date(end.getTime() + 40 * 24 * HOUR), ...plans }, f.tokens.change_manager)).data!.createChange;
    const submitted = (await move(own.id, own.version, "assessing", f.tokens.change_manager)).data!.transitionChange;
    expect(submitted.approvals.pending.map((u: { id: string }) => u.id).sort()).toEqual([cab2Id, f.users.admin.id].sort());
    const self = await approve(submitted.id, submitted.version, f.tokens.change_manager);
    expect(codeOf(self)).toBe("FORBIDDEN");
    expect(self.errors![0].message).toContain("your own change");
  });

  it("authorizes an emergency change with one approver and refuses to close it before its retrospective review", async () => {
    const raised = (await create({ type: "emergency", title: "Hotfix card tokenisation", serviceIds: [f.service.id], plannedStart: new Date(start.getTime() + 50 * 24 * HOUR), plannedEnd: new Date(end.getTime() + 50 * 24 * HOUR), ...plans })).data!.createChange;
    let change = (await move(raised.id, raised.version, "assessing")).data!.transitionChange;
    expect(change.approvals.required).toBe(1);
    change = (await approve(change.id, change.version, f.tokens.admin)).data!.approveChange;
    expect(change.stage).toBe("authorized");
    change = (await move(change.id, change.version, "implementing")).data!.transitionChange;
    change = (await move(change.id, change.version, "reviewing")).data!.transitionChange;
    const early = await move(change.id, change.version, "closed");
    expect(codeOf(early)).toBe("INVALID_TRANSITION");
    expect(early.errors![0].message).toContain("review");
    const reviewed = await gql(`mutation($i: ReviewChangeInput!) { reviewChange(input: $i) { version } }`, { i: { id: change.id, version: change.version, outcome: "successful", lessons: "Retrospective: fine" } }, f.tokens.agent);
    expect((await move(change.id, reviewed.data!.reviewChange.version, "closed")).data!.transitionChange.stage).toBe("closed");
  });

  it("schedules a standard change from a template without approval, blocked by a freeze unless an approver overrides", async () => {
    const template = await gql(
      `mutation($i: ChangeTemplateInput!) { saveChangeTemplate(input: $i) { id } }`,
      { i: { name: "Restart checkout workers", implementationPlan: "Rolling restart", backoutPlan: "None needed", durationMinutes: 30, serviceIds: [f.service.id] } },
      f.tokens.change_manager,
    );
    const at = new Date(start.getTime() + 60 * 24 * HOUR);
    const freeze = await gql(
      `mutation($i: FreezeWindowInput!) { saveFreezeWindow(input: $i) { id } }`,
      { i: { name: "Quarter close", startsAt: new Date(at.getTime() - HOUR), endsAt: new Date(at.getTime() + 5 * HOUR), serviceIds: [] } },
      f.tokens.admin,
    );
    expect(freeze.errors).toBeUndefined();
    const raised = (await create({ templateId: template.data!.saveChangeTemplate.id, title: "Restart workers after leak", plannedStart: at })).data!.createChange;
    expect(raised.type).toBe("standard");
    expect(raised.allowedTransitions).toEqual(["scheduled", "cancelled"]);
    expect(raised.conflicts.map((c: { kind: string }) => c.kind)).toEqual(["freeze"]);
    const blocked = await move(raised.id, raised.version, "scheduled");
    expect(codeOf(blocked)).toBe("PRECONDITION_FAILED");
    const agentOverride = await move(raised.id, raised.version, "scheduled", f.tokens.agent, { overrideReason: "I say so" });
    expect(codeOf(agentOverride)).toBe("FORBIDDEN");
    const scheduled = await move(raised.id, raised.version, "scheduled", f.tokens.change_manager, { overrideReason: "Leak takes checkout down within hours" });
    expect(scheduled.data!.transitionChange.stage).toBe("scheduled");
  });

  it("lists changes by filter, and costs the same SQL statements for a page of 3 as for a page of 30", async () => {
    const page = (first: number) =>
      gql(`query($first: Int) { changes(first: $first) { totalCount edges { node { key riskLevel services { name } requester { name } owner { name } approvals { stillNeeded pending { id } } review { outcome } } } } }`, { first }, f.tokens.analyst);
    const small = await page(3);
    const large = await page(30);
    expect(small.errors).toBeUndefined();
    expect(large.data!.changes.edges.length).toBeGreaterThan(3);
    expect(large.sqlStatements).toBe(small.sqlStatements);
    // Incidents with the change that caused them: one batched query per relation, whatever the page size.
    const changeIds = large.data!.changes.edges.length;
    expect(changeIds).toBeGreaterThan(3);
    const all = await gql(`query { changes(first: 10) { edges { node { id } } } }`, {}, f.tokens.analyst);
    for (const [i, edge] of all.data!.changes.edges.slice(0, 4).entries()) {
      const incident = (await gql(`mutation($s: ID!, $t: String!) { createIncident(input: { title: $t, impact: 3, urgency: 3, serviceId: $s }) { id version } }`, { s: f.service.id, t: `Caused incident ${i}` }, f.tokens.agent)).data!.createIncident;
      await gql(`mutation($i: SetIncidentCauseInput!) { setIncidentCause(input: $i) { id } }`, { i: { incidentId: incident.id, version: incident.version, changeId: edge.node.id } }, f.tokens.agent);
    }
    const incidents = (first: number) => gql(`query($first: Int) { incidents(first: $first) { edges { node { key causedByChange { key services { name } } } } } }`, { first }, f.tokens.analyst);
    const one = await incidents(1);
    const many = await incidents(10);
    expect(many.data!.incidents.edges.filter((e: { node: { causedByChange: unknown } }) => e.node.causedByChange).length).toBeGreaterThanOrEqual(4);
    expect(many.sqlStatements).toBe(one.sqlStatements);
    const filtered = await gql(`query($f: ChangeFilter) { changes(filter: $f) { totalCount edges { node { key } } } }`, { f: { stage: ["closed"], type: ["emergency"] } }, f.tokens.analyst);
    expect(filtered.data!.changes.totalCount).toBe(1);
    const text = await gql(`query($f: ChangeFilter) { changes(filter: $f) { totalCount } }`, { f: { search: "tokenisation" } }, f.tokens.analyst);
    expect(text.data!.changes.totalCount).toBe(1);
    const cal = await gql(`query($from: DateTimeISO!, $to: DateTimeISO!) { changeCalendar(from: $from, to: $to) { changes { key } conflicts { changeId otherChangeId } freezes { start } } }`, { from: new Date(start.getTime() - 24 * HOUR), to: new Date(start.getTime() + 24 * HOUR) }, f.tokens.analyst);
    expect(cal.errors).toBeUndefined();
    expect(cal.data!.changeCalendar.changes.length).toBeGreaterThanOrEqual(2);
  });
});
