import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig, UnsafeConfigError } from "../../src/platform/config";
import { seedFixture, startTestApi, type Fixture } from "../support/harness";

const METRICS_TOKEN = "metrics-token-of-at-least-32-bytes-for-the-test";

describe("Prometheus /metrics", () => {
  let t: Awaited<ReturnType<typeof startTestApi>>;
  let f: Fixture;
  beforeAll(async () => {
    t = await startTestApi({ metricsToken: METRICS_TOKEN });
    f = await seedFixture(t.api);
  });
  afterAll(async () => t?.stop());

  const scrape = (authorization?: string) => fetch(`${t.api.http.url}/metrics`, { headers: authorization ? { authorization } : {} });

  it("refuses a scrape without the token or with a wrong one", async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape(`Bearer ${METRICS_TOKEN}x`)).status).toBe(401);
    // A user's session token is not the metrics token.
    expect((await scrape(`Bearer ${f.tokens.admin}`)).status).toBe(401);
  });

  it("reports latency by operation, errors by code, queue depth, outbox lag and pool use", async () => {
    await t.gql(`query QueuePage { incidents(first: 5) { totalCount } }`, {}, f.tokens.agent);
    await t.gql(`mutation BadCreate { createIncident(input: { title: "x", impact: 9, urgency: 1 }) { id } }`, {}, f.tokens.agent);
    await t.gql(`query Anon { incidents(first: 1) { totalCount } }`, {});
    const res = await scrape(`Bearer ${METRICS_TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const body = await res.text();
    expect(body).toMatch(/quell_graphql_request_duration_seconds_count\{operation="QueuePage"\} 1\b/);
    expect(body).toMatch(/quell_graphql_errors_total\{code="BAD_USER_INPUT"\} [1-9]/);
    expect(body).toMatch(/quell_graphql_errors_total\{code="UNAUTHENTICATED"\} [1-9]/);
    expect(body).toMatch(/quell_queue_waiting_jobs\{queue="triage"\} \d+/);
    expect(body).toMatch(/quell_outbox_lag_seconds [\d.e+-]+/);
    expect(body).toMatch(/quell_db_pool_connections\{state="total"\} [1-9]/);
    expect(body).toContain("# TYPE quell_job_duration_seconds histogram");
    expect(body).toContain("# TYPE quell_model_inference_seconds histogram");
  });

  it("is off when no token is configured, and a weak token stops a production start", async () => {
    const off = await startTestApi({ metricsToken: undefined });
    try {
      expect((await fetch(`${off.api.http.url}/metrics`)).status).toBe(404);
    } finally {
      await off.stop();
    }
    const production = { DATABASE_URL: "postgres://x@127.0.0.1/x", JWT_SECRET: "j".repeat(48) };
    expect(() => loadConfig({}, { ...production, QUELL_METRICS_TOKEN: "short" })).toThrow(UnsafeConfigError);
    expect(loadConfig({}, { ...production, QUELL_METRICS_TOKEN: "m".repeat(40) }).metricsToken).toBe("m".repeat(40));
  });
});
