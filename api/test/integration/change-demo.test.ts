import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedDemoData } from "../../src/modules/demo/demo.seed";
import { User } from "../../src/modules/user/user.entity";
import { startTestApi } from "../support/harness";

describe("demo seed: change management", () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let token: string;
  beforeAll(async () => {
    t = await startTestApi();
    await seedDemoData(t.api.dataSource, { incidentCount: 20 });
    const manager = await t.api.dataSource.getRepository(User).findOneByOrFail({ email: "change@quell.local" });
    token = (await t.api.services.users.sessions.open(manager)).token;
  });
  afterAll(async () => t?.stop());

  it("has a change in every stage, freeze windows, a conflict in the approvals inbox and a failed change with the incident it caused", async () => {
    const res = await t.gql(
      `query { changes(first: 100) { edges { node { id key stage title riskLevel conflicts { kind message } causedIncidents { id } } } }
               freezeWindows { name recurrence } changeApprovalsInbox { key } }`,
      {},
      token,
    );
    expect(res.errors).toBeUndefined();
    const changes = res.data!.changes.edges.map((e: { node: Record<string, any> }) => e.node);
    const stages = new Set(changes.map((c: { stage: string }) => c.stage));
    expect([...stages].sort()).toEqual(["assessing", "authorized", "cancelled", "closed", "draft", "failed", "implementing", "rejected", "reviewing", "rolled_back", "scheduled"]);
    expect(res.data!.freezeWindows.map((f: { recurrence: string }) => f.recurrence).sort()).toEqual(["once", "weekly"]);
    expect(res.data!.changeApprovalsInbox).toHaveLength(2);
    const conflicted = changes.filter((c: { stage: string; conflicts: unknown[] }) => c.stage === "assessing" && c.conflicts.some((k: any) => k.kind === "overlap"));
    expect(conflicted).toHaveLength(2);
    const failed = changes.find((c: { stage: string }) => c.stage === "failed");
    expect(failed.causedIncidents).toHaveLength(1);
    const recent = await t.gql(`query($id: ID!) { recentChanges(incidentId: $id) { change { id } isCause reason } }`, { id: failed.causedIncidents[0].id }, token);
    expect(recent.data!.recentChanges[0]).toMatchObject({ change: { id: failed.id }, isCause: true });
  });
});
