import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Incident } from "../../src/modules/incident/incident.entity";
import { Stage } from "../../src/modules/incident/incident.lifecycle";
import { codeOf, seedFixture, startTestApi, type Fixture } from "../support/harness";

const MIN = 60_000;
const T0 = Date.UTC(2025, 2, 1, 9, 0); // a window of its own, away from other tests' rows

describe("incident metrics for analysts", () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let f: Fixture;
  beforeAll(async () => {
    t = await startTestApi();
    f = await seedFixture(t.api);
    const repo = t.api.dataSource.getRepository(Incident);
    // Three P1s acknowledged after 4, 10 and 16 minutes, recovered after 60, 120 and none;
    // one P3 reopened; one cancelled duplicate.
    const rows = [
      { priority: 1, ack: 4, recover: 60, stage: Stage.recovered },
      { priority: 1, ack: 10, recover: 120, stage: Stage.closed },
      { priority: 1, ack: 16, recover: null, stage: Stage.contained },
      { priority: 3, ack: 30, recover: 300, stage: Stage.assessed, reopenCount: 1 },
      { priority: 3, ack: null, recover: null, stage: Stage.cancelled },
    ];
    for (const [n, r] of rows.entries()) {
      const identifiedAt = new Date(T0 + n * 1000);
      await repo.save(
        repo.create({
          title: `metric row ${n}`,
          impact: 2,
          urgency: 2,
          priority: r.priority,
          stage: r.stage,
          serviceId: f.service.id,
          teamId: f.team.id,
          identifiedAt,
          createdAt: identifiedAt,
          acknowledgedAt: r.ack === null ? null : new Date(identifiedAt.getTime() + r.ack * MIN),
          recoveredAt: r.recover === null ? null : new Date(identifiedAt.getTime() + r.recover * MIN),
          reopenCount: r.reopenCount ?? 0,
          isMajor: n === 0,
        }),
      );
    }
  });
  afterAll(async () => t?.stop());

  const query = `query($w: MetricsWindow!, $g: MetricsGroupBy) { incidentMetrics(window: $w, groupBy: $g) {
    groups { key incidents open major reopened reopenRate
      timeToAcknowledge { count meanMinutes medianMinutes p90Minutes }
      timeToRecover { count meanMinutes medianMinutes } } } }`;
  const window = { from: new Date(T0 - MIN).toISOString(), to: new Date(T0 + 60 * MIN).toISOString() };

  it("computes MTTA and MTTR per priority, by hand", async () => {
    const res = await t.gql(query, { w: window, g: "priority" }, f.tokens.analyst);
    expect(res.errors).toBeUndefined();
    const [p1, p3] = res.data!.incidentMetrics.groups;
    expect(p1).toMatchObject({ key: "P1", incidents: 3, open: 2, major: 1, reopened: 0 });
    // MTTA (4 + 10 + 16) / 3 = 10; median 10; p90 interpolates 10 + 0.8 * 6 = 14.8
    expect(p1.timeToAcknowledge).toEqual({ count: 3, meanMinutes: 10, medianMinutes: 10, p90Minutes: 14.8 });
    // MTTR over the two recovered: (60 + 120) / 2 = 90
    expect(p1.timeToRecover).toEqual({ count: 2, meanMinutes: 90, medianMinutes: 90 });
    expect(p3).toMatchObject({ key: "P3", incidents: 2, open: 1, reopened: 1, reopenRate: 0.5 });
    expect(p3.timeToAcknowledge).toMatchObject({ count: 1, meanMinutes: 30 });
  });

  it("groups everything together by default, and by service", async () => {
    const all = await t.gql(query, { w: window }, f.tokens.analyst);
    expect(all.data!.incidentMetrics.groups).toHaveLength(1);
    expect(all.data!.incidentMetrics.groups[0]).toMatchObject({ key: "all", incidents: 5, timeToRecover: { count: 3, meanMinutes: 160 } });
    const byService = await t.gql(query, { w: window, g: "service" }, f.tokens.analyst);
    expect(byService.data!.incidentMetrics.groups.map((g: { key: string }) => g.key)).toEqual([f.service.name]);
  });

  it("refuses an inverted window", async () => {
    const res = await t.gql(query, { w: { from: window.to, to: window.from } }, f.tokens.analyst);
    expect(codeOf(res)).toBe("BAD_USER_INPUT");
  });
});
