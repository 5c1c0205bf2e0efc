import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Criticality, ServiceKind } from "../../src/modules/catalog/catalog.entity";
import { Incident } from "../../src/modules/incident/incident.entity";
import { Stage } from "../../src/modules/incident/incident.lifecycle";
import { codeOf, seedFixture, startTestApi, type Fixture } from "../support/harness";

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const T0 = Date.UTC(2024, 0, 1); // a Monday: weeks start at T0, T0+7d, T0+14d
const at = (ms: number) => new Date(T0 + ms).toISOString();

describe("metrics query", () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let f: Fixture;
  let serviceB: { id: string; name: string };
  const ids: string[] = [];
  beforeAll(async () => {
    t = await startTestApi();
    f = await seedFixture(t.api);
    serviceB = await t.api.services.catalog.createService(null, { name: `B ${f.service.name}`, kind: ServiceKind.business_service, criticality: Criticality.low, ownerTeamId: f.team.id });
    const repo = t.api.dataSource.getRepository(Incident);
    // identified (ms after T0), minutes to acknowledge, ms from identification to closing, ...
    const rows = [
      { service: f.service.id, identified: 1 * HOUR, ack: 10, closedAfter: 100 * MIN, priority: 1 },
      { service: f.service.id, identified: 2 * DAY, ack: 20, closedAfter: 200 * MIN, priority: 2 },
      { service: f.service.id, identified: 8 * DAY, ack: 30, closedAfter: null, priority: 1 },
      { service: () => serviceB.id, identified: 9 * DAY, ack: 40, closedAfter: 7 * DAY, priority: 3, reopenCount: 1 },
      { service: () => serviceB.id, identified: 10 * DAY, ack: null, closedAfter: null, priority: 3, cancelledAfter: DAY },
    ];
    for (const [n, r] of rows.entries()) {
      const identifiedAt = new Date(T0 + r.identified);
      const saved = await repo.save(
        repo.create({
          title: `metrics row ${n}`,
          impact: 2,
          urgency: 2,
          priority: r.priority,
          stage: r.closedAfter ? Stage.closed : r.cancelledAfter ? Stage.cancelled : Stage.assessed,
          serviceId: typeof r.service === "function" ? r.service() : r.service,
          teamId: f.team.id,
          identifiedAt,
          createdAt: identifiedAt,
          acknowledgedAt: r.ack === null ? null : new Date(identifiedAt.getTime() + r.ack * MIN),
          closedAt: r.closedAfter === null ? null : new Date(identifiedAt.getTime() + r.closedAfter),
          cancelledAt: r.cancelledAfter ? new Date(identifiedAt.getTime() + r.cancelledAfter) : null,
          reopenCount: r.reopenCount ?? 0,
        }),
      );
      ids.push(saved.id);
    }
  });
  afterAll(async () => t?.stop());

  const query = `query($input: MetricsInput!) { metrics(input: $input) {
    bucket groupBy thenBy columns { measure unit }
    rows { bucketStart group { id label } group2 { id label } values } } }`;
  const range = { from: at(0), to: at(21 * DAY) };
  const run = (input: Record<string, unknown>, token = f.tokens.analyst) => t.gql(query, { input: { ...range, ...input } }, token);

  it("gives created, resolved and backlog per week, every week present", async () => {
    const res = await run({ measures: ["incidentsCreated", "incidentsResolved", "incidentBacklog"], bucket: "week" });
    expect(res.errors).toBeUndefined();
    const rows = res.data!.metrics.rows;
    expect(rows.map((r: any) => r.bucketStart)).toEqual([at(0), at(7 * DAY), at(14 * DAY)]);
    // Week 1: two identified, both closed. Week 2: three identified (one cancelled on day 11), none closed;
    // open at its end: #3 and #4. Week 3: #4 closed on day 16, #3 still open.
    expect(rows.map((r: any) => r.values)).toEqual([
      [2, 2, 0],
      [3, 0, 2],
      [0, 1, 1],
    ]);
  });

  it("computes MTTA and MTTR mean, median and p90 by hand", async () => {
    const res = await run({ measures: ["mttaMean", "mttrMean", "mttrMedian", "mttrP90", "reopenRate"], bucket: "week" });
    expect(res.errors).toBeUndefined();
    const [w1, w2, w3] = res.data!.metrics.rows.map((r: any) => r.values);
    // MTTA (10 + 20) / 2; MTTR (100 + 200) / 2; p90 interpolates 100 + 0.9 * 100.
    expect(w1).toEqual([15, 150, 150, 190, 0]);
    // Only #4 closed (7 days = 10080 min); MTTA over #3 and #4; one of three reopened.
    expect(w2[0]).toBe(35);
    expect(w2[1]).toBe(10080);
    expect(w2[4]).toBeCloseTo(1 / 3, 10);
    expect(w3).toEqual([null, null, null, null, null]);
  });

  it("groups by service then priority, and gives MTBF per service", async () => {
    const res = await run({ measures: ["incidentsCreated"], groupBy: "service", thenBy: "priority" });
    expect(res.errors).toBeUndefined();
    const got = res.data!.metrics.rows.map((r: any) => [r.group.label, r.group2.label, r.values[0]]);
    expect(got).toEqual([
      [serviceB.name, "P3", 2],
      [f.service.name, "P1", 2],
      [f.service.name, "P2", 1],
    ]);
    const mtbf = await run({ measures: ["mtbfHours"], groupBy: "service" });
    const byService = Object.fromEntries(mtbf.data!.metrics.rows.map((r: any) => [r.group.id, r.values[0]]));
    // A: first at 1 h, last at 8 d: 191 h over 2 gaps. B: 9 d → 10 d, one gap of 24 h.
    expect(byService).toEqual({ [f.service.id]: 95.5, [serviceB.id]: 24 });
  });

  it("filters by service and priority", async () => {
    const res = await run({ measures: ["incidentsCreated"], filter: { services: [f.service.id], priorities: [1] } });
    expect(res.data!.metrics.rows.map((r: any) => r.values)).toEqual([[2]]);
  });

  it("measures recurrence from problem links and the problem backlog", async () => {
    const created = await t.gql(`mutation($i: CreateProblemInput!) { createProblem(input: $i) { id } }`, { i: { title: "Disk fills up", incidentIds: [ids[0]] } }, f.tokens.problem_manager);
    expect(created.errors).toBeUndefined();
    const res = await run({ measures: ["recurrenceRate"], bucket: "week" });
    expect(res.data!.metrics.rows.map((r: any) => r.values[0])).toEqual([0.5, 0, null]);
    const now = Date.now();
    const backlog = await t.gql(query, { input: { measures: ["problemBacklog", "problemAgeMeanDays"], from: new Date(now - DAY).toISOString(), to: new Date(now + DAY).toISOString() } }, f.tokens.agent);
    const [count, ageDays] = backlog.data!.metrics.rows[0].values;
    expect(count).toBe(1);
    expect(ageDays).toBeGreaterThan(0.99);
    expect(ageDays).toBeLessThan(1.01);
  });

  it("measures SLA compliance from the stored clocks and the share of incidents alerts opened", async () => {
    const db = t.api.dataSource;
    await db.query(`DELETE FROM sla_clock WHERE incident_id = ANY($1::uuid[])`, [ids]);
    const clock = (incident: string, kind: string, stopped: boolean, breached: boolean) =>
      db.query(
        `INSERT INTO sla_clock (incident_id, kind, target_ms, warn_share, spent_ms, stopped_at, breached_at) VALUES ($1, $2, 3600000, 0.75, 0, $3, $4)`,
        [incident, kind, stopped ? new Date(T0) : null, breached ? new Date(T0) : null],
      );
    // Week 1: #0 met its response target, #1 breached it. Week 2: #2 still running (left out), #3 met, #4 breached while running.
    await clock(ids[0], "response", true, false);
    await clock(ids[1], "response", true, true);
    await clock(ids[2], "response", false, false);
    await clock(ids[3], "response", true, false);
    await clock(ids[4], "response", false, true);
    await clock(ids[0], "resolution", true, false);
    await db.query(`INSERT INTO alert_incident (incident_id, recover_when_resolved) VALUES ($1, true)`, [ids[1]]);
    const res = await run({ measures: ["slaResponseCompliance", "slaResolutionCompliance", "alertOpenedShare"], bucket: "week" });
    expect(res.errors).toBeUndefined();
    expect(res.data!.metrics.rows.map((r: any) => r.values)).toEqual([
      [0.5, 1, 0.5],
      [0.5, null, 0],
      [null, null, null],
    ]);
  });

  it.each([
    [{ measures: ["incidentsCreated"], from: range.to, to: range.from }, "to"],
    [{ measures: ["incidentsCreated"], from: at(0), to: at(4 * 366 * DAY) }, "to"],
    [{ measures: ["incidentsCreated"], bucket: "day", from: at(0), to: at(2 * 366 * DAY), groupBy: "service" }, "bucket"],
    [{ measures: ["incidentsCreated"], groupBy: "service", thenBy: "service" }, "thenBy"],
    [{ measures: ["incidentsCreated"], thenBy: "team" }, "thenBy"],
    [{ measures: ["mtbfHours"], groupBy: "team" }, "groupBy"],
    [{ measures: ["changeSuccessRate"], groupBy: "service" }, "groupBy"],
    [{ measures: ["suggestionAcceptanceRate"], filter: { categories: ["network"] } }, "filter.categories"],
    [{ measures: ["incidentsCreated", "incidentsCreated"] }, "measures"],
  ])("refuses %j naming %s", async (input, field) => {
    const res = await t.gql(query, { input: { ...range, ...input } }, f.tokens.analyst);
    expect(codeOf(res)).toBe("BAD_USER_INPUT");
    expect(res.errors![0].extensions!.field).toBe(field);
  });

  it("answers a year of days for every service at once", async () => {
    const started = performance.now();
    const res = await run({ measures: ["incidentsCreated"], bucket: "day", from: at(0), to: at(365 * DAY), groupBy: "service" });
    expect(res.errors).toBeUndefined();
    expect(res.data!.metrics.rows).toHaveLength(2 * 365);
    console.log(`730 rows in ${Math.round(performance.now() - started)} ms`);
  });

  it("serves the same rows as CSV, checked like GraphQL", async () => {
    const qs = new URLSearchParams({ measures: "incidentsCreated,mttaMean", groupBy: "service", bucket: "week", ...range });
    const url = `${t.api.http.url}/api/metrics.csv?${qs}`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: "Bearer not-a-token" } })).status).toBe(401);
    const ok = await fetch(url, { headers: { authorization: `Bearer ${f.tokens.analyst}` } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("content-type")).toMatch(/^text\/csv/);
    const lines = (await ok.text()).trim().split("\n");
    expect(lines[0]).toBe("bucket_start,service,service_id,incidentsCreated (count),mttaMean (minutes)");
    expect(lines).toContain(`${at(0)},${f.service.name},${f.service.id},2,15`);
    expect(lines).toContain(`${at(14 * DAY)},${serviceB.name},${serviceB.id},0,`);
    expect(lines).toHaveLength(1 + 2 * 3);
    const bad = await fetch(`${t.api.http.url}/api/metrics.csv?measures=incidentsCreated&from=${range.to}&to=${range.from}`, { headers: { authorization: `Bearer ${f.tokens.analyst}` } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).errors[0].extensions.code).toBe("BAD_USER_INPUT");
    const wrongType = await fetch(`${t.api.http.url}/api/metrics.csv?measures=noSuchMeasure&from=${range.from}&to=${range.to}`, { headers: { authorization: `Bearer ${f.tokens.analyst}` } });
    expect(wrongType.status).toBe(400);
  });

  it("labels the group of incidents without a service, on the rollup path and the row path alike", async () => {
    const repo = t.api.dataSource.getRepository(Incident);
    const identifiedAt = new Date(T0 + 98 * DAY + HOUR);
    const lone = await repo.save(
      repo.create({ title: "metrics row without a service", impact: 2, urgency: 2, priority: 2, stage: Stage.closed, serviceId: null, teamId: f.team.id, identifiedAt, createdAt: identifiedAt, closedAt: new Date(identifiedAt.getTime() + 60 * MIN) }),
    );
    try {
      const input = { measures: ["incidentsCreated", "mttrMean"], bucket: "week", groupBy: "service", from: at(98 * DAY), to: at(105 * DAY) };
      const viaRollup = await run(input);
      const viaRows = await run({ ...input, to: new Date(T0 + 105 * DAY - 1).toISOString() });
      expect(viaRollup.errors).toBeUndefined();
      expect(viaRollup.data!.metrics.rows).toEqual([{ bucketStart: at(98 * DAY), group: { id: null, label: "no service" }, group2: null, values: [1, 60] }]);
      expect(viaRows.data!.metrics.rows).toEqual(viaRollup.data!.metrics.rows);
    } finally {
      await repo.delete(lone.id);
    }
  });

  it("buckets the rollup's days into the same days, weeks and months as the incident rows, from a range starting mid-week", async () => {
    // From a Wednesday: the first week and month start before the range. The row path gets a range 1 ms shorter.
    const measures = ["incidentsCreated", "mttrMean"];
    for (const bucket of ["day", "week", "month"]) {
      const viaRollup = await run({ measures, bucket, groupBy: "service", from: at(2 * DAY) });
      const viaRows = await run({ measures, bucket, groupBy: "service", from: at(2 * DAY), to: new Date(T0 + 21 * DAY - 1).toISOString() });
      expect(viaRollup.errors).toBeUndefined();
      expect(viaRollup.data!.metrics.rows).toEqual(viaRows.data!.metrics.rows);
      const starts = [...new Set(viaRollup.data!.metrics.rows.map((r: any) => r.bucketStart))];
      expect(starts[0]).toBe(bucket === "day" ? at(2 * DAY) : at(0));
      expect(starts.length).toBe({ day: 19, week: 3, month: 1 }[bucket]);
      // Service B's incidents (days 9 and 10, one closed after 7 days) land in the second week.
      const b = viaRollup.data!.metrics.rows.filter((r: any) => r.group.id === serviceB.id && r.values[0] > 0);
      expect(b.map((r: any) => r.bucketStart)).toEqual(bucket === "day" ? [at(9 * DAY), at(10 * DAY)] : bucket === "week" ? [at(7 * DAY)] : [at(0)]);
    }
  });

  // Last: it edits the fixture.
  it("keeps the daily rollup equal to the incidents through updates, reopens and deletes", async () => {
    const ds = t.api.dataSource;
    await ds.query(`UPDATE incident SET closed_at = NULL, stage = 'assessed', reopen_count = reopen_count + 1 WHERE id = $1`, [ids[0]]); // a reopen
    await ds.query(`UPDATE incident SET service_id = $2, priority = 4, severity = 'SEV2' WHERE id = $1`, [ids[1], serviceB.id]);
    await ds.query(`UPDATE incident SET identified_at = identified_at + interval '3 days', title = 'moved' WHERE id = $1`, [ids[2]]);
    await ds.query(`UPDATE incident SET title = 'only the title' WHERE id = $1`, [ids[3]]);
    await ds.query(`DELETE FROM incident WHERE id = $1`, [ids[4]]);
    const direct = await ds.query(`SELECT (identified_at AT TIME ZONE 'UTC')::date AS day, service_id, priority, severity::text AS severity, count(*)::int AS incidents,
        count(*) FILTER (WHERE reopen_count > 0)::int AS reopened, count(closed_at)::int AS close_n, coalesce(sum(date_part('epoch', closed_at - identified_at)), 0) AS close_sum_s,
        count(acknowledged_at)::int AS ack_n, coalesce(sum(date_part('epoch', acknowledged_at - identified_at)), 0) AS ack_sum_s
      FROM incident GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`);
    const rolled = await ds.query(`SELECT day, service_id, priority, severity, sum(incidents)::int AS incidents, sum(reopened)::int AS reopened, sum(close_n)::int AS close_n,
        sum(close_sum_s) AS close_sum_s, sum(ack_n)::int AS ack_n, sum(ack_sum_s) AS ack_sum_s
      FROM incident_daily_rollup GROUP BY 1, 2, 3, 4 HAVING sum(incidents) <> 0 ORDER BY 1, 2, 3, 4`);
    expect(direct.length).toBe(4);
    expect(rolled.map((r: any) => ({ ...r, close_sum_s: Math.round(r.close_sum_s), ack_sum_s: Math.round(r.ack_sum_s) }))).toEqual(
      direct.map((r: any) => ({ ...r, close_sum_s: Math.round(r.close_sum_s), ack_sum_s: Math.round(r.ack_sum_s) })),
    );
    // Through the API: the rollup path (range on UTC midnights) and the row path (a range 1 ms shorter) agree.
    const measures = ["incidentsCreated", "mttaMean", "mttrMean", "reopenRate"];
    const viaRollup = await run({ measures, bucket: "week", groupBy: "service" });
    const viaRows = await run({ measures, bucket: "week", groupBy: "service", to: new Date(T0 + 21 * DAY - 1).toISOString() });
    expect(viaRollup.errors).toBeUndefined();
    expect(viaRollup.data!.metrics.rows).toEqual(viaRows.data!.metrics.rows);
    expect(viaRollup.data!.metrics.rows.find((r: any) => r.group.id === serviceB.id && r.bucketStart === at(0)).values).toEqual([1, 20, 200, 0]);
    // TRUNCATE fires no delete trigger; its own trigger empties the rollup.
    await ds.query(`TRUNCATE incident CASCADE`);
    expect(await ds.query(`SELECT count(*)::int AS n FROM incident_daily_rollup`)).toEqual([{ n: 0 }]);
  });
});
