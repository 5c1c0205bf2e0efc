import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/platform/clock";
import { QueueName } from "../../src/platform/queue/queues";
import { seedFixture, startTestApi, type Fixture } from "../support/harness";

const H = 3600_000;
const MIN = 60_000;
const POLICY = `mutation($input: SaveSlaPolicyInput!) { saveSlaPolicy(input: $input) { id version } }`;
const SLA = `sla { timeLeftMs paused breached response { timeLeftMs paused stopped breached dueAt } resolution { timeLeftMs paused stopped breached dueAt } }`;

/**
 * SLA gaps closed on real PostgreSQL with a hand-moved clock: editing a policy re-targets the
 * clocks running or paused under it (time spent stays), warnings and breaches land on the
 * incident's timeline, and paused incidents have a stable place in the slaDueAt sort.
 */
describe("SLA policy edits, timeline entries and the paused sort", () => {
  // Monday 23 Nov 2026, 10:00 UTC; the policies are 24×7.
  const clock = new ManualClock(new Date("2026-11-23T10:00:00Z"));
  const advance = (ms: number) => clock.set(new Date(clock.now().getTime() + ms));
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let f: Fixture;
  const policies: Record<number, { id: string; version: number }> = {};

  async function gql(query: string, variables: Record<string, unknown>, token = f.tokens.agent) {
    const res = await t.gql(query, variables, token);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data! as Record<string, any>;
  }
  const incident = async (id: string) => (await gql(`query($id: ID!) { incident(id: $id) { id version priority ${SLA} timeline { kind message data } } }`, { id })).incident;
  const open = async (title: string, impact: number, urgency: number) =>
    (await gql(`mutation($input: CreateIncidentInput!) { createIncident(input: $input) { id version priority } }`, { input: { title, impact, urgency } })).createIncident as { id: string; version: number; priority: number };
  const setPending = async (id: string, reason: string | null) => {
    const { version } = await incident(id);
    await gql(`mutation($input: SetIncidentPendingInput!) { setIncidentPending(input: $input) { version } }`, { input: { id, version, reason } });
  };
  const savePolicy = async (priority: number, response: number, resolution: number, warnAtShare = 0.75) => {
    const saved = (await gql(POLICY, { input: { ...policies[priority], name: `P${priority}`, priority, responseTargetMinutes: response, resolutionTargetMinutes: resolution, warnAtShare } }, f.tokens.admin)).saveSlaPolicy;
    policies[priority] = saved;
  };

  beforeAll(async () => {
    t = await startTestApi({}, { clock });
    f = await seedFixture(t.api);
    await savePolicy(1, 20, 240);
    await savePolicy(5, 240, 2880);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("re-targets running and paused clocks when their policy is edited, keeping the time they spent", async () => {
    const running = await open("Reports page slow", 3, 3);
    const paused = await open("Waiting on the vendor's patch", 3, 3);
    expect(running.priority).toBe(5);
    advance(1 * H);
    await setPending(paused.id, "awaiting_vendor");
    advance(1 * H);
    // P5 tightened: 1 h to respond (2 h already spent on the running one), 10 h to resolve.
    await savePolicy(5, 60, 600);

    const r = await incident(running.id);
    expect(r.sla.resolution.timeLeftMs).toBe(10 * H - 2 * H);
    expect(new Date(r.sla.resolution.dueAt).getTime()).toBe(clock.now().getTime() + 8 * H);
    expect(r.sla.response.breached).toBe(true);
    expect(r.sla.response.timeLeftMs).toBe(1 * H - 2 * H);
    // The breach the edit caused is on the timeline and on its way to webhooks and subscribers.
    expect(r.timeline.filter((e: any) => e.kind === "sla").map((e: any) => e.message)).toEqual(["Response SLA breached: the 1 h target passed"]);
    const queued = await t.api.dataSource.query(`SELECT payload->>'event' AS event FROM outbox WHERE queue = $1 AND payload->>'id' = $2`, [QueueName.Notify, running.id]);
    expect(queued.map((q: { event: string }) => q.event)).toContain("incident.sla_breached");

    // The paused clock keeps its 1 h spent and stays paused under the new targets.
    const p = await incident(paused.id);
    expect(p.sla.paused).toBe(true);
    expect(p.sla.resolution.timeLeftMs).toBe(10 * H - 1 * H);
    expect(p.sla.resolution.dueAt).toBeNull();

    const audit = await t.api.dataSource.query(`SELECT action FROM audit_log WHERE entity_type = 'sla_policy' AND entity_id = $1 ORDER BY seq`, [policies[5].id]);
    expect(audit.map((a: { action: string }) => a.action)).toEqual(["sla_policy.create", "sla_policy.update"]);
  });

  it("leaves finished clocks' outcomes alone when the policy changes", async () => {
    // Created with an assignee: acknowledged at once, so its response clock stopped, met, under the 60 min target.
    const done = (await gql(`mutation($input: CreateIncidentInput!) { createIncident(input: $input) { id priority } }`, { input: { title: "Typo on the status page", impact: 3, urgency: 3, assigneeId: f.users.agent.id } })).createIncident;
    expect(done.priority).toBe(5);
    advance(30 * MIN);
    await savePolicy(5, 120, 900);
    const clocks = await t.api.dataSource.query(`SELECT kind, target_ms, spent_ms, stopped_at FROM sla_clock WHERE incident_id = $1 ORDER BY kind`, [done.id]);
    const byKind = Object.fromEntries(clocks.map((c: any) => [c.kind, c]));
    expect(byKind.response.stopped_at).not.toBeNull();
    expect(Number(byKind.response.target_ms)).toBe(60 * MIN);
    expect(Number(byKind.resolution.target_ms)).toBe(900 * MIN);
    expect(Number(byKind.resolution.spent_ms)).toBe(30 * MIN);
  });

  it("puts SLA warnings and breaches on the incident's timeline", async () => {
    const urgent = await open("Card payments failing", 1, 1);
    advance(15 * MIN); // 75 % of the 20 min response target
    await t.api.services.sla.check(urgent.id);
    advance(5 * MIN);
    await t.api.services.sla.check(urgent.id);
    const entries = (await incident(urgent.id)).timeline.filter((e: any) => e.kind === "sla");
    expect(entries.map((e: any) => e.message).sort()).toEqual(["Response SLA breached: the 20 min target passed", "Response SLA warning: the 20 min target is close"]);
    expect(entries.map((e: any) => e.data.event).sort()).toEqual(["sla.breached", "sla.warning"]);
    // Checking again records nothing twice.
    await t.api.services.sla.check(urgent.id);
    expect((await incident(urgent.id)).timeline.filter((e: any) => e.kind === "sla")).toHaveLength(2);
  });

  it("sorts paused incidents after every running deadline, least time left first, and before those without a clock, on every page", async () => {
    // Only this test's incidents are listed (filtered to identified): the earlier ones step aside.
    await t.api.dataSource.query(`UPDATE incident SET stage = 'cancelled'`);
    // P5 is now 120 min to respond, 900 to resolve; P1 20 and 240; P3 has no policy.
    const runningLate = await open("Running, its response overdue since T+2 h", 3, 3);
    const pausedEarly = await open("Paused at T+1 h: 1 h left to respond", 3, 3);
    const pausedLate = await open("Paused at T+10 h: response 8 h overdue", 3, 3);
    const noClock = await open("No policy for P3", 2, 2);
    advance(1 * H);
    await setPending(pausedEarly.id, "awaiting_requester");
    advance(9 * H);
    await setPending(pausedLate.id, "awaiting_vendor");
    const runningSoon = await open("Running, response due at T+10 h 20 min", 1, 1);
    // Running deadlines by instant; then paused ones by least time left (negative when overdue); then no clock.
    const expected = [runningLate.id, runningSoon.id, pausedLate.id, pausedEarly.id, noClock.id];

    const query = `query($after: String) { incidents(first: 1, after: $after, filter: { stage: [identified] }, sort: { field: slaDueAt, direction: ASC }) { edges { cursor node { id } } } }`;
    const seen: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 6; i++) {
      const page: Record<string, any> = await gql(query, { after });
      if (page.incidents.edges.length === 0) break;
      seen.push(page.incidents.edges[0].node.id);
      after = page.incidents.edges[0].cursor;
    }
    expect(seen).toEqual(expected);
    const whole = await gql(`query { incidents(first: 10, filter: { stage: [identified] }, sort: { field: slaDueAt, direction: DESC }) { edges { node { id } } } }`, {});
    expect(whole.incidents.edges.map((e: any) => e.node.id)).toEqual([...expected].reverse());
  });
});
