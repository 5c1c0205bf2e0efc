import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Suggestion, SuggestionKind, SuggestionStatus } from "../../src/modules/suggestion/suggestion.entity";
import type { SuggestionDraft } from "../../src/modules/suggestion/suggestion.service";
import { codeOf, seedFixture, startTestApi, type Fixture } from "../support/harness";

const draft = (kind: SuggestionKind, value: string | null, rank = 1): SuggestionDraft => ({
  kind,
  value,
  label: value,
  confidence: value ? 0.9 : null,
  reasons: {},
  abstained: value === null,
  abstainReason: value === null ? "no model yet" : null,
  rank,
  modelId: null,
  modelVersion: null,
});
const hash = () => randomBytes(32).toString("hex");

describe("suggestion decisions", () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let f: Fixture;
  let otherTeam: { id: string; name: string };

  beforeAll(async () => {
    t = await startTestApi();
    f = await seedFixture(t.api);
    otherTeam = await t.api.services.catalog.createTeam(null, { name: "Workplace IT" });
  });
  afterAll(async () => {
    await t?.stop();
  });

  const createIncident = async (input: Record<string, unknown> = {}) => {
    const res = await t.gql(`mutation($input: CreateIncidentInput!) { createIncident(input: $input) { id } }`, { input: { title: "Printer on fire", impact: 2, urgency: 2, ...input } }, f.tokens.agent);
    expect(res.errors).toBeUndefined();
    return res.data!.createIncident.id as string;
  };
  const incidentOf = async (id: string) => {
    const res = await t.gql(
      `query($id: ID!) { incident(id: $id) { id version severity category team { id } timeline { kind message } suggestions { id kind value status correctedValue } } }`,
      { id },
      f.tokens.agent,
    );
    expect(res.errors).toBeUndefined();
    return res.data!.incident as { id: string; version: number; severity: string | null; category: string | null; team: { id: string } | null; timeline: Array<{ kind: string; message: string }>; suggestions: Array<{ id: string; kind: string; value: string | null; status: string; correctedValue: string | null }> };
  };
  const decide = async (op: "acceptSuggestion" | "dismissSuggestion", id: string) => {
    const res = await t.gql(`mutation($input: DecideSuggestionInput!) { ${op}(input: $input) { id status } }`, { input: { id } }, f.tokens.agent);
    expect(res.errors).toBeUndefined();
  };
  const correct = (id: string, value: string) =>
    t.gql(`mutation($input: CorrectSuggestionInput!) { correctSuggestion(input: $input) { id status } }`, { input: { id, value } }, f.tokens.agent);

  it("keeps people's decisions when the incident is triaged again, replacing only the undecided suggestions", async () => {
    const id = await createIncident();
    const { suggestions } = t.api.services;
    await suggestions.replacePending(id, hash(), [draft(SuggestionKind.severity, "SEV2"), draft(SuggestionKind.team, f.team.id), draft(SuggestionKind.category, "network")]);
    const first = await incidentOf(id);
    const byKind = (list: typeof first.suggestions, kind: string) => list.filter((s) => s.kind === kind);
    await decide("acceptSuggestion", byKind(first.suggestions, "severity")[0].id);
    expect((await correct(byKind(first.suggestions, "category")[0].id, "database")).errors).toBeUndefined();

    // 0.2 s later the models run again (text changed, a new model, a duplicate job).
    expect(await suggestions.replacePending(id, hash(), [draft(SuggestionKind.severity, "SEV3"), draft(SuggestionKind.team, otherTeam.id), draft(SuggestionKind.category, "storage")])).toBe(true);
    const after = await incidentOf(id);
    expect(byKind(after.suggestions, "severity")).toEqual([expect.objectContaining({ value: "SEV2", status: "accepted" })]);
    expect(byKind(after.suggestions, "category")).toEqual([expect.objectContaining({ value: "network", status: "corrected", correctedValue: "database" })]);
    expect(byKind(after.suggestions, "team")).toEqual([expect.objectContaining({ value: otherTeam.id, status: "pending" })]);
    expect(after).toMatchObject({ severity: "SEV2", category: "database" });
  });

  it("counts each decision once in the metrics, even where an incident holds several for one kind", async () => {
    const severityOf = async () => (await t.api.services.suggestions.metrics()).find((m) => m.kind === SuggestionKind.severity)!;
    const before = await severityOf();
    const id = await createIncident();
    // A decision made twice on one incident (as re-triage used to make people do) is one decision.
    const repo = t.api.dataSource.getRepository(Suggestion);
    const decidedAt = new Date();
    for (const status of [SuggestionStatus.corrected, SuggestionStatus.accepted]) {
      await repo.insert({ ...draft(SuggestionKind.severity, "SEV2"), incidentId: id, inputHash: hash(), status, decidedById: f.users.agent.id, decidedAt: new Date(decidedAt.getTime() + (status === SuggestionStatus.accepted ? 1000 : 0)) } as never);
    }
    await repo.insert({ ...draft(SuggestionKind.severity, "SEV3"), incidentId: id, inputHash: hash(), status: SuggestionStatus.pending } as never);
    const after = await severityOf();
    expect(after.accepted - before.accepted).toBe(1);
    expect(after.corrected - before.corrected).toBe(0);
    expect(after.pending - before.pending).toBe(0);
    expect(after.decided - before.decided).toBe(1);
    expect(after.triagedIncidents - before.triagedIncidents).toBe(1);
  });

  it("changes the incident and records the decision in one transaction: a failed decision leaves the incident as it was", async () => {
    const id = await createIncident({ severity: "SEV3" });
    await t.api.services.suggestions.replacePending(id, hash(), [draft(SuggestionKind.severity, "SEV2")]);
    const before = await incidentOf(id);
    // Make recording the decision fail after the incident was changed.
    await t.api.dataSource.query(`CREATE OR REPLACE FUNCTION refuse_sev4_corrections() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.corrected_value = 'SEV4' THEN RAISE EXCEPTION 'decision refused by test'; END IF; RETURN NEW; END $$`);
    await t.api.dataSource.query(`CREATE TRIGGER refuse_sev4_corrections BEFORE UPDATE ON suggestion FOR EACH ROW EXECUTE FUNCTION refuse_sev4_corrections()`);
    try {
      const res = await correct(before.suggestions[0].id, "SEV4");
      expect(res.errors).toBeDefined();
    } finally {
      await t.api.dataSource.query(`DROP TRIGGER refuse_sev4_corrections ON suggestion`);
    }
    const after = await incidentOf(id);
    expect(after).toMatchObject({ severity: "SEV3", version: before.version });
    expect(after.suggestions[0].status).toBe("pending");
    expect(after.timeline.map((e) => e.message).join("\n")).not.toMatch(/SEV4/);
    // And with nothing in the way the same correction goes through, both halves together.
    expect((await correct(before.suggestions[0].id, "SEV4")).errors).toBeUndefined();
    expect(await incidentOf(id)).toMatchObject({ severity: "SEV4", version: before.version + 1 });
  });

  it("neither stores nor offers a suggestion to set what the incident already has", async () => {
    const id = await createIncident({ severity: "SEV1", category: "database" });
    await t.api.services.suggestions.replacePending(id, hash(), [draft(SuggestionKind.severity, "SEV1"), draft(SuggestionKind.category, "network"), draft(SuggestionKind.team, f.team.id)]);
    const stored = await t.api.dataSource.getRepository(Suggestion).find({ where: { incidentId: id } });
    // The incident has no team yet, so the team suggestion stays.
    expect(stored.map((s) => [s.kind, s.value]).sort()).toEqual([["category", "network"], ["team", f.team.id]]);

    // Someone sets the suggested category by hand: the pending suggestion is no longer offered.
    const incident = await incidentOf(id);
    const update = await t.gql(`mutation($input: UpdateIncidentInput!) { updateIncident(input: $input) { id } }`, { input: { id, version: incident.version, category: "network" } }, f.tokens.agent);
    expect(update.errors).toBeUndefined();
    expect((await incidentOf(id)).suggestions.map((s) => s.kind)).toEqual(["team"]);
  });

  it("refuses a second decision on the same suggestion", async () => {
    const id = await createIncident();
    await t.api.services.suggestions.replacePending(id, hash(), [draft(SuggestionKind.severity, "SEV2")]);
    const [s] = (await incidentOf(id)).suggestions;
    await decide("acceptSuggestion", s.id);
    const again = await t.gql(`mutation($input: DecideSuggestionInput!) { dismissSuggestion(input: $input) { id } }`, { input: { id: s.id } }, f.tokens.agent);
    expect(codeOf(again)).toBe("PRECONDITION_FAILED");
  });

  it("writes the timeline as a person would: names and what happened, never field names", async () => {
    const id = await createIncident();
    await t.api.services.suggestions.replacePending(id, hash(), [draft(SuggestionKind.team, otherTeam.id), draft(SuggestionKind.severity, "SEV1")]);
    const { suggestions } = await incidentOf(id);
    await decide("acceptSuggestion", suggestions.find((s) => s.kind === "team")!.id);
    expect((await correct(suggestions.find((s) => s.kind === "severity")!.id, "SEV2")).errors).toBeUndefined();
    const commander = await t.api.services.users.createUser(null, { email: `dana.${randomBytes(3).toString("hex")}@example.test`, name: "Dana Database", password: "correct-horse-battery", role: "agent" as never, teamId: f.team.id });
    const { version } = await incidentOf(id);
    const update = await t.gql(`mutation($input: UpdateIncidentInput!) { updateIncident(input: $input) { id } }`, { input: { id, version, isMajor: true, commanderId: commander.id, impact: 1 } }, f.tokens.agent);
    expect(update.errors).toBeUndefined();
    const messages = (await incidentOf(id)).timeline.map((e) => e.message);
    expect(messages).toContain("Team set to Workplace IT (accepted suggestion)");
    expect(messages).toContain("Severity set to SEV2 (corrected suggestion)");
    expect(messages).toContain("Declared a major incident");
    expect(messages.some((m) => m.includes("Commander: Dana Database"))).toBe(true);
    expect(messages.some((m) => m.includes("Impact set to 1 (high)"))).toBe(true);
    for (const m of messages) expect(m).not.toMatch(/\b[a-z]+Id\b|isMajor|Changed /);
  });
  it("clears an assignee who is not in the new team, whether the team came from a suggestion or by hand", async () => {
    const assigned = async (assigneeId: string) => {
      const id = await createIncident({ teamId: f.team.id, assigneeId });
      return id;
    };
    const assignment = async (id: string) =>
      (await t.gql(`query($id: ID!) { incident(id: $id) { version team { id } assignee { id } timeline { message } } }`, { id }, f.tokens.agent)).data!.incident as {
        version: number; team: { id: string } | null; assignee: { id: string } | null; timeline: Array<{ message: string }>;
      };

    // One click on the team suggestion: the previous team's assignee does not follow the incident.
    const viaSuggestion = await assigned(f.users.agent.id);
    await t.api.services.suggestions.replacePending(viaSuggestion, hash(), [draft(SuggestionKind.team, otherTeam.id)]);
    await decide("acceptSuggestion", (await incidentOf(viaSuggestion)).suggestions[0].id);
    const after = await assignment(viaSuggestion);
    expect(after).toMatchObject({ team: { id: otherTeam.id }, assignee: null });
    expect(after.timeline.map((e) => e.message)).toContain("Team set to Workplace IT; Unassigned (accepted suggestion)");

    // By hand, the same rule: the page sends the kept assignee with the new team.
    const byHand = await assigned(f.users.agent.id);
    const assign = async (id: string, input: Record<string, unknown>) =>
      t.gql(`mutation($input: AssignIncidentInput!) { assignIncident(input: $input) { team { id } assignee { id } } }`, { input: { id, version: (await assignment(id)).version, ...input } }, f.tokens.agent);
    const moved = await assign(byHand, { teamId: otherTeam.id, assigneeId: f.users.agent.id });
    expect(moved.errors).toBeUndefined();
    expect(moved.data!.assignIncident).toEqual({ team: { id: otherTeam.id }, assignee: null });

    // A member of the new team stays; naming a non-member together with the team is refused.
    const member = await t.api.services.users.createUser(null, { email: `wit.${randomBytes(3).toString("hex")}@example.test`, name: "Wren Workplace", password: "correct-horse-battery", role: "agent" as never, teamId: otherTeam.id });
    const stays = await assign(byHand, { assigneeId: member.id });
    expect(stays.data!.assignIncident).toEqual({ team: { id: otherTeam.id }, assignee: { id: member.id } });
    const back = await assign(byHand, { teamId: f.team.id, assigneeId: member.id });
    expect(back.data!.assignIncident).toEqual({ team: { id: f.team.id }, assignee: null });
    const wrong = await assign(byHand, { teamId: otherTeam.id, assigneeId: f.users.agent.id });
    expect(codeOf(wrong)).toBe("BAD_USER_INPUT");
    expect(wrong.errors![0].message).toMatch(/is not a member of the chosen team/);
    // Without a team there is nothing to be a member of.
    const noTeam = await assign(byHand, { teamId: null, assigneeId: member.id });
    expect(noTeam.data!.assignIncident).toEqual({ team: null, assignee: { id: member.id } });
  });
});
