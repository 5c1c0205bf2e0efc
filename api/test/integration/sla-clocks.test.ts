import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorkers } from "@quell/workers/index";
import { ManualClock } from "../../src/platform/clock";
import { QueueName } from "../../src/platform/queue/queues";
import { codeOf, seedFixture, startTestApi, type Fixture } from "../support/harness";
import { waitFor } from "../support/wait";

const H = 3600_000;
const SLA = `sla { policyName timeLeftMs paused warning breached
  response { timeLeftMs paused stopped breached breachedAt dueAt }
  resolution { timeLeftMs paused stopped breached breachedAt dueAt warning } }`;

/**
 * SLA clocks over HTTP on real PostgreSQL and Redis (BullMQ), with a hand-moved clock: pause and
 * resume, a priority change, a breach that fell due while no worker ran, and the queue's sort.
 */
describe("SLA clocks", () => {
  // Monday 23 Nov 2026, 10:00 UTC.
  const clock = new ManualClock(new Date("2026-11-23T10:00:00Z"));
  const advance = (ms: number) => clock.set(new Date(clock.now().getTime() + ms));
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let f: Fixture;

  beforeAll(async () => {
    process.env.QUELL_QUEUE_PREFIX = `sla-test-${randomBytes(4).toString("hex")}`;
    t = await startTestApi({ redisUrl: process.env.REDIS_URL }, { clock });
    f = await seedFixture(t.api);
    // 24×7 policies: P1 4 h, P3 24 h, P5 48 h to resolve.
    for (const [priority, response, resolution] of [[1, 15, 240], [3, 60, 1440], [5, 240, 2880]]) {
      await gql(`mutation($input: SaveSlaPolicyInput!) { saveSlaPolicy(input: $input) { id } }`, { input: { name: `P${priority}`, priority, responseTargetMinutes: response, resolutionTargetMinutes: resolution } }, f.tokens.admin);
    }
  });
  afterAll(async () => {
    await t?.stop();
    delete process.env.QUELL_QUEUE_PREFIX;
  });

  async function gql(query: string, variables: Record<string, unknown>, token = f.tokens.agent) {
    const res = await t.gql(query, variables, token);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    return res.data!;
  }
  const incident = async (id: string) => (await gql(`query($id: ID!) { incident(id: $id) { id version priority pendingReason ${SLA} } }`, { id })).incident;
  const open = async (title: string, impact = 3, urgency = 3) =>
    (await gql(`mutation($input: CreateIncidentInput!) { createIncident(input: $input) { id version priority } }`, { input: { title, impact, urgency } })).createIncident;
  const setPending = async (id: string, reason: string | null) => {
    const { version } = await incident(id);
    return (await gql(`mutation($input: SetIncidentPendingInput!) { setIncidentPending(input: $input) { version pendingReason } }`, { input: { id, version, reason } })).setIncidentPending;
  };

  it("only admins manage policies", async () => {
    const res = await t.gql(`mutation { saveSlaPolicy(input: { name: "x", priority: 2, responseTargetMinutes: 5, resolutionTargetMinutes: 10 }) { id } }`, {}, f.tokens.agent);
    expect(codeOf(res)).toBe("FORBIDDEN");
  });

  it("pauses while waiting on the requester and resumes with the time it had left", async () => {
    const { id, priority } = await open("Printer on floor 3 jams");
    expect(priority).toBe(5);
    advance(1 * H);
    await setPending(id, "awaiting_requester");
    advance(10 * H);
    const paused = await incident(id);
    expect(paused.sla.paused).toBe(true);
    expect(paused.sla.resolution.paused).toBe(true);
    expect(paused.sla.resolution.dueAt).toBeNull();
    expect(paused.sla.resolution.timeLeftMs).toBe(48 * H - 1 * H);
    await setPending(id, null);
    advance(2 * H);
    const resumed = await incident(id);
    expect(resumed.sla.paused).toBe(false);
    expect(resumed.sla.resolution.timeLeftMs).toBe(48 * H - 3 * H);
    // The hold is a small lifecycle of its own: a cancelled incident cannot be put on hold.
    const other = await open("Duplicate printer report");
    await gql(`mutation($input: MarkDuplicateInput!) { markDuplicate(input: $input) { id } }`, { input: { id: other.id, version: other.version, duplicateOfId: id } });
    const { version } = await incident(other.id);
    const res = await t.gql(`mutation($input: SetIncidentPendingInput!) { setIncidentPending(input: $input) { id } }`, { input: { id: other.id, version, reason: "awaiting_vendor" } }, f.tokens.agent);
    expect(codeOf(res)).toBe("INVALID_TRANSITION");
  });

  it("re-targets on a priority change and keeps the time already spent", async () => {
    const { id, version } = await open("Checkout intermittently fails", 3, 3);
    advance(2 * H);
    await gql(`mutation($input: UpdateIncidentInput!) { updateIncident(input: $input) { priority } }`, { input: { id, version, impact: 1, urgency: 1 } });
    const after = await incident(id);
    expect(after.priority).toBe(1);
    expect(after.sla.policyName).toBe("P1");
    // P1 resolves in 4 h; 2 h were already spent.
    expect(after.sla.resolution.timeLeftMs).toBe(2 * H);
    // P1's 15-minute response target was already used up: it is breached from the moment it applies
    // (under P5's 4 h it was not), with 15 min - 2 h left.
    expect(after.sla.response.breached).toBe(true);
    expect(after.sla.response.breachedAt).toBe(clock.now().toISOString());
    expect(after.sla.response.timeLeftMs).toBe(15 * 60_000 - 2 * H);
  });

  it("records a breach that fell due while no worker ran, at the time it fell due", async () => {
    const { id } = await open("Nightly export missing", 3, 3);
    const createdAt = clock.now().getTime();
    advance(49 * H); // past the 48 h P5 resolution target, with no worker running
    const [row] = (await t.api.dataSource.query(`SELECT breached_at FROM sla_clock WHERE incident_id = $1 AND kind = 'resolution'`, [id])) as { breached_at: Date | null }[];
    expect(row.breached_at).toBeNull();
    const workers = await startWorkers(t.api, { queues: [QueueName.Sla], relay: false, schedules: false });
    try {
      const breached = await waitFor(async () => {
        const [r] = (await t.api.dataSource.query(`SELECT breached_at, breach_recorded_at FROM sla_clock WHERE incident_id = $1 AND kind = 'resolution'`, [id])) as { breached_at: Date | null; breach_recorded_at: Date | null }[];
        return r.breached_at ? r : null;
      }, 15_000);
      expect(breached.breached_at!.getTime()).toBe(createdAt + 48 * H);
      expect(breached.breach_recorded_at!.getTime()).toBe(clock.now().getTime());
    } finally {
      await workers.close();
    }
    const state = await incident(id);
    expect(state.sla.breached).toBe(true);
    expect(state.sla.resolution.timeLeftMs).toBe(-1 * H);
  });

  it("keeps the outcomes as data the compliance figures are computed from", async () => {
    const rows = await t.api.services.sla.compliance(new Date("2026-01-01T00:00:00Z"), new Date("2027-01-01T00:00:00Z"));
    const resolution = rows.find((r) => r.kind === "resolution")!;
    const response = rows.find((r) => r.kind === "response")!;
    // The 49 hours without workers breached every clock still running (printer, checkout, export);
    // the duplicate's clocks stopped when it was cancelled, within target.
    expect(resolution).toMatchObject({ breached: 3, met: 1, finished: 4 });
    expect(response).toMatchObject({ breached: 3, met: 1, finished: 4 });
  });

  it("sorts the queue by the nearest SLA deadline, incidents without a running clock last", async () => {
    const soon = await open("Soon due", 1, 1);
    const later = await open("Later due", 3, 3);
    await setPending(later.id, "awaiting_vendor");
    const page = await gql(`query { incidents(first: 200, sort: { field: slaDueAt, direction: ASC }) { edges { cursor node { id sla { timeLeftMs } } } } }`, {});
    const ids: string[] = page.incidents.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(ids.indexOf(soon.id)).toBeLessThan(ids.indexOf(later.id));
    // The cursor of an incident with no running clock pages on.
    const last = page.incidents.edges[page.incidents.edges.length - 1].cursor;
    const next = await gql(`query($after: String) { incidents(first: 5, after: $after, sort: { field: slaDueAt, direction: ASC }) { edges { node { id } } } }`, { after: last });
    expect(next.incidents.edges).toEqual([]);
  });
});
