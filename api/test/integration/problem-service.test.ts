import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inTransaction } from "../../src/platform/database/transaction";
import type { Principal } from "../../src/platform/auth/roles";
import { ProblemStage } from "../../src/modules/problem/problem.lifecycle";
import { PrioritySource } from "../../src/modules/problem/problem.rules";
import { seedFixture, startTestApi, type Fixture } from "../support/harness";

/** The service calls other modules make (recurrence candidates: accept and merge), on a real database. */
describe("problem service: create from incidents and link in bulk", () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let f: Fixture;
  let manager: Principal;
  const incident = async (title: string, impact = 3, urgency = 3) =>
    t.api.services.incidents.create(manager, { title, description: "nightly batch", impact, urgency, serviceId: f.service.id });

  beforeAll(async () => {
    t = await startTestApi();
    f = await seedFixture(t.api);
    manager = { kind: "user", userId: f.users.problem_manager.id, role: f.users.problem_manager.role, label: "pm" };
  });
  afterAll(async () => t?.stop());

  it("creates a problem from incidents: numbered, owned by the caller, their services, all linked, priority from the worst open one", async () => {
    const a = await incident("Payroll export times out", 3, 3);
    const b = await incident("Payroll export timeout again", 2, 2);
    const problem = await t.api.services.problems.createFromIncidents(manager, { incidentIds: [a.id, b.id] });
    expect(problem.number).toBeGreaterThan(0);
    expect(problem.title).toBe("Payroll export times out");
    expect(problem.ownerId).toBe(f.users.problem_manager.id);
    expect(problem.stage).toBe(ProblemStage.new);
    expect(problem.version).toBe(1);
    expect(await t.api.services.problems.problemIdOf(a.id)).toBe(problem.id);
    expect(await t.api.services.problems.problemIdOf(b.id)).toBe(problem.id);
    const services = await t.api.dataSource.query(`SELECT service_id FROM problem_affected_service WHERE problem_id = $1`, [problem.id]);
    expect(services).toEqual([{ service_id: f.service.id }]);
    // impact 2 × urgency 2 is P3 in the default matrix, the same as incident b.
    expect(problem.priority).toBe(3);
  });

  it("links more incidents inside the caller's transaction, and rolls the priority up to the worst open one", async () => {
    const a = await incident("Disk full on build agent");
    const problem = await t.api.services.problems.createFromIncidents(manager, { incidentIds: [a.id] });
    const urgent = await incident("Disk full on build agent 7, releases blocked", 1, 1);
    const linked = await inTransaction(t.api.dataSource, (work) => t.api.services.problems.linkIncidents(manager, { problemId: problem.id, incidentIds: [urgent.id, a.id] }, work));
    expect(linked.priority).toBe(1);
    expect(linked.prioritySource).toBe(PrioritySource.incidents);
    expect(linked.priorityReason).toContain("the worst open linked incident");
    const audit = await t.api.dataSource.query(`SELECT action FROM audit_log WHERE entity_id = $1 ORDER BY seq`, [problem.id]);
    expect(audit.map((r: { action: string }) => r.action)).toEqual(["problem.create", "problem.link_incidents"]);
  });

  it("refuses to link an incident that belongs to another problem, naming both", async () => {
    const a = await incident("Certificate expired on API gateway");
    const first = await t.api.services.problems.createFromIncidents(manager, { incidentIds: [a.id] });
    const b = await incident("Certificate expiry again");
    const second = await t.api.services.problems.createFromIncidents(manager, { incidentIds: [b.id] });
    await expect(t.api.services.problems.linkIncidents(manager, { problemId: second.id, incidentIds: [a.id] })).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await t.api.services.problems.problemIdOf(a.id)).toBe(first.id);
  });

  it("rolls the whole creation back when an incident does not exist", async () => {
    const a = await incident("Mail relay queue stuck");
    const before = await t.api.dataSource.query(`SELECT count(*)::int AS n FROM problem`);
    await expect(t.api.services.problems.createFromIncidents(manager, { incidentIds: [a.id, "00000000-0000-4000-8000-000000000000"] })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await t.api.dataSource.query(`SELECT count(*)::int AS n FROM problem`)).toEqual(before);
    expect(await t.api.services.problems.problemIdOf(a.id)).toBeNull();
  });
});
