import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorkers, type RunningWorkers } from "@quell/workers/index";
import { SYSTEM_ACTOR } from "../../src/modules/audit/audit.service";
import { INCIDENT_CHANGED, type IncidentChangedPayload } from "../../src/modules/incident/incident.events";
import { TriageEngine } from "../../src/modules/suggestion/triage.engine";
import { Suggestion, SuggestionKind } from "../../src/modules/suggestion/suggestion.entity";
import { QueueName } from "../../src/platform/queue/queues";
import { codeOf, seedFixture, startTestApi, type Fixture } from "../support/harness";
import { seedHistory } from "../support/triage-history";
import { waitFor } from "../support/wait";

const SUGGESTION_FIELDS = `id kind value label confidence abstained abstainReason rank status modelVersion correctedValue
  reasonTerms { term weight } sharedTerms sameService similarIncident { id key resolution } decidedBy { id } alternatives { value label confidence }`;

describe("triage flow (embedded: in-process jobs)", () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let f: Fixture;
  let workers: RunningWorkers;
  const events: IncidentChangedPayload[] = [];
  const abort = new AbortController();

  beforeAll(async () => {
    t = await startTestApi();
    f = await seedFixture(t.api);
    workers = await startWorkers(t.api, { relay: { intervalMs: 50 }, schedules: false });
    void (async () => {
      for await (const e of t.api.services.pubsub.subscribe(INCIDENT_CHANGED, abort.signal)) events.push(e as IncidentChangedPayload);
    })().catch(() => undefined);
  });
  afterAll(async () => {
    abort.abort();
    await workers?.close();
    await t?.stop();
  });

  const suggestionsOf = async (id: string, token = f.tokens.agent) => {
    const res = await t.gql(`query($id: ID!) { incident(id: $id) { id version severity team { id } suggestions { ${SUGGESTION_FIELDS} } } }`, { id }, token);
    expect(res.errors).toBeUndefined();
    return res.data!.incident as { id: string; version: number; severity: string | null; team: { id: string } | null; suggestions: any[] };
  };
  const createIncident = async (input: Record<string, unknown>) => {
    const res = await t.gql(`mutation($input: CreateIncidentInput!) { createIncident(input: $input) { id } }`, { input: { impact: 2, urgency: 2, ...input } }, f.tokens.agent);
    expect(res.errors).toBeUndefined();
    return res.data!.createIncident.id as string;
  };
  const triaged = (id: string) => waitFor(async () => {
    const incident = await suggestionsOf(id);
    return incident.suggestions.length > 0 && incident;
  });

  let coldStartId = "";

  it("suggests nothing on a cold start and says how much history is missing", async () => {
    const id = await createIncident({ title: "Database primary unreachable", description: "connection refused" });
    coldStartId = id;
    const incident = await triaged(id);
    expect(incident.suggestions.map((s) => s.kind).sort()).toEqual(["category", "problem", "severity", "similar", "team"]);
    for (const s of incident.suggestions) {
      expect(s).toMatchObject({ abstained: true, value: null, confidence: null, status: "pending" });
    }
    const severity = incident.suggestions.find((s) => s.kind === "severity");
    expect(severity.abstainReason).toBe("no severity model yet: needs at least 38 labelled incidents, has 0");
    expect(incident.suggestions.find((s) => s.kind === "similar").abstainReason).toMatch(/needs at least 10 past incidents, has 0/);
    expect(events.some((e) => e.incidentId === id && e.kind === "suggestions_changed")).toBe(true);
    // Nothing to accept in an abstention.
    const accept = await t.gql(`mutation($input: DecideSuggestionInput!) { acceptSuggestion(input: $input) { id } }`, { input: { id: severity.id } }, f.tokens.agent);
    expect(codeOf(accept)).toBe("PRECONDITION_FAILED");
  });

  it("retrains on request (admins only), keeps the metrics, and activates the first models", async () => {
    const teams = [f.team.id, (await t.api.services.catalog.createTeam(null, { name: "Network team" })).id, (await t.api.services.catalog.createTeam(null, { name: "Identity team" })).id];
    await seedHistory(t.api, teams, 20);
    expect(codeOf(await t.gql(`mutation { retrainModels { id } }`, {}, f.tokens.agent))).toBe("FORBIDDEN");
    const started = await t.gql(`mutation { retrainModels { id status } }`, {}, f.tokens.admin);
    expect(started.errors).toBeUndefined();
    const runId = started.data!.retrainModels.id;
    const run = await waitFor(async () => {
      const res = await t.gql(`query($id: ID!) { trainingRun(id: $id) { status percent stage outcomes error } }`, { id: runId }, f.tokens.analyst);
      const r = res.data?.trainingRun;
      return r && (r.status === "succeeded" || r.status === "failed") && r;
    }, 120_000);
    expect(run).toMatchObject({ status: "succeeded", percent: 100, error: null });
    expect(run.outcomes.map((o: any) => [o.kind, o.outcome])).toEqual([["severity", "activated"], ["team", "activated"], ["category", "activated"], ["embedder", "activated"]]);
    const models = await t.gql(`{ models { kind version active status nExamples trainingFrom trainingTo metrics } }`, {}, f.tokens.admin);
    expect(models.data!.models).toHaveLength(4);
    for (const m of models.data!.models) {
      expect(m).toMatchObject({ version: 1, active: true, status: "active" });
      expect(new Date(m.trainingFrom) <= new Date(m.trainingTo)).toBe(true);
    }
    const severity = models.data!.models.find((m: any) => m.kind === "severity");
    expect(severity.metrics.holdout.macro_f1).toBeGreaterThan(0.5);
    expect(severity.metrics.active_on_same_holdout).toBeNull();
    // The open incident triaged at the cold start is triaged again by the new models.
    const retriaged = await waitFor(async () => {
      const incident = await suggestionsOf(coldStartId);
      const s = incident.suggestions.find((x) => x.kind === "severity");
      return s && !s.abstainReason?.startsWith("no severity model") && s;
    });
    expect(retriaged.modelVersion).toBeTruthy();
  });

  it("suggests severity, team, category and ten similar incidents with reasons, and stores them once", async () => {
    const id = await createIncident({ title: "Postgres primary deadlock", description: "database connection pool timeout on every query" });
    const incident = await waitFor(async () => {
      const i = await suggestionsOf(id);
      return i.suggestions.some((s) => s.kind === "similar" && !s.abstained) && i;
    });
    const byKind = (k: string) => incident.suggestions.filter((s) => s.kind === k);
    expect(byKind("severity")).toHaveLength(1);
    expect(byKind("severity")[0]).toMatchObject({ value: "SEV1", label: "SEV1", abstained: false, modelVersion: "severity v1" });
    expect(byKind("severity")[0].confidence).toBeGreaterThan(0.5);
    expect(byKind("severity")[0].reasonTerms.length).toBeGreaterThan(0);
    expect(byKind("team")[0]).toMatchObject({ value: f.team.id, label: f.team.name });
    // Routing stores the top 3 teams by name with calibrated confidences, the suggestion first.
    const [stored] = await t.api.dataSource.getRepository(Suggestion).find({ where: { incidentId: id, kind: SuggestionKind.team } });
    const alternatives = stored.reasons.alternatives as { value: string; label: string; confidence: number }[];
    expect(alternatives.map((a) => a.value)).toEqual(expect.arrayContaining([f.team.id]));
    expect(alternatives[0]).toMatchObject({ value: f.team.id, label: f.team.name });
    expect(alternatives).toHaveLength(3);
    expect(alternatives.map((a) => a.label)).toEqual(expect.arrayContaining(["Network team", "Identity team"]));
    expect(alternatives.reduce((s, a) => s + a.confidence, 0)).toBeLessThanOrEqual(1 + 1e-9);
    // GraphQL shows the same three, so the agent can pick one in one click.
    expect(byKind("team")[0].alternatives).toEqual(alternatives);
    expect(byKind("severity")[0].alternatives).toEqual([]);
    expect(byKind("category")[0]).toMatchObject({ value: "database" });
    const similar = byKind("similar");
    expect(similar).toHaveLength(10);
    expect(similar.map((s) => s.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(similar[0].similarIncident.resolution).toMatch(/^Fixed the/);
    expect(similar[0].sharedTerms.length).toBeGreaterThan(0);

    // The same job again (a retry, a duplicate delivery): the stored set is untouched.
    const engine = new TriageEngine(t.api.dataSource, t.api.services.models, t.api.services.suggestions);
    const before = await t.api.dataSource.getRepository(Suggestion).find({ where: { incidentId: id }, order: { id: "ASC" } });
    expect(await engine.triage(id)).toEqual({ stored: false, suggestions: 0 });
    await engine.triage(id);
    const after = await t.api.dataSource.getRepository(Suggestion).find({ where: { incidentId: id }, order: { id: "ASC" } });
    expect(after.map((s) => s.id)).toEqual(before.map((s) => s.id));
  });

  it("lists a known duplicate group once, as its original, among similar incidents", async () => {
    const text = { title: "Postgres primary deadlock", description: "database connection pool timeout on every query" };
    // The incident of the previous test (same text) is the nearest match; mark it a duplicate of an
    // older, unrelated incident: that original must now be listed in its place.
    const [{ id: sibling }] = await t.api.dataSource.query(`SELECT id FROM incident WHERE title = $1 ORDER BY created_at LIMIT 1`, [text.title]);
    const [{ id: original }] = await t.api.dataSource.query(`SELECT id FROM incident WHERE category = 'access' ORDER BY created_at LIMIT 1`);
    await t.api.dataSource.query(`UPDATE incident SET duplicate_of_id = $2 WHERE id = $1`, [sibling, original]);
    try {
      const id = await createIncident(text);
      const incident = await waitFor(async () => {
        const i = await suggestionsOf(id);
        return i.suggestions.some((s) => s.kind === "similar" && !s.abstained) && i;
      });
      const similar = incident.suggestions.filter((s) => s.kind === "similar").sort((a, b) => a.rank - b.rank);
      expect(similar[0].value).toBe(original);
      expect(similar.map((s) => s.value)).not.toContain(sibling);
      expect(new Set(similar.map((s) => s.value)).size).toBe(similar.length);
      // The stored reasons say through which duplicate the original was found.
      const [stored] = await t.api.dataSource.getRepository(Suggestion).find({ where: { incidentId: id, kind: SuggestionKind.similar, rank: 1 } });
      expect(stored.reasons.viaDuplicate).toBe(sibling);
    } finally {
      await t.api.dataSource.query(`UPDATE incident SET duplicate_of_id = NULL WHERE id = $1`, [sibling]);
    }
  });

  it("records accept, correct and dismiss with who decided, applies them to the incident, and measures precision", async () => {
    const id = await createIncident({ title: "DNS latency and packet loss", description: "network router drops packets, vpn slow" });
    const incident = await waitFor(async () => {
      const i = await suggestionsOf(id);
      return i.suggestions.some((s) => s.kind === "severity" && !s.abstained) && i;
    });
    const sev = incident.suggestions.find((s) => s.kind === "severity");
    const team = incident.suggestions.find((s) => s.kind === "team");
    const similar = incident.suggestions.find((s) => s.kind === "similar" && !s.abstained);
    const accepted = await t.gql(`mutation($input: DecideSuggestionInput!) { acceptSuggestion(input: $input) { status decidedBy { id } } }`, { input: { id: sev.id } }, f.tokens.agent);
    expect(accepted.data!.acceptSuggestion).toEqual({ status: "accepted", decidedBy: { id: f.users.agent.id } });
    const corrected = await t.gql(`mutation($input: CorrectSuggestionInput!) { correctSuggestion(input: $input) { status correctedValue } }`, { input: { id: team.id, value: f.team.id } }, f.tokens.agent);
    expect(corrected.data!.correctSuggestion).toEqual({ status: "corrected", correctedValue: f.team.id });
    const dismissed = await t.gql(`mutation($input: DecideSuggestionInput!) { dismissSuggestion(input: $input) { status } }`, { input: { id: similar.id } }, f.tokens.agent);
    expect(dismissed.data!.dismissSuggestion.status).toBe("dismissed");
    expect(codeOf(await t.gql(`mutation($input: DecideSuggestionInput!) { dismissSuggestion(input: $input) { status } }`, { input: { id: similar.id } }, f.tokens.agent))).toBe("PRECONDITION_FAILED");
    expect(codeOf(await t.gql(`mutation($input: DecideSuggestionInput!) { dismissSuggestion(input: $input) { status } }`, { input: { id: sev.id } }, f.tokens.analyst))).toBe("FORBIDDEN");
    expect(codeOf(await t.gql(`mutation($input: CorrectSuggestionInput!) { correctSuggestion(input: $input) { status } }`, { input: { id: similar.id, value: "x" } }, f.tokens.agent))).toBe("PRECONDITION_FAILED");

    const now = await suggestionsOf(id);
    expect(now.severity).toBe(sev.value);
    expect(now.team!.id).toBe(f.team.id);
    const audit = await t.api.dataSource.query(`SELECT action FROM audit_log WHERE entity_type = 'suggestion' ORDER BY seq`);
    expect(audit.map((a: { action: string }) => a.action)).toEqual(["suggestion.accept", "suggestion.correct", "suggestion.dismiss"]);

    // Text with no known word: the severity model abstains, so coverage must stay below 1.
    const unknown = await createIncident({ title: "zzqx vvkp wrrt" });
    await waitFor(async () => (await suggestionsOf(unknown)).suggestions.some((s) => s.kind === "severity" && s.abstained && s.modelVersion));
    const metrics = await t.gql(`{ suggestionMetrics { kind precision coverage accepted corrected dismissed } }`, {}, f.tokens.analyst);
    const m = Object.fromEntries(metrics.data!.suggestionMetrics.map((r: any) => [r.kind, r]));
    expect(m.severity).toMatchObject({ precision: 1, accepted: 1 });
    expect(m.team).toMatchObject({ precision: 0, corrected: 1 });
    expect(m.similar).toMatchObject({ precision: 0, dismissed: 1 });
    expect(m.severity.coverage).toBeGreaterThan(0);
    expect(m.severity.coverage).toBeLessThan(1); // the unknown-text incident got no severity
  });

  it("copes with empty, huge and non-Latin text", async () => {
    const { incidents } = t.api.services;
    const empty = await incidents.create(SYSTEM_ACTOR, { title: "???", description: "", impact: 3, urgency: 3 });
    const huge = await incidents.create(SYSTEM_ACTOR, { title: "Database deadlock storm", description: "postgres deadlock ".repeat(60_000), impact: 3, urgency: 3 });
    const cjk = await incidents.create(SYSTEM_ACTOR, { title: "数据库连接失败", description: "Сервер базы данных недоступен — مهلة الاتصال", impact: 3, urgency: 3 });
    const [e, h, c] = await Promise.all([triaged(empty.id), triaged(huge.id), triaged(cjk.id)]);
    // No evidence → abstentions that say so, not guesses.
    for (const s of e.suggestions.filter((x) => x.kind !== "similar")) expect(s).toMatchObject({ abstained: true, value: null });
    expect(e.suggestions.find((s) => s.kind === "severity").abstainReason).toMatch(/no known word|not confident/);
    expect(e.suggestions.find((s) => s.kind === "similar")).toMatchObject({ abstained: true, abstainReason: "no earlier incident shares enough with this one" });
    expect(h.suggestions.find((s) => s.kind === "severity")).toMatchObject({ value: "SEV1", abstained: false });
    for (const s of c.suggestions) expect(s.status).toBe("pending");
  });

  it("lists failed jobs to admins and retries them", async () => {
    await t.api.services.jobs.enqueue(QueueName.Triage, "triage", { incidentId: "00000000-0000-4000-8000-000000000000", reason: "manual" }, { jobId: "missing-incident" });
    const failed = await waitFor(async () => {
      const res = await t.gql(`{ failedJobs { queue id name attemptsMade failedReason payload } }`, {}, f.tokens.admin);
      return res.data?.failedJobs.find((j: any) => j.id === "missing-incident");
    });
    expect(failed).toMatchObject({ queue: "triage", attemptsMade: 1, failedReason: "incident 00000000-0000-4000-8000-000000000000 does not exist" });
    expect(codeOf(await t.gql(`{ failedJobs { id } }`, {}, f.tokens.agent))).toBe("FORBIDDEN");
    const retried = await t.gql(`mutation { retryJob(queue: "triage", id: "missing-incident") }`, {}, f.tokens.admin);
    expect(retried.data!.retryJob).toBe(true);
    expect(codeOf(await t.gql(`mutation { retryJob(queue: "triage", id: "no-such-job") }`, {}, f.tokens.admin))).toBe("NOT_FOUND");
    expect(codeOf(await t.gql(`mutation { retryJob(queue: "nope", id: "x") }`, {}, f.tokens.admin))).toBe("BAD_USER_INPUT");
  });

  it("refuses a second retraining while one is under way, but not behind a run that died hours ago", async () => {
    const { models } = t.api.services;
    const stuck = await models.createRun("manual", null);
    await t.api.dataSource.query(`UPDATE training_run SET status = 'running' WHERE id = $1`, [stuck.id]);
    expect(codeOf(await t.gql(`mutation { retrainModels { id } }`, {}, f.tokens.admin))).toBe("CONFLICT");
    await t.api.dataSource.query(`UPDATE training_run SET updated_at = now() - interval '7 hours' WHERE id = $1`, [stuck.id]);
    // One incident with a "not similar" (dismissed above) and a "helpful" verdict: the next
    // training reads them as one judged query with one ordered pair.
    const [judged] = await t.api.dataSource.query(`SELECT incident_id FROM suggestion WHERE kind = 'similar' AND status = 'dismissed'`);
    const [helpful] = await t.api.dataSource.query(`SELECT id FROM suggestion WHERE kind = 'similar' AND status = 'pending' AND NOT abstained AND incident_id = $1 ORDER BY rank LIMIT 1`, [judged.incident_id]);
    expect((await t.gql(`mutation($input: DecideSuggestionInput!) { acceptSuggestion(input: $input) { status } }`, { input: { id: helpful.id } }, f.tokens.agent)).data!.acceptSuggestion.status).toBe("accepted");
    const res = await t.gql(`mutation { retrainModels { id } }`, {}, f.tokens.admin);
    expect(res.errors).toBeUndefined();
    const run = await waitFor(async () => {
      const r = await models.getRun(res.data!.retrainModels.id);
      return (r.status === "succeeded" || r.status === "failed") && r;
    }, 120_000);
    expect(run.status).toBe("succeeded");
    const registry = await t.gql(`{ models { kind version metrics } }`, {}, f.tokens.admin);
    const embedder = registry.data!.models.filter((m: any) => m.kind === "embedder").sort((x: any, y: any) => y.version - x.version)[0];
    // Too few verdicts to move the weights (20 judged queries are needed), but they were read.
    expect(embedder.metrics.feedback).toMatchObject({ judged_queries: 1, pairs: 1, dense_weight: 0.6, recency_weight: 0.2 });
  });
});
